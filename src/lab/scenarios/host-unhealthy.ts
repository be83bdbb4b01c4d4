// FAQ 2.1/2.2 on real hosts: members the load balancer's health check marks
// unhealthy because of something on the member host itself (its firewall,
// hosts.deny, its route back, the port its server listens on), while the
// application answers the operator's machine and the member itself. The
// reference LB runs on the `lb` lab host, so the checks really come from the
// lb host's address, which is what these faults single out.
import type { MemberInput } from './define.js';
import { quickHttpCheck, webPool } from './define.js';
import { defineHostScenario } from './define-host.js';
import { addInputRule } from './host-firewall.js';

/** The "web" HTTP listener on port 80 of the lb host, to "web-pool" (quick HTTP check on /health). */
function webOn80(members: MemberInput[]) {
  return {
    listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool_id: 'web-pool' } as const],
    pools: [webPool(members)],
  };
}

export const firewallDropsLb = defineHostScenario({
  id: 'firewall-drops-lb',
  title: "be1's iptables drops TCP from the load balancer's address to the backend port",
  faq: '2.1, 2.2',
  playbook: 'unhealthy-backend',
  conclusion: 'host-firewall-drops-lb',
  alsoFinds: ['network-path-blocked'],
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'only be2 answers; be1 is unhealthy at the load balancer but answers the operator and itself',
  },
  members: ['be1', 'be2'],
  tools: ['nginx', 'iptables'],
  async build(ctx) {
    await ctx.nginx('be1');
    await ctx.nginx('be2');
    // Only the load balancer's source address is dropped: the operator (the gateway) still gets in.
    await addInputRule(ctx, 'be1', { from: ctx.lb.address, to: { tcpPort: 80 } });
    return {
      inventory: webOn80([ctx.member('be1', 80), ctx.member('be2', 80)]),
      settle: { 'web-pool': { be1: 'unhealthy', be2: 'healthy' } },
      recordMemberStatus: true,
    };
  },
});

export const hostsDenyLb = defineHostScenario({
  id: 'hosts-deny-lb',
  title: "be1's /etc/hosts.deny lists the load balancer's address; its backend runs behind tcp-wrappers",
  faq: '2.1, 2.2',
  playbook: 'unhealthy-backend',
  conclusion: 'hosts-deny-lists-lb',
  alsoFinds: ['network-path-blocked'],
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'only be2 answers; be1 accepts the load balancer and closes without answering',
  },
  members: ['be1', 'be2'],
  tools: ['nginx', 'tcpd'],
  async build(ctx) {
    // nginx ignores tcp-wrappers, so be1's backend is one that honours them:
    // an inetd handing each connection to the real tcpd (src/lab/host-processes.ts).
    await ctx.writeEtc(
      'be1',
      'hosts.deny',
      `# /etc/hosts.deny of lab host be1 (lbdoctor scenario hosts-deny-lb)\nALL: ${ctx.lb.address}\n`,
    );
    await ctx.wrappedHttp('be1', { port: 80 });
    await ctx.nginx('be2');
    return {
      inventory: webOn80([ctx.member('be1', 80), ctx.member('be2', 80)]),
      settle: { 'web-pool': { be1: 'unhealthy', be2: 'healthy' } },
      recordMemberStatus: true,
    };
  },
});

/** The next hop be1's wrong routes use: an address on the subnet that no host has (not the gateway). */
export function wrongNextHop(subnet: string): string {
  return `${subnet.split('/')[0]!.split('.').slice(0, 3).join('.')}.254`;
}

export const routeNotViaGateway = defineHostScenario({
  id: 'route-not-via-gateway',
  title: "be1's route back to the load balancer's range goes via another next hop, not the subnet gateway",
  faq: '2.1, 2.2',
  playbook: 'unhealthy-backend',
  conclusion: 'route-not-via-gateway',
  alsoFinds: ['network-path-blocked'],
  symptom: {
    listener: 'web',
    path: '/',
    expect: "only be2 answers; be1's replies to the load balancer leave by a wrong next hop and are lost",
  },
  members: ['be1', 'be2'],
  tools: ['nginx'],
  async build(ctx) {
    await ctx.nginx('be1');
    await ctx.nginx('be2');
    const hop = wrongNextHop(ctx.lab.subnet);
    // be1's default route still goes via the gateway, but a route for the load
    // balancer's source range (a dedicated LB's: its subnet, here the whole lab
    // subnet) sends replies to a next hop that is not the gateway, as a static
    // route for 100.125.0.0/16 via a second NIC or VPN would on a real member.
    // The gateway (the operator's machine) stays on-link, so only the
    // load balancer's replies are lost: its health checks time out.
    await ctx.exec('be1', ['ip', 'route', 'add', `${ctx.lab.gateway}/32`, 'dev', 'eth0', 'scope', 'link']);
    await ctx.exec('be1', ['ip', 'route', 'replace', ctx.lab.subnet, 'via', hop, 'dev', 'eth0', 'onlink']);
    return {
      inventory: webOn80([ctx.member('be1', 80), ctx.member('be2', 80)]),
      settle: { 'web-pool': { be1: 'unhealthy', be2: 'healthy' } },
      recordMemberStatus: true,
    };
  },
});

export const nginxPortNotListening = defineHostScenario({
  id: 'nginx-port-not-listening',
  title: "be1's nginx listens on 8080, but the pool sends to port 80, where nothing listens",
  faq: '2.1, 1.2',
  playbook: 'unhealthy-backend',
  conclusion: 'port-not-listening',
  alsoFinds: ['fails-everywhere'],
  symptom: {
    listener: 'web',
    path: '',
    expect: 'connections go to be2 only; be1 refuses port 80 (its nginx is on 8080)',
  },
  members: ['be1', 'be2'],
  tools: ['nginx'],
  async build(ctx) {
    await ctx.nginx('be1', { port: 8080 });
    await ctx.nginx('be2');
    return {
      inventory: {
        listeners: [{ name: 'web', protocol: 'TCP', protocol_port: 80, default_pool_id: 'web-pool' }],
        pools: [
          {
            id: 'web-pool',
            protocol: 'TCP',
            healthmonitor: { ...quickHttpCheck, type: 'TCP' },
            members: [ctx.member('be1', 80), ctx.member('be2', 80)],
          },
        ],
      },
      settle: { 'web-pool': { be1: 'unhealthy', be2: 'healthy' } },
      recordMemberStatus: true,
    };
  },
});

export const healthyHosts = defineHostScenario({
  id: 'healthy-hosts',
  title: 'two nginx members on real hosts, nothing wrong (the healthy twin of the host faults)',
  faq: '2.1, 2.2',
  playbook: 'unhealthy-backend',
  conclusion: 'members-healthy',
  symptom: { listener: 'web', path: '/', expect: 'be1 and be2 answer in turn' },
  members: ['be1', 'be2'],
  tools: ['nginx'],
  async build(ctx) {
    await ctx.nginx('be1');
    await ctx.nginx('be2');
    return {
      inventory: webOn80([ctx.member('be1', 80), ctx.member('be2', 80)]),
      settle: { 'web-pool': 'healthy' },
      recordMemberStatus: true,
    };
  },
});
