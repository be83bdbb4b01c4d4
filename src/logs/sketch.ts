// Percentiles in constant memory, mergeable across worker threads: DDSketch
// (Datadog's @datadog/sketches-js), whose answers are within 1 % of the true
// value whatever the distribution. Its state crosses a worker boundary as
// plain data (SketchState), not its protobuf form (that needs protobufjs).
//
// The mean must not depend on the order values were added in (worker threads
// merge in any order), and a sum of floats does: values with whole
// milliseconds (every time ELB writes) and whole numbers (tcpinfo_rtt) are
// summed as integers instead, exactly. Only other values go to `sum`.
import { DDSketch } from '@datadog/sketches-js';

export interface Sketch extends DDSketch {
  /** Sum of the values with whole milliseconds, in milliseconds. */
  sumMs: number;
  /** Sum of the whole values given to acceptWhole(). */
  sumWhole: number;
}

const RELATIVE_ACCURACY = 0.01;
const BIN_CHUNK = 16;

export function newSketch(): Sketch {
  const s = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }) as Sketch;
  // Bins grow 16 at a time, not 128: most per-path sketches hold a few values,
  // and thousands of them are made and dropped (sampled-table.ts).
  s.store.chunkSize = BIN_CHUNK;
  s.sumMs = 0;
  s.sumWhole = 0;
  return s;
}

/** The mean, the same whatever order the values came in (for whole ms and whole numbers). */
function meanOf(s: Sketch): number {
  return (s.sumMs / 1000 + s.sumWhole + s.sum) / s.count;
}

/** Counts a value ≥ 0 into the bins as accept() does, but leaves `sum` alone (the caller sums it exactly). */
function bin(s: Sketch, v: number): void {
  if (v > s.mapping.minPossible) s.store.add(s.mapping.key(v), 1);
  else s.zeroCount += 1;
  s.count += 1;
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
}

/** Whole milliseconds below this many take a table lookup instead of a logarithm. */
const TABLE_MS = 1 << 16;
let keyTable: Int32Array | undefined;

/**
 * `s.accept(v)` for a value in seconds, faster for what ELB writes (seconds
 * with millisecond resolution): the sketch's key for each whole millisecond is
 * computed once. Same bins, count, min and max as accept(); the sum goes to
 * `sumMs`, exactly, when `v` has whole milliseconds.
 */
export function acceptSeconds(s: Sketch, v: number): void {
  const ms = Math.round(v * 1000);
  if (ms > 0 && ms < TABLE_MS && ms / 1000 === v) {
    s.store.add(msKeys(s)[ms]!, 1);
    s.count += 1;
    s.sumMs += ms;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
  } else if (ms >= 0 && ms / 1000 === v && ms <= Number.MAX_SAFE_INTEGER) {
    bin(s, v);
    s.sumMs += ms;
  } else s.accept(v);
}

/** Whole numbers below this many take a table lookup (tcpinfo_rtt in µs: up to 131 ms). */
const TABLE_WHOLE = 1 << 17;
let wholeTable: Int32Array | undefined;

/** `s.accept(v)`, faster for whole numbers (tcpinfo_rtt): same bins, count, min and max; the sum goes to `sumWhole`. */
export function acceptWhole(s: Sketch, v: number): void {
  if (v > 0 && v < TABLE_WHOLE && Number.isInteger(v)) {
    s.store.add(wholeKeys(s)[v]!, 1);
    s.count += 1;
    s.sumWhole += v;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
  } else if (v >= 0 && Number.isSafeInteger(v)) {
    bin(s, v);
    s.sumWhole += v;
  } else s.accept(v);
}

/** The sketch key of each whole millisecond below TABLE_MS (every sketch here has the same mapping). */
function msKeys(s: Sketch): Int32Array {
  if (keyTable === undefined) {
    keyTable = new Int32Array(TABLE_MS);
    for (let k = 1; k < TABLE_MS; k++) keyTable[k] = s.mapping.key(k / 1000);
  }
  return keyTable;
}

/** The sketch key of each whole number below TABLE_WHOLE. */
function wholeKeys(s: Sketch): Int32Array {
  if (wholeTable === undefined) {
    wholeTable = new Int32Array(TABLE_WHOLE);
    for (let k = 1; k < TABLE_WHOLE; k++) wholeTable[k] = s.mapping.key(k);
  }
  return wholeTable;
}

/**
 * acceptSeconds() or acceptWhole() into one sketch, for millions of values: a
 * value the table covers (whole milliseconds below TABLE_MS, whole numbers
 * below TABLE_WHOLE) is counted in an array, one increment, and goes into the
 * sketch at flush(), a bin at a time. The bins, count, min, max and exact sum
 * come out the same as adding each value at once, in any order. Meant for the
 * summary's few sketches of every line, not one per member or path: a tally
 * holds 256 or 512 KiB.
 */
export class SketchTally {
  private readonly seconds: boolean;
  private readonly counts: Uint32Array;
  private pending = false;

