// FAQ 2.1/2.2/2.8 and 1.2: members the health check marks unhealthy while the
// application itself may well work.
import { defineScenario, healthyWebPool, quickHttpCheck, webListener, webPool } from './define.js';

export const healthPath404 = defineScenario({
  id: 'health-path-404',
  title: 'the health check path does not exist on the backend (404), the application works',
  faq: '2.1, 2.8',
  playbook: 'unhealthy-backend',
  conclusion: 'health-check-unexpected-code',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'x-router-code: 50000; the member is unhealthy: HTTP 404 on /health',
  },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health', healthStatus: 404 });
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [webPool([ctx.member(app)])],
      },
      settle: { 'web-pool': 'unhealthy' },
    };
  },
});

export const healthCheckNeedsHost = defineScenario({
  id: 'health-check-needs-host',
  title: 'the backend answers /health only for Host app.example; the health check sends no domain name',
  faq: '2.1, 2.2',
  playbook: 'unhealthy-backend',
  conclusion: 'health-check-needs-host',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'x-router-code: 50000; /health answers 200 only with Host: app.example',
  },
  async build(ctx) {
    const app = await ctx.http({
      name: 'app1',
      rules: [
        { path: '/health', host: 'app.example', answer: { status: 200 } },
        { path: '/health', answer: { status: 404, body: 'unknown virtual host\n' } },
      ],
    });
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [webPool([ctx.member(app)])],
        // The listener serves app.example through this group: where lbdoctor finds the domain to try.
        l7policies: [
          {
            name: 'app',
            listener: 'web',
            action: 'REDIRECT_TO_POOL',
            redirect_pool_id: 'web-pool',
            rules: [{ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: 'app.example' }],
          },
        ],
      },
      settle: { 'web-pool': 'unhealthy' },
    };
  },
});

export const portNotListening = defineScenario({
  id: 'port-not-listening',
  title: 'nothing listens on the member port, so its health check fails',
  faq: '2.1, 1.2',
  playbook: 'unhealthy-backend',
  conclusion: 'port-not-listening',
  symptom: { listener: 'web', path: '/', expect: 'x-router-code: 50000; the member refuses connections' },
  async build(ctx) {
    const closedPort = await ctx.closedTcpPort();
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [
          {
            id: 'web-pool',
            protocol: 'HTTP',
            healthmonitor: { ...quickHttpCheck, type: 'TCP' },
            members: [{ name: 'app1', address: ctx.host, protocol_port: closedPort }],
          },
        ],
      },
      settle: { 'web-pool': 'unhealthy' },
    };
  },
});

export const weightZero = defineScenario({
  id: 'weight-zero',
  title: 'the only member is healthy but has weight 0, so it takes no traffic',
  faq: '1.2, 6.13',
  playbook: 'backend-unreachable',
  conclusion: 'all-weights-zero',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'the load balancer answers itself (no member takes new traffic)',
  },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(app, { weight: 0 })]);
  },
});

export const healthCheckTimesOut = defineScenario({
  id: 'health-check-times-out',
  title: 'the backend accepts connections but answers /health after 3 s; the check gives up after 1 s',
  faq: '2.1, 2.2',
  playbook: 'unhealthy-backend',
  conclusion: 'health-check-times-out',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'x-router-code: 50000; /health answers, but only after the check has timed out',
  },
  async build(ctx) {
    // A slow health page (a check that queries a database, say): the port is
    // open and the answer is right, only too late for the 1 s timeout.
    const app = await ctx.http({
      name: 'app1',
      rules: [{ path: '/health', answer: { status: 200, delayMs: 3000 } }],
    });
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [webPool([ctx.member(app)])],
      },
      settle: { 'web-pool': 'unhealthy' },
    };
  },
});
