// Weighted round robin, the "smooth" variant nginx uses: every pick adds each
// candidate's weight to its running score, takes the highest score and charges
// it the total. Weights 3:1 give a a b a rather than a a a b, so a heavy member
// never receives a burst (FAQ 1.8: traffic follows the weights).
import type { PickContext } from '../types.js';
import type { Balancer, Candidate } from './types.js';

/**
 * One smooth-WRR step over `scores` (keyed by member key; mutated in place).
 * Ties go to the earlier candidate. Exported so the sequence is testable alone.
 */
export function smoothWeightedStep<M extends Candidate>(
  scores: Map<string, number>,
  candidates: readonly M[],
): M | undefined {
  let best: M | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  let total = 0;
  for (const c of candidates) {
    const score = (scores.get(c.key) ?? 0) + c.weight;
    scores.set(c.key, score);
    total += c.weight;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  if (best) scores.set(best.key, bestScore - total);
  return best;
}

export function createRoundRobin(): Balancer {
  const scores = new Map<string, number>();
  return {
    pick<M extends Candidate>(_ctx: PickContext, candidates: readonly M[]): M | undefined {
      // Forget members that left the candidate set long ago, so the map does not
      // grow without bound as members come and go.
      if (scores.size > candidates.length * 4 + 16) scores.clear();
      return smoothWeightedStep(scores, candidates);
    },
  };
}
