// FAQ 1.4 and 5.6: a TCP listener resets connections idle for longer than its
// idle timeout (keepalive_timeout; 300 s by default). The scenario uses the
// 10 s minimum so the reset shows quickly; an application that keeps quiet
// connections open (database pools, long polls) sees them die with an RST.
import { defineScenario } from './define.js';

export const tcpIdleReset = defineScenario({
  id: 'tcp-idle-reset',
  title: 'a TCP listener with a 10 s idle timeout resets quiet connections',
  faq: '1.4, 5.6',
  playbook: 'backend-unreachable',
  conclusion: 'idle-timeout-reset',
  symptom: {
    listener: 'tcp',
    path: '',
    expect: 'a connection that stays silent for 10 s is reset by the load balancer (ECONNRESET)',
  },
  async build(ctx) {
    const echo = await ctx.tcp({ mode: 'echo' });
    return {
      inventory: {
        listeners: [
          {
            name: 'tcp',
            protocol: 'TCP',
            protocol_port: await ctx.freeTcpPort(),
            default_pool_id: 'tcp-pool',
            keepalive_timeout: 10,
          },
        ],
        pools: [
          {
            id: 'tcp-pool',
            protocol: 'TCP',
            healthmonitor: { type: 'TCP', delay: 1, timeout: 1, max_retries: 1 },
            members: [{ name: 'echo1', address: echo.address, protocol_port: echo.port }],
          },
        ],
      },
      settle: { 'tcp-pool': 'healthy' },
    };
  },
});
