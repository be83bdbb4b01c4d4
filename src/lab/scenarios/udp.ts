// FAQ 2.4: UDP health checks fail only on an ICMP port unreachable, so a
// member whose UDP port has no socket is unhealthy while the host still pings.
import { type BuildContext, defineScenario, type ScenarioBuild } from './define.js';

/** One UDP listener "dns" to "udp-pool" with a quick UDP check, over one local UDP backend. */
async function udpPool(
  ctx: BuildContext,
  mode: 'closed' | 'echo',
  settle: 'healthy' | 'unhealthy',
  /** Point the health check at a port of its own, with no socket on it (monitor_port). */
  checkClosedPort = false,
): Promise<ScenarioBuild> {
  const backend = await ctx.udp({ mode });
  // Picked while the backend holds its port, so the two cannot be the same.
  const monitor = checkClosedPort ? { monitor_port: await ctx.freeUdpPort() } : {};
  return {
    inventory: {
      listeners: [
        { name: 'dns', protocol: 'UDP', protocol_port: await ctx.freeUdpPort(), default_pool_id: 'udp-pool' },
      ],
      pools: [
        {
          id: 'udp-pool',
          protocol: 'UDP',
          healthmonitor: { type: 'UDP_CONNECT', delay: 1, timeout: 1, max_retries: 1, ...monitor },
          members: [{ name: 'udp1', address: backend.address, protocol_port: backend.port }],
        },
      ],
    },
    settle: { 'udp-pool': settle },
  };
}

export const udpPortClosed = defineScenario({
  id: 'udp-port-closed',
  title: 'UDP listener whose member has no socket on its port (ICMP port unreachable)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'udp-port-closed',
  symptom: { listener: 'dns', path: '', expect: 'datagrams get no answer; the member is unhealthy' },
  build: (ctx) => udpPool(ctx, 'closed', 'unhealthy'),
});

export const udpHealthy = defineScenario({
  id: 'udp-healthy',
  title: 'a UDP member that answers ping and echoes datagrams (control)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'udp-healthy',
  symptom: { listener: 'dns', path: '', expect: 'datagrams are echoed back; the member is healthy' },
  build: (ctx) => udpPool(ctx, 'echo', 'healthy'),
});

export const udpMonitorPortClosed = defineScenario({
  id: 'udp-monitor-port-closed',
  title: "the UDP service answers on its port, but the health check's monitor_port has no socket",
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'udp-check-fails',
  symptom: {
    listener: 'dns',
    path: '',
    expect: 'datagrams get no answer: the member is unhealthy, though its service echoes when asked directly',
  },
  // The check is pointed at another port than the service's (a monitor_port
  // left over from an earlier setup): every check gets a port unreachable.
  build: (ctx) => udpPool(ctx, 'echo', 'unhealthy', true),
});
