// Source-IP hash: the same client address goes to the same member for as long
// as the member set is the same (FAQ 1.8, 1.11). Weighted rendezvous hashing
// (highest random weight) keeps that promise and, when a member leaves, moves
// only the clients that were on it; shares follow the weights.
import { createHash } from 'node:crypto';
import type { PickContext } from '../types.js';
import type { Balancer, Candidate } from './types.js';

/** A uniform number in (0, 1) from the client address and member key. */
function unitHash(clientIp: string, memberKey: string): number {
  const digest = createHash('sha256').update(clientIp).update('\0').update(memberKey).digest();
  // 48 bits are plenty and stay exact in a double.
  const n = digest.readUIntBE(0, 6);
  return (n + 0.5) / 2 ** 48;
}

/** The member with the highest weighted rendezvous score for `clientIp`. */
export function sourceIpPick<M extends Candidate>(clientIp: string, candidates: readonly M[]): M | undefined {
  let best: M | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const c of candidates) {
    // Weighted HRW: -w / ln(u) is larger for heavier members in proportion to w.
    const score = -c.weight / Math.log(unitHash(clientIp, c.key));
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export function createSourceIp(): Balancer {
  return {
    pick<M extends Candidate>(ctx: PickContext, candidates: readonly M[]): M | undefined {
      return sourceIpPick(ctx.clientIp, candidates);
    },
  };
}
