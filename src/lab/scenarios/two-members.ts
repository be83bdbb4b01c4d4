// The lab's most common pool: two HTTP backends, be1 and be2, that put their
// name in `x-backend` so a client can count who answered. Scenarios differ
// only in how each backend answers and in the pool's fields, so with these
// builders they say just that.
import type { HttpBackendOptions } from '../backends/index.js';
import {
  type BuildContext,
  healthyWebPool,
  type MemberInput,
  type PoolInput,
  type ScenarioBuild,
} from './define.js';

export interface TwoMembersOptions {
  /** Backend options both share (a slow handler, a health status, a cookie, …). */
  both?: HttpBackendOptions;
  /** Backend options of be1 alone, over `both`. */
  be1?: HttpBackendOptions;
  /** Backend options of be2 alone, over `both`. */
  be2?: HttpBackendOptions;
  /** The members' weights, be1's then be2's (the inventory's default when left out). */
  weights?: readonly [number, number];
  /** Pool fields to add or override (algorithm, stickiness, …). */
  pool?: Partial<PoolInput>;
}

/**
 * be1 and be2, each answering 200 on /health unless told otherwise, behind
 * the HTTP "web" listener; started once both are healthy.
 */
export async function twoMembers(ctx: BuildContext, options: TwoMembersOptions = {}): Promise<ScenarioBuild> {
  const members = await startPair(ctx, { healthPath: '/health', ...options.both }, options);
  return healthyWebPool(ctx, members, options.pool);
}

/**
 * be1 and be2 behind a TCP listener "web" (HTTP carried at layer 4: the load
 * balancer picks a member per connection, not per request), with a TCP health
 * check; started once both are healthy.
 */
export async function twoMembersOverTcp(
  ctx: BuildContext,
  pool: Partial<PoolInput> = {},
): Promise<ScenarioBuild> {
  const members = await startPair(ctx, {}, {});
  return {
    inventory: {
      listeners: [
        { name: 'web', protocol: 'TCP', protocol_port: await ctx.freeTcpPort(), default_pool_id: 'web-pool' },
      ],
      pools: [
        {
          id: 'web-pool',
          protocol: 'TCP',
          lb_algorithm: 'ROUND_ROBIN',
          healthmonitor: { type: 'TCP', delay: 1, timeout: 1, max_retries: 1 },
          members,
          ...pool,
        },
      ],
    },
    settle: { 'web-pool': 'healthy' },
  };
}

/** Starts be1 then be2 (in that order, so ports come as before) and makes their members. */
async function startPair(
  ctx: BuildContext,
  both: HttpBackendOptions,
  each: Pick<TwoMembersOptions, 'be1' | 'be2' | 'weights'>,
): Promise<MemberInput[]> {
  const be1 = await ctx.http({ name: 'be1', ...both, ...each.be1 });
  const be2 = await ctx.http({ name: 'be2', ...both, ...each.be2 });
  const [w1, w2] = each.weights ?? [];
  return [
    ctx.member(be1, w1 === undefined ? {} : { weight: w1 }),
    ctx.member(be2, w2 === undefined ? {} : { weight: w2 }),
  ];
}
