// FAQ 1.8 and 1.11: traffic that is uneven or not sticky for reasons in the
// configuration. Backends put their name in `x-backend` so a client can count.
import { defineScenario, healthyWebPool } from './define.js';

export const unevenWeights = defineScenario({
  id: 'uneven-weights',
  title: 'two members with weights 3 and 1',
  faq: '1.8',
  playbook: 'uneven-distribution',
  conclusion: 'unequal-weights',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'be1 answers three requests out of four (x-backend header)',
  },
  async build(ctx) {
    const be1 = await ctx.http({ name: 'be1', healthPath: '/health' });
    const be2 = await ctx.http({ name: 'be2', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(be1, { weight: 3 }), ctx.member(be2, { weight: 1 })], {
      lb_algorithm: 'ROUND_ROBIN',
    });
  },
});

export const sourceIpHash = defineScenario({
  id: 'source-ip-hash',
  title: 'source IP hash with one client address: every request lands on the same member',
  faq: '1.8',
  playbook: 'uneven-distribution',
  conclusion: 'source-ip-hash',
  symptom: { listener: 'web', path: '/', expect: 'one member answers everything (x-backend header)' },
  async build(ctx) {
    const be1 = await ctx.http({ name: 'be1', healthPath: '/health' });
    const be2 = await ctx.http({ name: 'be2', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(be1), ctx.member(be2)], { lb_algorithm: 'SOURCE_IP' });
  },
});

export const stickinessOff = defineScenario({
  id: 'stickiness-off',
  title: 'the application needs sessions to stick, but the group has no sticky session',
  faq: '1.11, 3.10',
  playbook: 'sticky-session',
  conclusion: 'stickiness-off',
  symptom: { listener: 'web', path: '/', expect: 'consecutive requests alternate between be1 and be2' },
  async build(ctx) {
    const be1 = await ctx.http({
      name: 'be1',
      healthPath: '/health',
      default: { setCookie: 'APPSESSION=be1; Path=/' },
    });
    const be2 = await ctx.http({
      name: 'be2',
      healthPath: '/health',
      default: { setCookie: 'APPSESSION=be2; Path=/' },
    });
    return healthyWebPool(ctx, [ctx.member(be1), ctx.member(be2)]);
  },
});

export const stickyCookie = defineScenario({
  id: 'sticky-cookie',
  title:
    'load-balancer cookie stickiness on two members: a client that keeps the cookie stays on one (control)',
  faq: '1.11, 3.11',
  playbook: 'sticky-session',
  conclusion: 'stickiness-working',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'the first answer sets a cookie; requests that send it back reach the same member',
  },
  async build(ctx) {
    const be1 = await ctx.http({ name: 'be1', healthPath: '/health' });
    const be2 = await ctx.http({ name: 'be2', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(be1), ctx.member(be2)], {
      session_persistence: { type: 'HTTP_COOKIE' },
    });
  },
});

export const appCookieMissing = defineScenario({
  id: 'app-cookie-missing',
  title: 'application-cookie stickiness on JSESSIONID, but the application never sets it',
  faq: '1.11',
  playbook: 'sticky-session',
  conclusion: 'cookie-missing',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'no Set-Cookie: JSESSIONID; requests alternate between members',
  },
  async build(ctx) {
    const be1 = await ctx.http({ name: 'be1', healthPath: '/health' });
    const be2 = await ctx.http({ name: 'be2', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(be1), ctx.member(be2)], {
      session_persistence: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' },
    });
  },
});
