// Weighted least connections: the member with the fewest active connections per
// unit of weight. Ties are broken by smooth round robin among the tied members,
// so an idle pool still spreads new connections by weight instead of piling
// them on the first member.
import type { PickContext } from '../types.js';
import { smoothWeightedStep } from './round-robin.js';
import type { Balancer, Candidate } from './types.js';

/** The candidates with the lowest activeConnections / weight (compared without division). */
export function leastLoaded<M extends Candidate>(candidates: readonly M[]): M[] {
  let best: M[] = [];
  for (const c of candidates) {
    const first = best[0];
    if (!first) {
      best = [c];
      continue;
    }
    const diff = c.activeConnections * first.weight - first.activeConnections * c.weight;
    if (diff < 0) best = [c];
    else if (diff === 0) best.push(c);
  }
  return best;
}

export function createLeastConnections(): Balancer {
  const scores = new Map<string, number>();
  return {
    pick<M extends Candidate>(_ctx: PickContext, candidates: readonly M[]): M | undefined {
      if (scores.size > candidates.length * 4 + 16) scores.clear();
      return smoothWeightedStep(scores, leastLoaded(candidates));
    },
  };
}
