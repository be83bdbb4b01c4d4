// FAQ 6.11 on real hosts: behind a TCP listener, Cloud Eye's active
// connections are the members' connections. A client host holds
// HELD_CONNECTIONS keep-alive connections through the reference load balancer's
// TCP listener to a real nginx on be1. The "Cloud Eye" figure given to the run
// is the load balancer's own count of its listener's active connections (its
// admin status), read once the connections are up, with the minute it was read:
//  - healthy twin: be1 holds every one of them, so the figures match;
//  - be1 drops DROPPED_CONNECTIONS of them without telling the load balancer
//    (its firewall drops its outgoing resets, then the sockets are destroyed
//    with `ss -K`, as a member whose application or conntrack forgets
//    connections would): the load balancer still counts them, be1 no longer
//    holds them, and the members' sum falls short of Cloud Eye's.
import { type HostBuildContext, type HostScenarioBuild, defineHostScenario } from './define-host.js';
import type { RunningScenario, Scenario } from './types.js';

/** Keep-alive connections the client holds through the load balancer. */
export const HELD_CONNECTIONS = 20;
/** Of those, how many be1 forgets in the mismatch scenario (well beyond the ±2 tolerance at 20). */
export const DROPPED_CONNECTIONS = 8;
const CLIENT = 'client';
const PORT = 80;

/** Opens N connections to host:port, one keep-alive request on each, prints "ready" once all answered, holds them. */
const HOLD_SCRIPT = `
const net = require('node:net');
const [host, port, n] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const held = [];
let answered = 0;
for (let i = 0; i < n; i++) {
  const s = net.connect(port, host, () => s.write('GET / HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n'));
  held.push(s);
  s.once('data', () => { if (++answered === n) console.log('ready'); });
  s.on('error', (e) => { console.error('connection ' + i + ': ' + e.message); process.exit(1); });
}
setInterval(() => {}, 60000);
`;

/** The TCP listener "tcp" on port 80 of the lb host, to be1:80 (quick TCP health check). */
function tcpPool(ctx: HostBuildContext): HostScenarioBuild['inventory'] {
  return {
    listeners: [{ name: 'tcp', protocol: 'TCP', protocol_port: PORT, default_pool_id: 'tcp-pool' }],
    pools: [
      {
        id: 'tcp-pool',
        protocol: 'TCP',
        healthmonitor: { type: 'TCP', delay: 1, timeout: 1, max_retries: 1 },
        members: [ctx.member('be1', PORT)],
      },
    ],
  };
}

/** be1's established connections on PORT from the load balancer, as `ss` prints their peers. */
async function lbPeers(ctx: HostBuildContext): Promise<string[]> {
  const listed = await ctx.exec('be1', ['ss', '-tnH', 'state', 'established', `( sport = :${PORT} )`]);
  return listed.stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
    .filter((peer) => peer.startsWith(`${ctx.lb.address}:`));
}

/** be1 forgets `count` of the load balancer's connections: its resets dropped, its sockets destroyed. */
async function forgetConnections(ctx: HostBuildContext, count: number): Promise<void> {
  await ctx.exec('be1', `iptables -A OUTPUT -p tcp --sport ${PORT} --tcp-flags RST RST -j DROP`.split(' '));
  const peers = await lbPeers(ctx);
  if (peers.length < count)
    throw new Error(`be1 holds only ${peers.length} connections from the load balancer`);
  for (const peer of peers.slice(0, count)) {
    const port = peer.slice(peer.lastIndexOf(':') + 1);
    await ctx.exec('be1', ['ss', '-K', 'state', 'established', `( sport = :${PORT} and dport = :${port} )`]);
  }
  // ss -K needs a kernel built with socket destruction (CONFIG_INET_DIAG_DESTROY): say so rather than
  // leave a scenario whose counts still match.
  const left = (await lbPeers(ctx)).length;
  if (left !== peers.length - count)
    throw new Error(
      `ss -K left be1 with ${left} connections, not ${peers.length - count}: can this kernel destroy sockets?`,
    );
}

function heldThroughLb(dropped: number): (ctx: HostBuildContext) => Promise<HostScenarioBuild> {
  return async (ctx) => {
    await ctx.nginx('be1');
    return {
      inventory: tcpPool(ctx),
      settle: { 'tcp-pool': 'healthy' },
      warmUp: async () => {
        await ctx.spawn(
          CLIENT,
          [process.execPath, '-e', HOLD_SCRIPT, ctx.lb.address, String(PORT), String(HELD_CONNECTIONS)],
          /ready/,
        );
        if (dropped > 0) await forgetConnections(ctx, dropped);
      },
    };
  };
}

/** The listener's active connections as the load balancer counts them (what Cloud Eye shows for ELB). */
async function listenerConnections(running: RunningScenario): Promise<number> {
  const res = await fetch(`${running.admin!.url}/status`, { signal: AbortSignal.timeout(5000) });
  const tree = (await res.json()) as { listeners: { name: string; active_connections: number }[] };
  const n = tree.listeners.find((l) => l.name === 'tcp')?.active_connections;
  if (typeof n !== 'number')
    throw new Error('the load balancer reports no active connections for listener tcp');
  return n;
}

/** The scenario, with the Cloud Eye answer (the load balancer's own count, and the minute) added to the run. */
function withCloudEyeAnswer(scenario: Scenario): Scenario {
  return {
    ...scenario,
    start: async (options) => {
      const running = await scenario.start(options);
      try {
        const n = await listenerConnections(running);
        const minute = new Date().toISOString().slice(11, 16);
        const answer = ['--set', `cloud_eye_active_connections=${n}`, '--set', `cloud_eye_minute=${minute}`];
        return { ...running, runArgs: [...(running.runArgs ?? []), ...answer] };
      } catch (err) {
        await running.close();
        throw err;
      }
    },
  };
}

export const stressConnectionsMatch = withCloudEyeAnswer(
  defineHostScenario({
    id: 'stress-connections-match',
    title: `a client holds ${HELD_CONNECTIONS} connections through a TCP listener to a real nginx on be1: Cloud Eye and be1 agree`,
    faq: '6.11',
    playbook: 'stress-test',
    conclusion: 'l4-connections-match',
    symptom: {
      listener: 'tcp',
      path: '/',
      expect: `the load balancer counts ${HELD_CONNECTIONS} active connections, and be1 holds ${HELD_CONNECTIONS} from it`,
    },
    members: ['be1', CLIENT],
    tools: ['nginx'],
    build: heldThroughLb(0),
  }),
);

export const stressConnectionsFewer = withCloudEyeAnswer(
  defineHostScenario({
    id: 'stress-connections-fewer',
    title: `be1 forgets ${DROPPED_CONNECTIONS} of ${HELD_CONNECTIONS} connections the load balancer still counts`,
    faq: '6.11',
    playbook: 'stress-test',
    conclusion: 'l4-connections-fewer',
    symptom: {
      listener: 'tcp',
      path: '/',
      expect: `the load balancer counts ${HELD_CONNECTIONS} active connections; be1 holds only ${HELD_CONNECTIONS - DROPPED_CONNECTIONS}`,
    },
    members: ['be1', CLIENT],
    tools: ['nginx', 'iptables', 'ss'],
    build: heldThroughLb(DROPPED_CONNECTIONS),
  }),
);
