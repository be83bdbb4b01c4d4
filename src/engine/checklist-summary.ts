// A checklist's results as data (steps.<id>.data): counts per outcome, for the
// whole checklist and per item across members, and whether none, some or all
// of what was checked failed — so a playbook can branch on "every member
// passes from here" instead of leaving the operator to count.
import type { Outcome } from '../model/vocabulary.js';

export interface Counts {
  pass: number;
  fail: number;
  error: number;
  skip: number;
  total: number;
}

/**
 * none: everything was checked and nothing failed; all: every run failed;
 * some: some failed, some not; unknown: nothing failed but some could not be checked.
 */
export type Failed = 'none' | 'some' | 'all' | 'unknown';

export interface ItemSummary {
  counts: Counts;
  failed: Failed;
  /** Members whose run of this item failed (under `each: members`). */
  failing: string[];
}

export interface ChecklistSummary {
  counts: Counts;
  failed: Failed;
  items: Record<string, ItemSummary>;
}

export interface ItemRun {
  item: string;
  outcome: Outcome;
  /** The member it ran for, under `each: members`. */
  member?: string;
}

const zero = (): Counts => ({ pass: 0, fail: 0, error: 0, skip: 0, total: 0 });

function failedOf(c: Counts): Failed {
  if (c.fail > 0) return c.fail === c.total ? 'all' : 'some';
  return c.error > 0 ? 'unknown' : 'none';
}

export function summarizeChecklist(runs: readonly ItemRun[]): ChecklistSummary {
  const counts = zero();
  const items: Record<string, { counts: Counts; failing: string[] }> = {};
  for (const r of runs) {
    const item = items[r.item] ?? { counts: zero(), failing: [] };
    items[r.item] = item;
    for (const c of [counts, item.counts]) {
      c[r.outcome]++;
      c.total++;
    }
    if (r.outcome === 'fail' && r.member) item.failing.push(r.member);
  }
  return {
    counts,
    failed: failedOf(counts),
    items: Object.fromEntries(
      Object.entries(items).map(([id, s]) => [id, { ...s, failed: failedOf(s.counts) }]),
    ),
  };
}

/** The checklist's own outcome: error when nothing could be checked, fail when anything failed. */
export function checklistOutcome(s: ChecklistSummary): Outcome {
  const { counts } = s;
  if (counts.total > 0 && counts.error === counts.total) return 'error';
  if (counts.fail > 0) return 'fail';
  if (counts.total > 0 && counts.skip === counts.total) return 'skip';
  return 'pass';
}

export function describeCounts(c: Counts): string {
  const parts = [`${c.pass} passed`, `${c.fail} failed`];
  if (c.error) parts.push(`${c.error} could not be checked`);
  if (c.skip) parts.push(`${c.skip} skipped`);
  return `${c.total} check${c.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
