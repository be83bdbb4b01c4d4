// FAQ 1.10 on real hosts (network namespaces, real sysctls):
//  - be1's net.core.somaxconn is 8 and its application accepts slowly (it
//    spends 20 ms on each new connection): the playbook's burst fills the
//    accept queue and the kernel's ListenOverflows counts up during it;
//  - the same limit in front of a real nginx (which accepts as fast as it
//    can): the burst still arrives faster than any accept loop, and a queue of
//    8 overflows; the healthy twin is the same nginx behind the default 4096;
//  - the test client's ip_local_port_range is narrowed to 50 ports, and 50
//    short connections it closed first sit in TIME_WAIT: it has no local port
//    left for the next one (the client host is read over SSH as `client`);
//  - the healthy twin: a real nginx on be1 with the default somaxconn, and a
//    client with its normal port range.
import { defineHostScenario, type HostBuildContext } from './define-host.js';
import { addInputRule } from './host-firewall.js';
import { oneMemberWebPool } from './packet-loss.js';

/** net.core.somaxconn on the member of the backlog scenario. */
export const STRESS_SOMAXCONN = 8;
/** The client's ephemeral range in the port-exhaustion scenario: 50 ports. */
export const STRESS_CLIENT_PORTS = '40000 40049';
const CLIENT = 'client';

/**
 * From the client host: short connections to be1 that the client closes
 * first, until a connect fails (no local port left) or `max` are made; each
 * leaves its local port in TIME_WAIT for a minute. Returns how many were made.
 */
async function timeWaitPileUp(ctx: HostBuildContext, max: number): Promise<number> {
  const script = `
const net = require('node:net');
const [host, max] = [process.argv[1], Number(process.argv[2])];
const one = () => new Promise((done) => {
  const s = net.connect(80, host, () => s.end());
  s.on('close', (hadError) => done(!hadError));
  s.on('error', () => {});
});
(async () => { let made = 0; while (made < max && (await one())) made++; console.log(made); })();`;
  const r = await ctx.exec(CLIENT, [process.execPath, '-e', script, ctx.host('be1').address, String(max)]);
  return Number(r.stdout.trim());
}

export const stressBacklogOverflow = defineHostScenario({
  id: 'stress-backlog-overflow',
  title: `be1 accepts slowly behind net.core.somaxconn=${STRESS_SOMAXCONN}: a burst overflows its listen queue`,
  faq: '1.10',
  playbook: 'stress-test',
  conclusion: 'backlog-overflow',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'single requests get 200; under a burst, connections to be1 stall (resent SYNs) or time out',
  },
  members: ['be1'],
  async build(ctx) {
    // The limit applies when the application calls listen(): set it first.
    await ctx.sysctl('be1', { 'net.core.somaxconn': STRESS_SOMAXCONN });
    await ctx.slowAcceptor('be1', 80, 20);
    return { inventory: oneMemberWebPool(ctx.member('be1', 80)), settle: { 'web-pool': 'healthy' } };
  },
});

export const stressBacklogNginx = defineHostScenario({
  id: 'stress-backlog-nginx',
  title: `a real nginx on be1 behind net.core.somaxconn=${STRESS_SOMAXCONN}, holding at most 32 connections: a burst overflows its listen queue`,
  faq: '1.10',
  playbook: 'stress-test',
  conclusion: 'backlog-overflow',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'single requests get 200; under a burst, most connections to be1 wait a second for a resent SYN',
  },
  members: ['be1'],
  tools: ['nginx'],
  async build(ctx) {
    await ctx.sysctl('be1', { 'net.core.somaxconn': STRESS_SOMAXCONN });
    // With 32 worker connections nginx stops accepting long before the burst's
    // 300 held connections are in, so the 8-slot queue overflows however fast
    // this machine is (an idle one let nginx keep the queue short once).
    await ctx.nginx('be1', { workerConnections: 32 });
    return { inventory: oneMemberWebPool(ctx.member('be1', 80)), settle: { 'web-pool': 'healthy' } };
  },
});

