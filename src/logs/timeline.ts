// Lines over time, in buckets of a width from BUCKET_LADDER (seconds, each a
// multiple of the one before, aligned on the epoch): 1 s while the log is
// short, coarser as it grows so that at most MAX_BUCKETS exist (a day of logs
// ends in 30 s buckets). Bounded memory whatever the log's size, and two
// timelines (two worker threads) merge by coarsening to the wider width.

export const BUCKET_LADDER = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600, 86_400] as const;
export const MAX_BUCKETS = 4096;

/** What each bucket counts. 4xx leaves out 499, which has its own row. */
export const TIMELINE_COUNTERS = [
  'lines',
  '2xx',
  '3xx',
  '4xx',
  '499',
  '5xx',
  'loadBalancer',
  'retried',
] as const;
export type TimelineCounter = (typeof TIMELINE_COUNTERS)[number];
const K = TIMELINE_COUNTERS.length;

export interface TimelineState {
  width: number;
  /** Bucket start (epoch seconds / width) and its counters, K numbers each. */
  keys: number[];
  counts: number[];
}

export class Timeline {
  width: number = BUCKET_LADDER[0];
  private buckets = new Map<number, Float64Array>();
  private lastKey = Number.NaN;
  private last: Float64Array | undefined;

  /** Counts one line: `classIndex` 0 none, 1 2xx, 2 3xx, 3 4xx, 4 499, 5 5xx. */
  add(msec: number, classIndex: number, loadBalancer: boolean, retried: boolean): void {
    const key = Math.floor(msec / this.width);
    let b = this.last;
    if (key !== this.lastKey || b === undefined) {
      b = this.buckets.get(key);
      if (b === undefined) {
        if (this.buckets.size >= MAX_BUCKETS) {
          this.coarsen(nextWidth(this.width));
          this.add(msec, classIndex, loadBalancer, retried);
          return;
        }
        b = new Float64Array(K);
        this.buckets.set(key, b);
      }
      this.lastKey = key;
      this.last = b;
    }
    b[0]!++;
    if (classIndex > 0) b[classIndex]!++;
    if (loadBalancer) b[6]!++;
    if (retried) b[7]!++;
  }

  /** Re-buckets into `width` (a multiple of the current one). */
  coarsen(width: number): void {
    if (width <= this.width) return;
    const ratio = width / this.width;
    const next = new Map<number, Float64Array>();
    for (const [key, b] of this.buckets) {
      const k = Math.floor(key / ratio);
      const into = next.get(k);
      if (into) for (let i = 0; i < K; i++) into[i]! += b[i]!;
      else next.set(k, b);
    }
    this.buckets = next;
    this.width = width;
    this.lastKey = Number.NaN;
    this.last = undefined;
    // Still too many (a log spanning years): keep going.
    if (this.buckets.size > MAX_BUCKETS) this.coarsen(nextWidth(width));
  }

  state(): TimelineState {
    const keys: number[] = [];
    const counts: number[] = [];
    for (const [key, b] of this.buckets) {
      keys.push(key);
      for (let i = 0; i < K; i++) counts.push(b[i]!);
    }
    return { width: this.width, keys, counts };
  }

  merge(st: TimelineState): void {
    if (st.width > this.width) this.coarsen(st.width);
    const ratio = this.width / st.width;
    for (let j = 0; j < st.keys.length; j++) {
      const k = Math.floor(st.keys[j]! / ratio);
      let b = this.buckets.get(k);
      if (!b) {
        b = new Float64Array(K);
        this.buckets.set(k, b);
      }
      for (let i = 0; i < K; i++) b[i]! += st.counts[j * K + i]!;
    }
    this.lastKey = Number.NaN;
    this.last = undefined;
    if (this.buckets.size > MAX_BUCKETS) this.coarsen(nextWidth(this.width));
  }

  /**
   * Consecutive windows of `windowSeconds` (a multiple of the width) from the
   * first to the last bucket, empty ones included.
   */
  windows(windowSeconds: number): { start: number; counts: Record<TimelineCounter, number> }[] {
    if (this.buckets.size === 0) return [];
    const ratio = Math.max(1, Math.round(windowSeconds / this.width));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const key of this.buckets.keys()) {
      const w = Math.floor(key / ratio);
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
    const sums = Array.from({ length: hi - lo + 1 }, () => new Float64Array(K));
    for (const [key, b] of this.buckets) {
      const into = sums[Math.floor(key / ratio) - lo]!;
      for (let i = 0; i < K; i++) into[i]! += b[i]!;
    }
    const span = this.width * ratio;
    return sums.map((s, i) => ({
      start: (lo + i) * span,
      counts: Object.fromEntries(TIMELINE_COUNTERS.map((c, k) => [c, s[k]!])) as Record<
        TimelineCounter,
        number
      >,
    }));
  }
}

export function nextWidth(width: number): number {
  return BUCKET_LADDER.find((w) => w > width) ?? width * 2;
}

/** The smallest ladder width ≥ `min` that cuts `spanSeconds` into at most `count` windows. */
export function widthFor(spanSeconds: number, count: number, min = 1): number {
  for (const w of BUCKET_LADDER) if (w >= min && spanSeconds / w <= count) return w;
  let w = BUCKET_LADDER[BUCKET_LADDER.length - 1] as number;
  while (w < min || spanSeconds / w > count) w *= 2;
  return w;
}
