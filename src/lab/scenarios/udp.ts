// FAQ 2.4: UDP health checks fail only on an ICMP port unreachable, so a
// member whose UDP port has no socket is unhealthy while the host still pings.
import { defineScenario } from './define.js';

export const udpPortClosed = defineScenario({
  id: 'udp-port-closed',
  title: 'UDP listener whose member has no socket on its port (ICMP port unreachable)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'udp-port-closed',
  symptom: { listener: 'dns', path: '', expect: 'datagrams get no answer; the member is unhealthy' },
  async build(ctx) {
    const closed = await ctx.udp({ mode: 'closed' });
    return {
      inventory: {
        listeners: [
          {
            name: 'dns',
            protocol: 'UDP',
            protocol_port: await ctx.freeUdpPort(),
            default_pool_id: 'udp-pool',
          },
        ],
        pools: [
          {
            id: 'udp-pool',
            protocol: 'UDP',
            healthmonitor: { type: 'UDP_CONNECT', delay: 1, timeout: 1, max_retries: 1 },
            members: [{ name: 'udp1', address: closed.address, protocol_port: closed.port }],
          },
        ],
      },
      settle: { 'udp-pool': 'unhealthy' },
    };
  },
});

export const udpHealthy = defineScenario({
  id: 'udp-healthy',
  title: 'a UDP member that answers ping and echoes datagrams (control)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'udp-healthy',
  symptom: { listener: 'dns', path: '', expect: 'datagrams are echoed back; the member is healthy' },
  async build(ctx) {
    const echo = await ctx.udp({ mode: 'echo' });
    return {
      inventory: {
        listeners: [
          {
            name: 'dns',
            protocol: 'UDP',
            protocol_port: await ctx.freeUdpPort(),
            default_pool_id: 'udp-pool',
          },
        ],
        pools: [
          {
            id: 'udp-pool',
            protocol: 'UDP',
            healthmonitor: { type: 'UDP_CONNECT', delay: 1, timeout: 1, max_retries: 1 },
            members: [{ name: 'udp1', address: echo.address, protocol_port: echo.port }],
          },
        ],
      },
      settle: { 'udp-pool': 'healthy' },
    };
  },
});
