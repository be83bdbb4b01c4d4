// Sketches merged from worker threads must answer as one sketch fed every
// value would, in any merge order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptSeconds,
  acceptWhole,
  type Sketch,
  SketchTally,
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

/** What a sketch answers with: bins by key (not by where its array happens to start), counts, sums, bounds. */
function contents(s: Sketch) {
  const st = sketchState(s);
  const bins = Object.fromEntries(st.bins.flatMap((n, i) => (n > 0 ? [[i + st.offset, n]] : [])));
  const { offset: _o, bins: _b, minKey: _min, maxKey: _max, ...rest } = st;
  return { bins, ...rest, percentiles: percentiles(s) };
}

describe('SketchTally', () => {
  const seconds = fc.oneof(
    fc.integer({ min: 0, max: 70_000 }).map((ms) => ms / 1000),
    fc.double({ min: 0, max: 100, noNaN: true }),
  );
  const whole = fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.double({ min: 0, max: 1e6, noNaN: true }));

  for (const [unit, values, accept] of [
    ['seconds', seconds, acceptSeconds],
    ['whole', whole, acceptWhole],
  ] as const) {
    it(`gives the sketch adding each value at once gives (${unit}), flushed once or several times`, () => {
      fc.assert(
        fc.property(fc.array(values, { maxLength: 300 }), fc.nat({ max: 300 }), (vs, cut) => {
          const direct = newSketch();
          for (const v of vs) accept(direct, v);
          const tally = new SketchTally(newSketch(), unit);
          vs.forEach((v, i) => {
            tally.add(v);
            if (i === cut) tally.flush();
          });
          expect(contents(tally.flush())).toEqual(contents(direct));
        }),
        { numRuns: 300 },
      );
    });
  }
});
