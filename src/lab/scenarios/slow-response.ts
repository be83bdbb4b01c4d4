// FAQ 1.9: access through the load balancer is slow. The reference load
// balancer in front of local backends with real slow handlers: every member
// slow, one slow member among fast ones, a member that never answers which the
// load balancer waits on and retries past (health check off, a 1 s response
// timeout), and the healthy twin. The load balancer's own path being slow
// (bandwidth, network) needs a throttled load balancer: it is proven on real
// nginx with limit_rate (test/integration/playbooks/slow-response.test.ts).
import { defineScenario, type PoolInput, quickHttpCheck, webListener } from './define.js';
import { twoMembers } from './two-members.js';

/** A slow handler on every path but /health: the delay is the application's own time. */
const slow = (delayMs: number) => ({ default: { delayMs } });

export const allMembersSlow = defineScenario({
  id: 'all-members-slow',
  title: 'both members take 1.5 s to answer, directly as through the listener',
  faq: '1.9',
  playbook: 'slow-response',
  conclusion: 'backend-slow',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'answered after 1.5 s, and the same directly on each member',
  },
  async build(ctx) {
    return twoMembers(ctx, { both: slow(1500) });
  },
});

export const oneMemberSlow = defineScenario({
  id: 'one-member-slow',
  title:
    'be2 takes 1.5 s to answer while be1 answers at once: half the requests through the listener are slow',
  faq: '1.9',
  playbook: 'slow-response',
  conclusion: 'slow-member',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'every other request answered after 1.5 s (those that land on be2)',
  },
  async build(ctx) {
    return twoMembers(ctx, { be2: slow(1500) });
  },
});

export const unhealthyMemberRetries = defineScenario({
  id: 'unhealthy-member-retries',
  title:
    'be2 accepts and never answers, the health check is off: the listener waits its 1 s response timeout on be2, then retries on be1',
  faq: '1.9, 5.6',
  playbook: 'slow-response',
  conclusion: 'retries-unhealthy-members',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'every answer is 200 from be1, but those first sent to be2 come after 1 s',
  },
  async build(ctx) {
    const be1 = await ctx.http({ name: 'be1', healthPath: '/health' });
    const be2 = await ctx.http({ name: 'be2', default: { fault: 'hang' } });
    const pool: PoolInput = {
      id: 'web-pool',
      protocol: 'HTTP',
      // Off: ELB keeps sending to be2 (FAQ 1.2 step 2), and each request there waits, then is retried (FAQ 1.9 step 4).
      healthmonitor: { ...quickHttpCheck, admin_state_up: false },
      members: [ctx.member(be1), ctx.member(be2)],
    };
    return {
      inventory: { listeners: [{ ...(await webListener(ctx)), member_timeout: 1 }], pools: [pool] },
    };
  },
});

export const slowResponseHealthy = defineScenario({
  id: 'slow-response-healthy',
  title: 'two members answering at once, directly and through the listener',
  faq: '1.9',
  playbook: 'slow-response',
  conclusion: 'response-fast',
  symptom: { listener: 'web', path: '/', expect: 'answered in a few milliseconds' },
  async build(ctx) {
    return twoMembers(ctx);
  },
});
