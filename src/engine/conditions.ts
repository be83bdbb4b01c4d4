// Branch conditions: the closed outcome set plus tests on observed values.
import type { Condition, Test } from '../playbook/schema.js';
import { getPath } from './template.js';

/** Loose equality that lets YAML's "40000" match a header's "40000" and a status 502 match "502". */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function testHolds(t: Partial<Test>, subject: unknown): boolean {
  if (!t.path) return true;
  const v = getPath(subject, t.path);
  if (t.exists !== undefined && (v !== undefined && v !== null) !== t.exists) return false;
  if (t.equals !== undefined && !same(v, t.equals)) return false;
  if (t.not !== undefined && same(v, t.not)) return false;
  if (t.in && !t.in.some((x) => same(v, x))) return false;
  if (t.matches !== undefined && (v === undefined || v === null || !new RegExp(t.matches).test(String(v))))
    return false;
  for (const [op, bound] of [
    ['gt', t.gt],
    ['gte', t.gte],
    ['lt', t.lt],
    ['lte', t.lte],
  ] as const) {
    if (bound === undefined) continue;
    const n = num(v);
    if (n === undefined) return false;
    if (
      (op === 'gt' && !(n > bound)) ||
      (op === 'gte' && !(n >= bound)) ||
      (op === 'lt' && !(n < bound)) ||
      (op === 'lte' && !(n <= bound))
    ) {
      return false;
    }
  }
  return true;
}

export function conditionHolds(
  c: Condition,
  subject: { outcome?: string } & Record<string, unknown>,
): boolean {
  if (c.outcome !== undefined) {
    const wanted = Array.isArray(c.outcome) ? c.outcome : [c.outcome];
    if (!subject.outcome || !wanted.includes(subject.outcome as never)) return false;
  }
  if (!testHolds(c, subject)) return false;
  if (c.all && !c.all.every((t) => testHolds(t, subject))) return false;
  if (c.any && !c.any.some((t) => testHolds(t, subject))) return false;
  return true;
}
