// The bounded per-key table keeps the same keys, with the same counts, and
// the same "(other)", whatever order the keys come in and however they are
// split among tables merged later.
import { describe, expect, it } from 'vitest';
import { SampledTable } from '../../../src/logs/sampled-table.js';
import { randomFrom } from './helpers.js';

const OPS = {
  create: () => ({ n: 0 }),
  fold: (into: { n: number }, from: { n: number }) => {
    into.n += from.n;
  },
};

/** Keys k0…k(distinct-1), key i seen i % 7 + 1 times, shuffled. */
function keyStream(distinct: number, seed: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < distinct; i++) for (let j = 0; j <= i % 7; j++) keys.push(`k${i}`);
  const random = randomFrom(seed);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}

function contents(t: SampledTable<{ n: number }>) {
  const top = t.top(Number.POSITIVE_INFINITY, (v) => v.n);
  return { kept: top.kept.map(([k, v]) => [k, v.n]), other: top.other?.n ?? 0, distinct: t.distinct };
}

describe('SampledTable', () => {
  it('counts everything exactly while the keys fit', () => {
    const t = new SampledTable(100, OPS);
    for (const k of keyStream(100, 1)) t.get(k).n++;
    expect(t.truncated).toBe(false);
    expect(t.distinct).toBe(100);
    expect(contents(t).kept).toContainEqual(['k6', 7]);
  });

  it('keeps the same sample, within its bound, in any order and any split', () => {
    const keys = keyStream(5000, 2);
    const whole = new SampledTable(100, OPS);
    for (const k of keys) whole.get(k).n++;
    const expected = contents(whole);
    expect(expected.kept.length).toBeLessThanOrEqual(100);
    expect(expected.kept.length).toBeGreaterThan(25);
    expect(expected.other + expected.kept.reduce((n, [, c]) => n + (c as number), 0)).toBe(keys.length);
    // The estimate of distinct keys is near the truth.
    expect(Math.abs(expected.distinct - 5000) / 5000).toBeLessThan(0.25);

    for (const parts of [2, 3, 5]) {
      const tables = Array.from({ length: parts }, () => new SampledTable(100, OPS));
      keys.forEach((k, i) => {
        tables[(i * 7919) % parts]!.get(k).n++;
      });
      const merged = new SampledTable(100, OPS);
      for (const t of tables.reverse())
        merged.merge(
          t.state((v) => v.n),
          (n: number) => ({ n }),
        );
      expect(contents(merged)).toEqual(expected);
    }
  });
});
