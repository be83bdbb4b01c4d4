// A summary must not depend on how the lines were shared out: one summariser
// over the whole log, or several over arbitrary slices merged in any order
// (worker threads finish in any order) give the same JSON, byte for byte —
// also when there are more members, paths and retry routes than are kept.
import { describe, expect, it } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { LogSummariser, MAX_RETRY_ROUTES, type SummaryOptions } from '../../../src/logs/summarise.js';
import { line, manyKeyLines, randomFrom } from './helpers.js';

function summariseWhole(lines: readonly string[], options: SummaryOptions): string {
  const s = new LogSummariser(options);
  for (const l of lines) s.add(parseElbAccessLogLine(l));
  return JSON.stringify(s.finish());
}

/**
 * The lines cut at `cuts` (sorted indexes) into slices, each summarised
 * apart, their states cloned (as a worker's cross the thread boundary) and
 * merged in `order` into a fresh summariser, as read.ts does.
 */
function summariseSplit(
  lines: readonly string[],
  options: SummaryOptions,
  cuts: readonly number[],
  order: 'forward' | 'reverse' | 'shuffled',
): string {
  const bounds = [0, ...cuts, lines.length];
  const states = bounds.slice(1).map((end, i) => {
    const s = new LogSummariser(options);
    for (const l of lines.slice(bounds[i], end)) s.add(parseElbAccessLogLine(l));
    return structuredClone(s.state());
  });
  if (order === 'reverse') states.reverse();
  if (order === 'shuffled') states.push(...states.splice(0, Math.ceil(states.length / 2)));
  const merged = new LogSummariser(options);
  for (const st of states) merged.merge(st);
  return JSON.stringify(merged.finish());
}

function randomCuts(n: number, parts: number, seed: number): number[] {
  const random = randomFrom(seed);
  return Array.from({ length: parts - 1 }, () => Math.floor(random() * n)).sort((a, b) => a - b);
}

describe('merging summaries', () => {
  // Small caps so that a few thousand lines overflow them many times over.
  const options: SummaryOptions = { maxMembers: 40, maxPaths: 60 };
  const lines = manyKeyLines({ lines: 6000, members: 400, paths: 2000, seed: 5 });

  it('the test log overflows every table', () => {
    const s = JSON.parse(summariseWhole(lines, options));
    expect(s.members.truncated).toBe(true);
    expect(s.paths.truncated).toBe(true);
    expect(s.members.distinct).toBeGreaterThan(4 * 40);
    expect(s.paths.distinct).toBeGreaterThan(4 * 60);
    expect(s.retries.lines).toBeGreaterThan(1000);
    expect(s.clientClosed.count).toBeGreaterThan(50);
  });

  it('gives the same JSON for any split of the lines and any merge order', () => {
    const whole = summariseWhole(lines, options);
    for (const [parts, seed] of [
      [2, 1],
      [3, 2],
      [7, 3],
      [16, 4],
    ] as const) {
      for (const order of ['forward', 'reverse', 'shuffled'] as const) {
        const split = summariseSplit(lines, options, randomCuts(lines.length, parts, seed), order);
        expect(split === whole, `${parts} parts, ${order}`).toBe(true);
      }
    }
  });

  it('keeps the busiest members and paths when all fit the per-worker bound, the rest as (other)', () => {
    // 100 members, 200 paths: within twice the caps, so the counts are exact.
    const few = manyKeyLines({ lines: 4000, members: 100, paths: 200, seed: 6 });
    const s = JSON.parse(summariseWhole(few, { maxMembers: 60, maxPaths: 120 }));
    const counts = new Map<string, number>();
    for (const l of few) {
      const r = parseElbAccessLogLine(l);
      for (const a of r.upstream) counts.set(a.addr, (counts.get(a.addr) ?? 0) + 1);
    }
    expect(s.members.distinct).toBe(counts.size);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const listed = s.members.list.filter((m: { address: string }) => m.address !== '(other)');
    expect(listed).toHaveLength(60);
    expect(new Set(listed.map((m: { address: string }) => m.address))).toEqual(
      new Set(ranked.slice(0, 60).map(([a]) => a)),
    );
    const other = s.members.list.find((m: { address: string }) => m.address === '(other)');
    expect(other.attempts).toBe(ranked.slice(60).reduce((n, [, c]) => n + c, 0));
  });

  it('keeps retry routes within their bound after merging', () => {
    // Three slices of 1,500 distinct routes each: 4,500 routes in all.
    const states = [0, 1, 2].map((part) => {
      const s = new LogSummariser();
      for (let i = 0; i < 1500; i++) {
        const from = `10.1.${part}.${i % 250}:${8000 + Math.floor(i / 250)}`;
        s.add(
          parseElbAccessLogLine(
            line({
              11: '"502, 200"',
              12: '"0.001, 0.001"',
              13: '"-, 0.002"',
              14: '"0.001, 0.002"',
              15: `"${from}, 10.0.0.1:80"`,
            }),
          ),
        );
      }
      return s.state();
    });
    const merged = new LogSummariser();
    for (const st of states) merged.merge(st);
    const routes = merged.state().retries.routes;
    expect(routes.entries.length).toBeGreaterThan(0);
    expect(routes.entries.length).toBeLessThanOrEqual(MAX_RETRY_ROUTES);
    expect(merged.finish().retries.lines).toBe(4500);
  });
});
