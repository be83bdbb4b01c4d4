// FAQ 1.8 and 1.11: traffic that is uneven or not sticky for reasons in the
// configuration. Backends put their name in `x-backend` so a client can count.
import { defineScenario, healthyWebPool, type ScenarioBuild } from './define.js';
import { twoMembers, twoMembersOverTcp } from './two-members.js';
import type { LabListener } from './types.js';

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
    return twoMembers(ctx, { weights: [3, 1], pool: { lb_algorithm: 'ROUND_ROBIN' } });
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
    return twoMembers(ctx, { pool: { lb_algorithm: 'SOURCE_IP' } });
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
    return twoMembers(ctx, {
      be1: { default: { setCookie: 'APPSESSION=s3ss-be1-7f2c; Path=/' } },
      be2: { default: { setCookie: 'APPSESSION=s3ss-be2-91ad; Path=/' } },
    });
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
    return twoMembers(ctx, { pool: { session_persistence: { type: 'HTTP_COOKIE' } } });
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
    return twoMembers(ctx, {
      pool: { session_persistence: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' } },
    });
  },
});

/**
 * Waits until `wanted` consecutive answers through the listener all come from
 * `name` (x-backend): the health checker has taken the other members out.
 */
async function untilOnly(listener: LabListener, name: string, wanted = 10): Promise<void> {
  const deadline = Date.now() + 15_000;
  let run = 0;
  while (run < wanted) {
    if (Date.now() > deadline)
      throw new Error(`only ${name} should answer ${listener.url}, and others still do`);
    const res = await fetch(listener.url, { headers: { connection: 'close' } }).catch(() => undefined);
    await res?.arrayBuffer();
    run = res?.headers.get('x-backend') === name ? run + 1 : 0;
    if (run === 0) await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The pool once the health checker has taken be2 out: no pool to wait for
 * (be2 never turns healthy), but be1 alone must be answering before it counts.
 */
function onlyBe1Left(build: ScenarioBuild): ScenarioBuild {
  return { ...build, settle: {}, warmUp: (listeners) => untilOnly(listeners[0]!, 'be1') };
}

export const evenRoundRobin = defineScenario({
  id: 'even-round-robin',
  title: 'two members of equal weight under round robin: the shares follow the weights (healthy twin)',
  faq: '1.8',
  playbook: 'uneven-distribution',
  conclusion: 'distribution-even',
  symptom: { listener: 'web', path: '/', expect: 'be1 and be2 answer in turn (x-backend header)' },
  async build(ctx) {
    return twoMembers(ctx, { pool: { lb_algorithm: 'ROUND_ROBIN' } });
  },
});

export const keepaliveOnTcp = defineScenario({
  id: 'keepalive-on-tcp',
  title: 'HTTP clients that keep their connection open through a TCP listener stay on one member',
  faq: '1.8, 3.10',
  playbook: 'uneven-distribution',
  conclusion: 'keepalive-concentrates',
  symptom: {
    listener: 'web',
    path: '/',
    expect:
      'new connections alternate between be1 and be2; requests on one kept-alive connection all reach one',
  },
  async build(ctx) {
    return twoMembersOverTcp(ctx);
  },
});

export const unhealthyMemberShare = defineScenario({
  id: 'unhealthy-member-share',
  title: 'a member failing its health check gets no share: the other takes everything',
  faq: '1.8',
  playbook: 'uneven-distribution',
  conclusion: 'member-health-flapping',
  alsoFinds: ['member-fails-health-check'],
  symptom: { listener: 'web', path: '/', expect: 'only be1 answers, though be2 serves / directly' },
  async build(ctx) {
    return onlyBe1Left(await twoMembers(ctx, { be2: { healthStatus: 503 } }));
  },
});

export const allWeightsZero = defineScenario({
  id: 'all-weights-zero',
  title: 'every member of the pool has weight 0',
  faq: '1.8, 6.13',
  playbook: 'uneven-distribution',
  conclusion: 'all-weights-zero',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'the load balancer answers itself: no member takes new requests',
  },
  async build(ctx) {
    return twoMembers(ctx, { weights: [0, 0] });
  },
});

export const memberDown = defineScenario({
  id: 'member-down-share',
  title: 'a member whose service is down: it answers nobody, the other takes its share',
  faq: '1.8',
  playbook: 'uneven-distribution',
  conclusion: 'member-no-direct-answer',
  symptom: { listener: 'web', path: '/', expect: 'only be1 answers; be2 refuses connections' },
  async build(ctx) {
    const be1 = await ctx.http({ name: 'be1', healthPath: '/health' });
    const closed = await ctx.closedTcpPort();
    return onlyBe1Left(
      await healthyWebPool(ctx, [ctx.member(be1), { name: 'be2', address: ctx.host, protocol_port: closed }]),
    );
  },
});

export const cookieChanging = defineScenario({
  id: 'cookie-changing',
  title: 'application-cookie stickiness on SESSIONID, which the application sets anew on every answer',
  faq: '1.11',
  playbook: 'sticky-session',
  conclusion: 'cookie-changing',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'every answer sets SESSIONID to a new value (curl -c/-b shows it change)',
  },
  async build(ctx) {
    return twoMembers(ctx, {
      both: { default: { rotateCookie: 'SESSIONID' } },
      pool: { session_persistence: { type: 'APP_COOKIE', cookie_name: 'SESSIONID' } },
    });
  },
});

export const stickyMemberUnhealthy = defineScenario({
  id: 'sticky-member-unhealthy',
  title: 'load-balancer cookie stickiness while one member fails its health check',
  faq: '1.11',
  playbook: 'sticky-session',
  conclusion: 'member-unhealthy',
  alsoFinds: ['member-fails-health-check'],
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'only be1 answers; sessions bound to be2 would move to be1',
  },
  async build(ctx) {
    return onlyBe1Left(
      await twoMembers(ctx, {
        be2: { healthStatus: 503 },
        pool: { session_persistence: { type: 'HTTP_COOKIE' } },
      }),
    );
  },
});

export const sourceIpSticky = defineScenario({
  id: 'source-ip-sticky',
  title: 'source-address stickiness on a TCP listener: one client stays on one member (control)',
  faq: '1.11, 6.1',
  playbook: 'sticky-session',
  conclusion: 'stickiness-working',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'every new connection from this address reaches the same member',
  },
  async build(ctx) {
    return twoMembersOverTcp(ctx, { session_persistence: { type: 'SOURCE_IP' } });
  },
});

export const stickyFewClients = defineScenario({
  id: 'sticky-few-clients',
  title: 'source-address stickiness with one client: it loads one member',
  faq: '1.8',
  playbook: 'uneven-distribution',
  conclusion: 'stickiness-few-clients',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'every new connection from this address reaches the same member',
  },
  async build(ctx) {
    return twoMembersOverTcp(ctx, { session_persistence: { type: 'SOURCE_IP' } });
  },
});
