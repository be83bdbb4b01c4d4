// Branch conditions: the closed outcome set plus tests on observed values.
// `path` reads the subject (a step's own result, or the whole context in
// `decide`); a compared value that is one `{{ path }}` reads the context, so a
// test can compare two observations.
import type { Condition, Test } from '../playbook/schema.js';
import { getPath, renderValue } from './template.js';

/** Loose equality that lets YAML's "40000" match a header's "40000" and a status 502 match "502". */
function same(a: unknown, b: unknown): boolean {
  // A missing value equals nothing, not even another missing value: two steps
  // that both could not observe a status have not "answered the same".
  if (a === undefined || a === null || b === undefined || b === null) return false;
  if (a === b) return true;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

const COMPARISONS = [
  ['gt', (n: number, b: number) => n > b],
  ['gte', (n: number, b: number) => n >= b],
  ['lt', (n: number, b: number) => n < b],
  ['lte', (n: number, b: number) => n <= b],
] as const;

export function testHolds(t: Partial<Test>, subject: unknown, ctx: unknown = subject): boolean {
  if (!t.path) return true;
  const v = getPath(subject, t.path);
  const value = (x: unknown) => renderValue(x, ctx);
  if (t.exists !== undefined && (v !== undefined && v !== null) !== t.exists) return false;
  if (t.equals !== undefined && !same(v, value(t.equals))) return false;
  if (t.not !== undefined && same(v, value(t.not))) return false;
  if (t.in && !t.in.some((x) => same(v, value(x)))) return false;
  if (t.matches !== undefined && (v === undefined || v === null || !new RegExp(t.matches).test(String(v))))
    return false;
  for (const [op, holds] of COMPARISONS) {
    if (t[op] === undefined) continue;
    const n = num(v);
    const bound = num(value(t[op]));
    // A value or bound that is not a number fails the comparison (it never passes by accident).
    if (n === undefined || bound === undefined || !holds(n, bound)) return false;
  }
  return true;
}

/** Outcomes a branch takes when it names none: answers, never "could not check" or "skipped". */
export const ANSWER_OUTCOMES = ['pass', 'fail'] as const;

export function outcomesOf(c: Pick<Condition, 'outcome'>): readonly string[] {
  if (c.outcome === undefined) return ANSWER_OUTCOMES;
  return Array.isArray(c.outcome) ? c.outcome : [c.outcome];
}

/** The value tests of a condition (its `outcome` is checked by the caller, see routing.ts). */
export function testsHold(c: Omit<Condition, 'outcome'>, subject: unknown, ctx: unknown = subject): boolean {
  if (!testHolds(c, subject, ctx)) return false;
  if (c.all && !c.all.every((t) => testHolds(t, subject, ctx))) return false;
  if (c.any && !c.any.some((t) => testHolds(t, subject, ctx))) return false;
  if (c.none?.some((t) => testHolds(t, subject, ctx))) return false;
  return true;
}

/** A branch condition on a result with an outcome. */
export function conditionHolds(
  c: Condition,
  subject: { outcome?: string } & Record<string, unknown>,
  ctx: unknown = subject,
): boolean {
  if (!subject.outcome || !outcomesOf(c).includes(subject.outcome)) return false;
  return testsHold(c, subject, ctx);
}
