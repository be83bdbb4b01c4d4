// A balancer chooses one member among candidates the Pool has already filtered
// (healthy, admin up, weight > 0, not draining, not yet tried). It knows nothing
// of sockets or HTTP: the same algorithm serves TCP, UDP and L7 (STYLE: gobetween).
import type { MemberState, PickContext } from '../types.js';

/** The part of a member an algorithm reads. */
export type Candidate = Pick<MemberState, 'key' | 'weight' | 'activeConnections'>;

export interface Balancer {
  /** One of `candidates`, or undefined when there are none. Candidates all have weight > 0. */
  pick<M extends Candidate>(ctx: PickContext, candidates: readonly M[]): M | undefined;
}

/** Makes a fresh balancer; each pool owns its own (round robin keeps per-pool state). */
export type BalancerFactory = () => Balancer;
