// Sketches merged from worker threads must answer as one sketch fed every
// value would, in any merge order.
import { describe, expect, it } from 'vitest';
import {
  acceptSeconds,
  mergeSketch,
  mergeSketches,
  newSketch,
  percentiles,
  sketchState,
} from '../../../src/logs/sketch.js';

function sketchOf(values: readonly number[]) {
  const s = newSketch();
  for (const v of values) acceptSeconds(s, v);
  return s;
}

describe('merging sketches', () => {
  it('keeps a merged sketch whose highest value is near 1 s (bin key 0)', () => {
    // DDSketch's own merge writes these into bins past the end: every quantile came out wrong.
    const low = [0.001];
    const high = [0.05, 0.999];
    const merged = sketchOf(low);
    mergeSketches(merged, sketchOf(high));
    expect(percentiles(merged)).toEqual(percentiles(sketchOf([...low, ...high])));
    const viaState = sketchOf(low);
    mergeSketch(viaState, structuredClone(sketchState(sketchOf(high))));
    expect(percentiles(viaState)).toEqual(percentiles(sketchOf([...low, ...high])));
  });

  it('gives the same mean in any order: whole milliseconds are summed exactly', () => {
    // 0.1 + 0.2 + 0.3 differs from 0.3 + 0.2 + 0.1 in floating point.
    const values = [0.1, 0.2, 0.3, 0.7, 66.001, 0, 0.0005];
    const forward = sketchOf(values);
    const parts = values.map((v) => sketchOf([v]));
    const backward = newSketch();
    for (const p of parts.reverse()) mergeSketches(backward, p);
    expect(backward.sumMs).toBe(forward.sumMs);
    expect(percentiles(backward)).toEqual(percentiles(forward));
    expect(forward.count).toBe(values.length);
    expect(forward.max).toBe(66.001);
  });
});