export const stressClientPortsExhausted = defineHostScenario({
  id: 'stress-client-ports-exhausted',
  title: `the test client's ports (${STRESS_CLIENT_PORTS.replace(' ', '-')}) are all in TIME_WAIT`,
  faq: '1.10',
  playbook: 'stress-test',
  conclusion: 'client-ports-exhausted',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'from the client host, new connections fail (EADDRNOTAVAIL) for a minute; from elsewhere, 200',
  },
  members: ['be1', CLIENT],
  tools: ['nginx'],
  async build(ctx) {
    await ctx.nginx('be1');
    await ctx.sysctl(CLIENT, { 'net.ipv4.ip_local_port_range': STRESS_CLIENT_PORTS });
    const made = await timeWaitPileUp(ctx, 50);
    if (made < 25) throw new Error(`the client made only ${made} connections to be1`);
    return {
      inventory: {
        ...oneMemberWebPool(ctx.member('be1', 80)),
        client: { address: ctx.host(CLIENT).address },
      },
      settle: { 'web-pool': 'healthy' },
    };
  },
});

export const stressTestHealthy = defineHostScenario({
  id: 'stress-test-healthy',
  title: "a real nginx on be1 with the default somaxconn; the client's ports are free",
  faq: '1.10',
  playbook: 'stress-test',
  conclusion: 'member-holds',
  symptom: { listener: 'web', path: '/', expect: '200 from be1, also under a burst' },
  members: ['be1', CLIENT],
  tools: ['nginx'],
  async build(ctx) {
    await ctx.nginx('be1');
    await timeWaitPileUp(ctx, 20);
    return {
      inventory: {
        ...oneMemberWebPool(ctx.member('be1', 80)),
        client: { address: ctx.host(CLIENT).address },
      },
      settle: { 'web-pool': 'healthy' },
    };
  },
});

/** Connections one client address may hold to be1:80 in the connection-limit scenario. */
export const STRESS_CONNLIMIT = 50;

export const stressConnlimitReject = defineHostScenario({
  id: 'stress-connlimit-reject',
  title: `a real nginx on be1 behind an iptables connlimit of ${STRESS_CONNLIMIT} per client address: a burst is reset`,
  faq: '1.10',
  playbook: 'stress-test',
  conclusion: 'burst-failed',
  symptom: {
    listener: 'web',
    path: '/',
    expect: `200 from be1; a client holding more than ${STRESS_CONNLIMIT} connections gets the rest reset`,
  },
  members: ['be1'],
  tools: ['nginx', 'iptables'],
  async build(ctx) {
    await ctx.nginx('be1');
    // A per-source connection limit, as hosts put in front of an application
    // against floods: connections above it are reset before any socket queue,
    // so the listen-queue counters stay still while the test sees failures.
    await addInputRule(ctx, 'be1', {
      to: { tcpPort: 80, synOnly: true },
      match: ['-m', 'connlimit', '--connlimit-above', String(STRESS_CONNLIMIT)],
      verdict: 'reset',
    });
    return { inventory: oneMemberWebPool(ctx.member('be1', 80)), settle: { 'web-pool': 'healthy' } };
  },
});

export const stressBurstBlocked = defineHostScenario({
  id: 'stress-burst-blocked',
  title: "be1's firewall drops the operator's connections to port 80: the burst cannot reach it",
  faq: '1.10',
  playbook: 'stress-test',
  conclusion: 'burst-not-sent',
  symptom: {
    listener: 'web',
    path: '/',
    expect: "200 through the load balancer; from the operator's machine, be1:80 does not answer",
  },
  members: ['be1'],
  tools: ['nginx', 'iptables'],
  async build(ctx) {
    await ctx.nginx('be1');
    // Only the operator's machine is kept out (as a security group admitting
    // the load balancer alone would): SSH still reads the member, and the load
    // balancer's checks and traffic still reach it.
    await addInputRule(ctx, 'be1', { from: ctx.operator.address, to: { tcpPort: 80 } });
    return { inventory: oneMemberWebPool(ctx.member('be1', 80)), settle: { 'web-pool': 'healthy' } };
  },
});
