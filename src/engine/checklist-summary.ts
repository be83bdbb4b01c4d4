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
  /**
   * Each numeric field of the item's data, summed over the runs that were
   * checked (pass or fail): a pool's connections from each member's count.
   * Runs that could not check add nothing; `counts.error` says how many.
   */
  totals: Record<string, number>;
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
  /** The probe's data, whose numeric fields are summed into `totals`. */
  data?: Record<string, unknown>;
}

const zero = (): Counts => ({ pass: 0, fail: 0, error: 0, skip: 0, total: 0 });

function failedOf(c: Counts): Failed {
  if (c.fail > 0) return c.fail === c.total ? 'all' : 'some';
  return c.error > 0 ? 'unknown' : 'none';
}

function addTotals(totals: Record<string, number>, data: Record<string, unknown> | undefined): void {
  for (const [k, v] of Object.entries(data ?? {}))
    if (typeof v === 'number' && Number.isFinite(v)) totals[k] = (totals[k] ?? 0) + v;
}

export function summarizeChecklist(runs: readonly ItemRun[]): ChecklistSummary {
  const counts = zero();
  const items: Record<string, Omit<ItemSummary, 'failed'>> = {};
  for (const r of runs) {
    const item = items[r.item] ?? { counts: zero(), failing: [], totals: {} };
    items[r.item] = item;
    for (const c of [counts, item.counts]) {
      c[r.outcome]++;
      c.total++;
    }
    if (r.outcome === 'fail' && r.member) item.failing.push(r.member);
    if (r.outcome === 'pass' || r.outcome === 'fail') addTotals(item.totals, r.data);
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
