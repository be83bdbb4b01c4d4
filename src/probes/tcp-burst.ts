// tcp-burst: opens `connections` TCP connections to host:port at once and
// holds every one until all have an answer, the way a stress test's first
// second looks to a backend (FAQ 1.10). Connections that time out, or open
// only after a resent SYN (1 s and more), are what a full listen queue does
// to clients: the kernel drops the SYNs it has no room for (FAQ 1.10 step 4).
// The host's side of it is read by listen-overflows before and after.
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Duplex } from 'node:stream';
import type { DialState } from '../transport/dialers/local.js';
import { classifyDialError, dialTimingsOf } from '../transport/dialers/local.js';
import { type TcpBurstParams, tcpBurstContract } from './contracts/tcp-burst.js';
import { formatTarget, ms } from './network-params.js';
import type { NetworkProbe } from './types.js';

export { type TcpBurstParams, tcpBurstParams } from './contracts/tcp-burst.js';

/** A dropped SYN is resent after about a second: an open slower than this waited for one. */
const RESENT_SYN_MS = 1000;
/** States that answer the question (the target was there and said no, or stayed silent). */
const ANSWERS: ReadonlySet<DialState> = new Set(['open', 'refused', 'timeout', 'reset']);

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export const tcpBurstProbe: NetworkProbe<TcpBurstParams> = {
  ...tcpBurstContract,
  extraTimeMs: (p) => p.connectTimeoutMs + p.watchSeconds * 1000,
  async run(p, ctx) {
    const target = formatTarget(p.host, p.port);
    const started = performance.now();
    const open: Duplex[] = [];
    // Every pending dial listens on the signal: one per connection is expected, not a leak.
    const signal = AbortSignal.any([ctx.signal]);
    setMaxListeners(p.connections + 10, signal);
    const dial = async (): Promise<{ state: DialState; ms?: number }> => {
      const t0 = performance.now();
      try {
        const s = await ctx.dialer.connect(p.host, p.port, {
          signal,
          timeoutMs: p.connectTimeoutMs,
        });
        s.on('error', () => {});
        open.push(s);
        return { state: 'open', ms: dialTimingsOf(s)?.connectMs ?? performance.now() - t0 };
      } catch (err) {
        return { state: classifyDialError(err).state };
      }
    };
    let results: Array<{ state: DialState; ms?: number }>;
    try {
      // All at once, and none closed before every one has its answer: a burst, not a sequence.
      results = await Promise.all(Array.from({ length: p.connections }, dial));
    } finally {
      for (const s of open) s.destroy();
    }
    if (p.watchSeconds > 0)
      await sleep(p.watchSeconds * 1000, undefined, { signal: ctx.signal }).catch(() => {});
    const states: Partial<Record<DialState, number>> = {};
    for (const r of results) states[r.state] = (states[r.state] ?? 0) + 1;
    const times = results.flatMap((r) => (r.ms === undefined ? [] : [r.ms])).sort((a, b) => a - b);
    const opened = times.length;
    const retransmitted = times.filter((t) => t >= RESENT_SYN_MS).length;
    const data = {
      host: p.host,
      port: p.port,
      vantage: ctx.dialer.vantage,
      attempted: p.connections,
      watchedSeconds: p.watchSeconds,
      opened,
      failed: p.connections - opened,
      retransmitted,
      states,
      connectMs: opened
        ? {
            median: ms(percentile(times, 0.5)),
            p99: ms(percentile(times, 0.99)),
            max: ms(times[opened - 1]!),
          }
        : null,
    };
    const byState = Object.entries(states)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const timing = data.connectMs
      ? `; open in ${data.connectMs.median} ms median, ${data.connectMs.max} ms max`
      : '';
    const watched = p.watchSeconds ? `, then ${p.watchSeconds} s watched for the operator's own test` : '';
    const summary =
      p.connections === 0
        ? `no burst sent to ${target}; ${p.watchSeconds} s watched for the operator's own test`
        : `${p.connections} connections at once to ${target}: ${byState}${retransmitted ? ` (${retransmitted} only after a resent SYN)` : ''}${timing}${watched} (from ${ctx.dialer.vantage})`;
    const durationMs = performance.now() - started;
    const expected = `all ${p.connections} open within ${RESENT_SYN_MS} ms`;
    const actual = `${opened} open, ${retransmitted} late, ${data.failed} failed`;
    if (p.connections > 0 && !results.some((r) => ANSWERS.has(r.state))) {
      return { outcome: 'error', summary, reason: summary, data, expected, actual, durationMs };
    }
    const ok = data.failed === 0 && retransmitted === 0;
    return { outcome: ok ? 'pass' : 'fail', summary, data, expected, actual, durationMs };
  },
};
