// Do the observed shares of the members follow their weights? Pearson's
// chi-square goodness-of-fit test (FAQ 1.8: "the traffic varies according to
// the weights"), with its p-value from the chi-square distribution. No
// well-kept npm package gives that p-value without a large dependency tree
// (simple-statistics only compares with a table of a few significance levels;
// @stdlib pulls dozens of packages), so the one special function it needs, the
// regularized upper incomplete gamma Q(a, x), is written here from Numerical
// Recipes (§6.2: series below a+1, Lentz's continued fraction above) and
// checked against published chi-square critical values in the unit tests.

/** ln Γ(x), Lanczos approximation (g = 7, n = 9): 15 digits for x > 0. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const MAX_ITER = 500;

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPrefix));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.min(1, Math.exp(lnPrefix) * h);
}

/** P(X ≥ statistic) for X chi-square distributed with `df` degrees of freedom. */
export function chiSquarePValue(statistic: number, df: number): number {
  if (df <= 0) return 1;
  return gammaQ(df / 2, statistic / 2);
}

export interface ShareTest {
  /** Pearson's statistic: Σ (observed − expected)² / expected over the weighted members. */
  statistic: number;
  /** Weighted members − 1. */
  df: number;
  pValue: number;
  /** Requests landing on a member of weight 0: impossible under the weights, so the shares differ outright. */
  onZeroWeight: number;
  /** The smallest expected count: below 5 the chi-square approximation is rough, and the answer says so. */
  minExpected: number;
}

/** Tests observed counts against the shares the weights promise. */
export function testShares(observed: readonly number[], weights: readonly number[]): ShareTest {
  const total = observed.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  let statistic = 0;
  let df = -1;
  let onZeroWeight = 0;
  let minExpected = Number.POSITIVE_INFINITY;
  observed.forEach((o, i) => {
    const w = weights[i] ?? 0;
    if (w <= 0) {
      onZeroWeight += o;
      return;
    }
    df++;
    const e = (total * w) / weightSum;
    minExpected = Math.min(minExpected, e);
    statistic += e > 0 ? (o - e) ** 2 / e : 0;
  });
  const pValue = onZeroWeight > 0 ? 0 : chiSquarePValue(statistic, Math.max(0, df));
  return {
    statistic,
    df: Math.max(0, df),
    pValue,
    onZeroWeight,
    minExpected: Number.isFinite(minExpected) ? minExpected : 0,
  };
}
