// FAQ 1.6: the x-router-code header ELB adds when it cannot hand a request to
// any backend. Each scenario leaves exactly one reason for it; `healthy` is the
// control where the backend answers and no header appears.
import { defineScenario, healthyWebPool, webListener, webPool } from './define.js';
import { twoMembers } from './two-members.js';

export const emptyPool = defineScenario({
  id: 'empty-pool',
  title: "the listener's default backend server group has no members",
  faq: '1.6',
  playbook: 'router-code',
  conclusion: 'default-pool-empty',
  symptom: { listener: 'web', path: '/', expect: 'x-router-code: 40000 from the load balancer' },
  async build(ctx) {
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [{ id: 'web-pool', protocol: 'HTTP', members: [] }],
      },
    };
  },
});

export const policyPoolEmpty = defineScenario({
  id: 'policy-pool-empty',
  title: 'a catch-all forwarding policy (path starts with /) sends every request to a group with no members',
  faq: '1.6',
  playbook: 'router-code',
  conclusion: 'policy-pool-empty',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'x-router-code: 40001, although the default group has a healthy member',
  },
  async build(ctx) {
    // FAQ 1.6 names "a forwarding policy matched by accident": a policy meant
    // for /api was written as "/", so it catches everything.
    const app = await ctx.http({ name: 'app1', healthPath: '/health' });
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [webPool([ctx.member(app)]), { id: 'api-pool', protocol: 'HTTP', members: [] }],
        l7policies: [
          {
            name: 'api',
            listener: 'web',
            action: 'REDIRECT_TO_POOL',
            redirect_pool_id: 'api-pool',
            rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/' }],
          },
        ],
      },
      settle: { 'web-pool': 'healthy' },
    };
  },
});

export const allMembersDown = defineScenario({
  id: 'all-members-down',
  title: 'every member fails its health check (the health path answers 503)',
  faq: '1.6, 2.1',
  playbook: 'router-code',
  conclusion: 'all-members-unhealthy',
  alsoFinds: ['member-fails-health-check'],
  symptom: { listener: 'web', path: '/', expect: 'x-router-code: 50000 from the load balancer' },
  async build(ctx) {
    return {
      ...(await twoMembers(ctx, { both: { healthStatus: 503 } })),
      settle: { 'web-pool': 'unhealthy' },
    };
  },
});

export const healthy = defineScenario({
  id: 'healthy',
  title: 'nothing wrong: a healthy member answers (control)',
  faq: '1.6',
  playbook: 'router-code',
  conclusion: 'backend-answered',
  symptom: { listener: 'web', path: '/', expect: '200 from the backend, no x-router-code' },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});

export const answerBrokeOff = defineScenario({
  id: 'router-code-answer-broke-off',
  title: 'the backend sends a 200 head through the load balancer, then resets before the body ends',
  faq: '1.5, 1.6',
  playbook: 'router-code',
  conclusion: 'answer-broke-off',
  symptom: { listener: 'web', path: '/', expect: 'HTTP 200 without x-router-code, and a truncated body' },
  async build(ctx) {
    // No router code to read: the load balancer forwarded the request, and the
    // backend's answer broke off on the way (a crash mid-response, say).
    const app = await ctx.http({
      name: 'app1',
      healthPath: '/health',
      default: { fault: 'reset-mid-response' },
    });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});
