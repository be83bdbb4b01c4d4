// FAQ 1.1: packet loss through the load balancer. One scenario per check of
// the FAQ's table, and a healthy twin:
//  - a whitelist that leaves the client out (the reference LB drops it);
//  - IP-as-backend members too few for the specification (the operator's
//    answer to the specification question is part of the run, as `--set`);
//  - on real hosts: be1's real iptables drops the load balancer's traffic, so
//    the listener has no healthy member and fails every request, while the
//    load balancer's address still answers ping (the case FAQ 1.1 warns of);
//  - the healthy twin on real hosts: nginx members, a whitelist that admits
//    the operator, ping and HTTP both answered.
import { defineScenario, healthyWebPool, type MemberInput, webPool } from './define.js';
import { defineHostScenario, type HostScenarioBuild } from './define-host.js';
import { addInputRule } from './host-firewall.js';
import type { Scenario } from './types.js';

/** The scenario, with `extra` added to what a user must pass to `lbdoctor run` (answers to its questions). */
function withRunArgs(scenario: Scenario, extra: readonly string[]): Scenario {
  return {
    ...scenario,
    start: async (options) => {
      const running = await scenario.start(options);
      return { ...running, runArgs: [...(running.runArgs ?? []), ...extra] };
    },
  };
}

export const packetLossClientBlocked = defineScenario({
  id: 'packet-loss-client-blocked',
  title: "the listener's whitelist holds 10.9.0.0/16 only; the client (this machine) is dropped",
  faq: '1.1',
  playbook: 'packet-loss',
  conclusion: 'client-blocked',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'the connection is closed without an answer; other clients get 200',
  },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health' });
    const built = await healthyWebPool(ctx, [ctx.member(app)]);
    const [web] = built.inventory.listeners ?? [];
    return {
      ...built,
      inventory: {
        ...built.inventory,
        listeners: [{ ...web!, ipgroup: { type: 'white', ip_list: ['10.9.0.0/16'] } }],
        client: { address: ctx.host },
      },
    };
  },
});

/** 100,000 × 2 members (private, one AZ) = 200,000, against a specification of 500,000. */
export const PACKET_LOSS_SPEC_CONNECTIONS = 500_000;

export const packetLossIpBackendCapacity = withRunArgs(
  defineScenario({
    id: 'packet-loss-ip-backend-capacity',
    title: `IP as a backend with 2 members: 200,000 concurrent connections against a ${PACKET_LOSS_SPEC_CONNECTIONS.toLocaleString('en-US')} specification`,
    faq: '1.1',
    playbook: 'packet-loss',
    conclusion: 'capacity-below-spec',
    symptom: {
      listener: 'web',
      path: '/',
      expect: '200 from app1 or app2 (the loss shows only near the specification)',
    },
    async build(ctx) {
      const apps = await Promise.all(
        ['app1', 'app2'].map((name) => ctx.http({ name, healthPath: '/health' })),
      );
      const built = await healthyWebPool(
        ctx,
        apps.map((a) => ctx.member(a)),
      );
      return {
        ...built,
        inventory: {
          ...built.inventory,
          loadbalancer: {
            name: 'lab-packet-loss-ip-backend-capacity',
            type: 'dedicated',
            vip_address: ctx.host,
            ip_target_enable: true,
            availability_zones: ['az1'],
          },
        },
      };
    },
  }),
  ['--set', `spec_max_connections=${PACKET_LOSS_SPEC_CONNECTIONS}`],
);

/** The "web" HTTP listener on port 80 of the lb host, to one member (quick HTTP check on /health). */
export function oneMemberWebPool(member: MemberInput): HostScenarioBuild['inventory'] {
  return {
    listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool_id: 'web-pool' }],
    pools: [webPool([member])],
  };
}

export const packetLossPingOnly = defineHostScenario({
  id: 'packet-loss-ping-only',
  title: "be1's iptables drops the load balancer's traffic: the VIP answers ping, every request fails",
  faq: '1.1',
  playbook: 'packet-loss',
  conclusion: 'ping-only',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'ping to the VIP is answered; HTTP through the listener gets 503 (x-router-code 50000)',
  },
  members: ['be1'],
  tools: ['nginx', 'iptables', 'ping'],
  async build(ctx) {
    await ctx.nginx('be1');
    await addInputRule(ctx, 'be1', { from: ctx.lb.address, to: { tcpPort: 80 } });
    return {
      inventory: { ...oneMemberWebPool(ctx.member('be1', 80)), client: { address: ctx.operator.address } },
      settle: { 'web-pool': 'unhealthy' },
    };
  },
});

export const packetLossHealthy = defineHostScenario({
  id: 'packet-loss-healthy',
  title: 'a whitelist that admits the client, a real nginx member: ping and HTTP both answered',
  faq: '1.1',
  playbook: 'packet-loss',
  conclusion: 'no-loss-found',
  symptom: { listener: 'web', path: '/', expect: '200 from be1' },
  members: ['be1'],
  tools: ['nginx', 'ping'],
  async build(ctx) {
    await ctx.nginx('be1');
    const { listeners = [], pools } = oneMemberWebPool(ctx.member('be1', 80));
    return {
      inventory: {
        listeners: listeners.map((l) => ({
          ...l,
          ipgroup: { type: 'white', ip_list: [`${ctx.operator.address}/32`] },
        })),
        pools,
        client: { address: ctx.operator.address },
      },
      settle: { 'web-pool': 'healthy' },
    };
  },
});
