// The chi-square test of shares against weights: p-values against published
// critical values, and its behaviour on a balancer that picks at random
// (seeded, so this test cannot flap): with the playbook's N = 200 and
// alpha = 0.001, a fair balancer is almost never called uneven and a 3:1
// skew read against 1:1 weights is always caught.
import { describe, expect, it } from 'vitest';
import { chiSquarePValue, gammaQ, testShares } from '../../../../src/probes/distribution/share-test.js';

describe('chiSquarePValue', () => {
  // Critical values from any chi-square table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
  it.each([
    [3.841, 1, 0.05],
    [6.635, 1, 0.01],
    [10.828, 1, 0.001],
    [5.991, 2, 0.05],
    [13.816, 2, 0.001],
    [7.815, 3, 0.05],
    [18.307, 10, 0.05],
    [29.588, 10, 0.001],
    [124.342, 100, 0.05],
  ])('chi-square %f with %i df is p = %f', (x, df, p) => {
    expect(chiSquarePValue(x, df)).toBeCloseTo(p, 4);
  });

  it('edges: 0 is p = 1, a huge statistic p ≈ 0, no degrees of freedom p = 1', () => {
    expect(chiSquarePValue(0, 3)).toBe(1);
    expect(chiSquarePValue(1e4, 1)).toBeLessThan(1e-100);
    expect(chiSquarePValue(5, 0)).toBe(1);
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 12);
  });
});

describe('testShares', () => {
  it('counts that match the weights exactly: statistic 0, p = 1', () => {
    const t = testShares([150, 50], [3, 1]);
    expect(t.statistic).toBe(0);
    expect(t.df).toBe(1);
    expect(t.pValue).toBe(1);
  });

  it('3:1 read against 1:1 weights: p far below 0.001', () => {
    const t = testShares([150, 50], [1, 1]);
    expect(t.statistic).toBe(50);
    expect(t.pValue).toBeLessThan(1e-10);
  });

  it('a request on a member of weight 0 is impossible under the weights: p = 0', () => {
    const t = testShares([99, 1], [1, 0]);
    expect(t.onZeroWeight).toBe(1);
    expect(t.pValue).toBe(0);
    expect(t.df).toBe(0);
  });
});

/** Mulberry32: a small seeded PRNG, so the simulation is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBalancer(shares: readonly number[], n: number, random: () => number): number[] {
  const counts = shares.map(() => 0);
  for (let i = 0; i < n; i++) {
    let u = random();
    let k = 0;
    while (k < shares.length - 1 && u >= shares[k]!) u -= shares[k++]!;
    counts[k]!++;
  }
  return counts;
}

describe('N = 200, alpha = 0.001 on a balancer that picks at random', () => {
  const runs = 2000;
  it('a fair balancer is called uneven about 1 run in 1000', () => {
    const random = prng(1);
    let rejected = 0;
    for (let i = 0; i < runs; i++)
      if (testShares(randomBalancer([0.5, 0.5], 200, random), [1, 1]).pValue < 0.001) rejected++;
    expect(rejected).toBeLessThanOrEqual(8);
  });

  it('a 3:1 balancer is never taken for the 1:1 the weights say', () => {
    const random = prng(2);
    for (let i = 0; i < runs; i++)
      expect(testShares(randomBalancer([0.75, 0.25], 200, random), [1, 1]).pValue).toBeLessThan(0.001);
  });

  it('a 3:1 balancer against its own 3:1 weights is called as weighted', () => {
    const random = prng(3);
    let rejected = 0;
    for (let i = 0; i < runs; i++)
      if (testShares(randomBalancer([0.75, 0.25], 200, random), [3, 1]).pValue < 0.001) rejected++;
    expect(rejected).toBeLessThanOrEqual(8);
  });
});