  constructor(
    readonly sketch: Sketch,
    unit: 'seconds' | 'whole',
  ) {
    this.seconds = unit === 'seconds';
    this.counts = new Uint32Array(this.seconds ? TABLE_MS : TABLE_WHOLE);
  }

  add(v: number): void {
    if (this.seconds) {
      const ms = Math.round(v * 1000);
      if (ms > 0 && ms < TABLE_MS && ms / 1000 === v) {
        this.counts[ms]!++;
        this.pending = true;
      } else acceptSeconds(this.sketch, v);
    } else if (v > 0 && v < TABLE_WHOLE && Number.isInteger(v)) {
      this.counts[v]!++;
      this.pending = true;
    } else acceptWhole(this.sketch, v);
  }

  /** Puts what was counted into the sketch; read the sketch only after this. */
  flush(): Sketch {
    const s = this.sketch;
    if (!this.pending) return s;
    const keys = this.seconds ? msKeys(s) : wholeKeys(s);
    const counts = this.counts;
    for (let k = 1; k < counts.length; k++) {
      const n = counts[k]!;
      if (n === 0) continue;
      counts[k] = 0;
      s.store.add(keys[k]!, n);
      s.count += n;
      if (this.seconds) s.sumMs += k * n;
      else s.sumWhole += k * n;
      const v = this.seconds ? k / 1000 : k;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
    }
    this.pending = false;
    return s;
  }
}

export interface SketchState {
  bins: number[];
  offset: number;
  minKey: number;
  maxKey: number;
  storeCount: number;
  zeroCount: number;
  count: number;
  sum: number;
  sumMs: number;
  sumWhole: number;
  min: number;
  max: number;
}

export function sketchState(s: Sketch): SketchState {
  return {
    bins: s.store.bins,
    offset: s.store.offset,
    minKey: s.store.minKey,
    maxKey: s.store.maxKey,
    storeCount: s.store.count,
    zeroCount: s.zeroCount,
    count: s.count,
    sum: s.sum,
    sumMs: s.sumMs,
    sumWhole: s.sumWhole,
    min: s.min,
    max: s.max,
  };
}

export function sketchFromState(st: SketchState): Sketch {
  const s = newSketch();
  copyState(s, st);
  return s;
}

/** Makes the empty sketch `s` the one `st` describes. */
function copyState(s: Sketch, st: SketchState): void {
  if (st.count === 0) return;
  if (st.storeCount > 0) {
    s.store.bins = [...st.bins];
    s.store.offset = st.offset;
    s.store.minKey = st.minKey;
    s.store.maxKey = st.maxKey;
    s.store.count = st.storeCount;
  }
  s.zeroCount = st.zeroCount;
  s.count = st.count;
  s.sum = st.sum;
  s.sumMs = st.sumMs;
  s.sumWhole = st.sumWhole;
  s.min = st.min;
  s.max = st.max;
}

export function mergeSketch(into: Sketch, st: SketchState): void {
  if (st.count === 0) return;
  if (into.count === 0) copyState(into, st);
  else mergeSketches(into, sketchFromState(st));
}

/**
 * Adds `from` into `into`. Not DDSketch.merge: it knows nothing of the exact
 * sums, and its DenseStore.merge loses the top of the range when the merged
 * store's highest key is 0 (a value near 1 s; `secondKey || key` in
 * _extendRange), writing past the bins. Adding bin by bin grows the range
 * one key at a time, which is right.
 */
export function mergeSketches(into: Sketch, from: Sketch): void {
  if (from.count === 0) return;
  addBins(into.store, from.store);
  addBins(into.negativeStore, from.negativeStore);
  into.zeroCount += from.zeroCount;
  into.count += from.count;
  into.sum += from.sum;
  into.sumMs += from.sumMs;
  into.sumWhole += from.sumWhole;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
}

function addBins(into: Sketch['store'], from: Sketch['store']): void {
  if (from.count === 0) return;
  // Grow the range once, at both ends (one key at a time: see above); adding
  // bins beyond it one by one would re-centre the bins each time.
  into.add(from.minKey, 0);
  into.add(from.maxKey, 0);
  const bins = from.bins;
  for (let i = 0; i < bins.length; i++) if (bins[i]! > 0) into.add(i + from.offset, bins[i]!);
}

/** What a report shows of a distribution; null where nothing was seen. */
export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** `scale` converts units (e.g. µs → ms); values are rounded to `digits` decimals. */
export function percentiles(s: Sketch, scale = 1, digits = 3): Percentiles {
  if (s.count === 0) return { count: 0, p50: null, p90: null, p99: null, max: null, mean: null };
  const round = (v: number) => Number((v * scale).toFixed(digits));
  // A sketch answers within 1 %: never past what was seen.
  const q = (p: number) => round(Math.min(s.max, Math.max(s.min, s.getValueAtQuantile(p))));
  return {
    count: s.count,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: round(s.max),
    mean: round(meanOf(s)),
  };
}

export function quantile(s: Sketch, p: number): number | null {
  if (s.count === 0) return null;
  return Math.min(s.max, Math.max(s.min, s.getValueAtQuantile(p)));
}
