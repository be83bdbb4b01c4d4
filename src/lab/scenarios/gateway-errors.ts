// FAQ 1.5 (502, 504) and 5.6: the gateway errors a backend causes. Where a
// health check would hide the fault behind x-router-code 50000, the pool runs
// without one (members then count as healthy, FAQ 2.1) or with a check the
// faulty backend still passes — as in the field, where the check path is fine
// and the application path is not.
import { defineScenario, healthyWebPool, quickHttpCheck, webListener, webPool } from './define.js';

export const wrongBackendPort = defineScenario({
  id: 'wrong-backend-port',
  title: 'the member is registered on a port where nothing listens (the app listens on another)',
  faq: '1.5',
  playbook: 'gateway-errors',
  conclusion: 'wrong-backend-port',
  symptom: { listener: 'web', path: '/', expect: '502 from the load balancer (connection refused)' },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health' });
    // The port the operator typed: free now, and nothing will listen on it.
    const wrongPort = await ctx.closedTcpPort();
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [
          {
            id: 'web-pool',
            protocol: 'HTTP',
            healthmonitor: { ...quickHttpCheck, admin_state_up: false },
            members: [ctx.member(app, { protocol_port: wrongPort })],
          },
        ],
      },
    };
  },
});

export const backendResetOnConnect = defineScenario({
  id: 'backend-reset',
  title: 'the backend accepts connections and answers them with a TCP RST',
  faq: '1.5',
  playbook: 'gateway-errors',
  conclusion: 'backend-reset-on-connect',
  symptom: { listener: 'web', path: '/', expect: '502 from the load balancer (RST from the backend)' },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', onConnect: 'reset' });
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [
          {
            id: 'web-pool',
            protocol: 'HTTP',
            healthmonitor: { ...quickHttpCheck, admin_state_up: false },
            members: [ctx.member(app)],
          },
        ],
      },
    };
  },
});

export const backendResetMidResponse = defineScenario({
  id: 'backend-reset-mid-response',
  title: 'the backend starts an answer, then resets the connection',
  faq: '1.5',
  playbook: 'gateway-errors',
  conclusion: 'backend-reset-mid-response',
  symptom: { listener: 'web', path: '/', expect: 'a truncated answer or 502 (RST mid-response)' },
  async build(ctx) {
    const app = await ctx.http({
      name: 'app1',
      healthPath: '/health',
      default: { fault: 'reset-mid-response' },
    });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});

export const malformedResponse = defineScenario({
  id: 'malformed-response',
  title: 'the backend answers with a status line that is not HTTP',
  faq: '1.5',
  playbook: 'gateway-errors',
  conclusion: 'malformed-response',
  symptom: { listener: 'web', path: '/', expect: '502 from the load balancer (bad response)' },
  async build(ctx) {
    const app = await ctx.http({
      name: 'app1',
      healthPath: '/health',
      default: { fault: 'malformed-status' },
    });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});

export const invalidResponseHeader = defineScenario({
  id: 'invalid-response-header',
  title: 'the backend answers with a header line that is not a header',
  faq: '1.5',
  playbook: 'gateway-errors',
  conclusion: 'malformed-response',
  symptom: { listener: 'web', path: '/', expect: '502 from the load balancer (invalid header)' },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health', default: { fault: 'invalid-header' } });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});

export const backendSlow = defineScenario({
  id: 'backend-slow',
  title: 'the backend takes 5 s to answer; the response timeout (member_timeout) is 2 s',
  faq: '1.5, 5.6',
  playbook: 'gateway-errors',
  conclusion: 'response-timeout',
  symptom: { listener: 'web', path: '/', expect: '504 from the load balancer after member_timeout' },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health', default: { delayMs: 5000 } });
    return {
      inventory: {
        listeners: [
          {
            name: 'web',
            protocol: 'HTTP',
            protocol_port: await ctx.freeTcpPort(),
            default_pool_id: 'web-pool',
            member_timeout: 2,
          },
        ],
        pools: [webPool([ctx.member(app)])],
      },
      settle: { 'web-pool': 'healthy' },
    };
  },
});

export const keepaliveRace = defineScenario({
  id: 'backend-keepalive-short',
  title:
    "the backend closes idle keep-alive connections after 1 s, well before the load balancer's idle reuse",
  faq: '5.6, 1.5',
  playbook: 'gateway-errors',
  conclusion: 'backend-keepalive-shorter',
  symptom: {
    listener: 'web',
    path: '/',
    expect:
      'now and then a 502 when a request reuses a connection the backend is closing (requests ~1 s apart)',
  },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health', keepAliveTimeoutMs: 1000 });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});
