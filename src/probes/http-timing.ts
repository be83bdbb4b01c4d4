// http-timing: the http probe's request, repeated, per target, reduced to the
// median of each phase (FAQ 1.9: where does the time go, directly and through
// the load balancer). Each request is the http probe's own (a new connection,
// the same error vocabulary); targets are timed concurrently, the requests to
// one target one after another.
import {
  type HttpTimingParams,
  httpTimingContract,
  type httpTimingPhases,
  type httpTimingTargetResult,
} from './contracts/http-timing.js';
import type { HttpTimings } from './contracts/http.js';
import type { TlsVerdictData } from './contracts/tls.js';
import { httpProbe } from './http.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';
import type { z } from 'zod';

type Phases = z.infer<typeof httpTimingPhases>;
type TargetResult = z.infer<typeof httpTimingTargetResult>;

/** Bytes read of each body: enough for a download to show its time, bounded. */
const BODY_BYTES = 1_048_576;

const round = (n: number) => Math.round(n * 10) / 10;

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return round(v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2);
}

/** Per-phase medians of answered requests (transfer = total − dns − connect − tls − first byte). */
function phases(runs: readonly HttpTimings[]): Phases {
  const pick = (f: (t: HttpTimings) => number | undefined) =>
    median(runs.map(f).filter((v): v is number => v !== undefined));
  const out: Phases = {};
  const set = (k: keyof Phases, v: number | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set(
    'dnsMs',
    pick((t) => t.dnsMs),
  );
  set(
    'connectMs',
    pick((t) => t.connectMs),
  );
  set(
    'tlsMs',
    pick((t) => t.tlsMs),
  );
  set(
    'firstByteMs',
    pick((t) => t.firstByteMs),
  );
  set(
    'transferMs',
    pick((t) =>
      t.firstByteMs === undefined
        ? undefined
        : Math.max(0, t.totalMs - (t.dnsMs ?? 0) - (t.connectMs ?? 0) - (t.tlsMs ?? 0) - t.firstByteMs),
    ),
  );
  set(
    'totalMs',
    pick((t) => t.totalMs),
  );
  return out;
}

interface Target {
  name: string;
  connectTo?: string;
}

function targetsOf(p: HttpTimingParams): Target[] {
  if (!p.targets?.length) return [{ name: new URL(p.url).host }];
  return p.targets.map((t) => {
    const hostport = t.address.includes(':')
      ? `[${t.address}]:${t.protocol_port}`
      : `${t.address}:${t.protocol_port}`;
    return { name: t.name ?? hostport, connectTo: hostport };
  });
}

async function timeTarget(
  p: HttpTimingParams,
  t: Target,
  ctx: ProbeContext,
): Promise<{ result: TargetResult; runs: HttpTimings[]; tls?: TlsVerdictData }> {
  const answered: HttpTimings[] = [];
  let tls: TlsVerdictData | undefined;
  const statuses: number[] = [];
  let sent = 0;
  let dialed = t.connectTo ?? new URL(p.url).host;
  let error: TargetResult['error'];
  for (let i = 0; i < p.requests && !ctx.signal.aborted; i++) {
    sent++;
    const obs = await httpProbe.run(
      {
        url: p.url,
        method: p.method,
        ...(p.hostHeader ? { hostHeader: p.hostHeader } : {}),
        ...(p.headers ? { headers: p.headers } : {}),
        ...(t.connectTo ? { connectTo: t.connectTo } : {}),
        insecure: p.insecure,
        ...(p.ca ? { ca: p.ca } : {}),
        bodyBytes: BODY_BYTES,
        responseTimeoutMs: p.requestTimeoutMs,
      },
      { ...ctx, timeoutMs: p.requestTimeoutMs },
    );
    const d = obs.data as {
      dialed?: string;
      status?: number;
      timings: HttpTimings;
      error?: { kind: NonNullable<TargetResult['error']>['kind']; message: string };
      tls?: TlsVerdictData;
    };
    if (d.dialed) dialed = d.dialed;
    tls ??= d.tls;
    if (obs.outcome === 'pass' || (obs.outcome === 'fail' && !d.error)) {
      answered.push(d.timings);
      if (d.status !== undefined) statuses.push(d.status);
      continue;
    }
    error ??= d.error
      ? { kind: d.error.kind, message: d.error.message }
      : { kind: 'other', message: obs.reason ?? obs.summary };
    // No answer (or one that broke off): asking again costs another timeout and tells nothing new.
    break;
  }
  const timings = phases(answered);
  const totals = answered.map((a) => a.totalMs);
  const slowRequests = totals.filter((v) => v >= p.slowMs).length;
  const verdict = answered.length === 0 ? 'no-answer' : (timings.totalMs ?? 0) >= p.slowMs ? 'slow' : 'fast';
  const result: TargetResult = {
    name: t.name,
    dialed,
    requests: sent,
    answered: answered.length,
    statuses,
    timings,
    ...(totals.length
      ? { minTotalMs: round(Math.min(...totals)), maxTotalMs: round(Math.max(...totals)) }
      : {}),
    slowRequests,
    status5xx: statuses.filter((c) => c >= 500 && c < 600).length,
    verdict,
    ...(error ? { error } : {}),
  };
  return { result, runs: answered, ...(tls ? { tls } : {}) };
}

const label = (t: TargetResult) =>
  t.verdict === 'no-answer'
    ? `${t.name} (${t.error?.kind ?? 'no answer'})`
    : `${t.name} (${t.timings.totalMs} ms)`;

function describeTarget(t: TargetResult): string {
  if (t.answered === 0) return `${t.name}: no answer (${t.error?.kind ?? 'no response'})`;
  const ph = t.timings;
  const parts = [
    ph.dnsMs !== undefined ? `dns ${ph.dnsMs}` : '',
    ph.connectMs !== undefined ? `connect ${ph.connectMs}` : '',
    ph.tlsMs !== undefined ? `tls ${ph.tlsMs}` : '',
    ph.firstByteMs !== undefined ? `first byte ${ph.firstByteMs}` : '',
    ph.transferMs !== undefined ? `transfer ${ph.transferMs}` : '',
  ].filter(Boolean);
  const broke = t.error ? `, then ${t.error.kind}` : '';
  const codes = [...new Set(t.statuses)].join('/');
  return `${t.name}: ${codes}, total ${ph.totalMs} ms (${parts.join(', ')} ms; ${t.answered}/${t.requests} answered, ${t.minTotalMs}–${t.maxTotalMs} ms${broke})`;
}

export const httpTimingProbe: NetworkProbe<HttpTimingParams> = {
  ...httpTimingContract,
  // Requests to one target go one after another; targets run side by side.
  extraTimeMs: (p) => p.requests * p.requestTimeoutMs,
  async run(p, ctx): Promise<Observation> {
    const started = Date.now();
    const timed = await Promise.all(targetsOf(p).map((t) => timeTarget(p, t, ctx)));
    const targets = timed.map((t) => t.result);
    // Every answered request of every target weighs the same in the overall medians.
    const all = timed.flatMap((t) => t.runs);
    // The first certificate verdict seen (the listener's, with one target), as the http probe gives it.
    const tls = timed.find((t) => t.tls)?.tls;
    const counts = {
      fast: targets.filter((t) => t.verdict === 'fast').length,
      slow: targets.filter((t) => t.verdict === 'slow').length,
      noAnswer: targets.filter((t) => t.verdict === 'no-answer').length,
      total: targets.length,
    };
    const answering = targets.filter((t) => t.answered > 0);
    const byTotal = [...answering].sort((a, b) => (a.timings.totalMs ?? 0) - (b.timings.totalMs ?? 0));
    const brief = (t: TargetResult) => ({
      name: t.name,
      totalMs: t.timings.totalMs ?? 0,
      ...(t.timings.firstByteMs !== undefined ? { firstByteMs: t.timings.firstByteMs } : {}),
    });
    const verdict = counts.noAnswer === counts.total ? 'no-answer' : counts.slow > 0 ? 'slow' : 'fast';
    const url = new URL(p.url).href;
    const data = {
      url,
      method: p.method,
      vantage: ctx.dialer.vantage,
      slowMs: p.slowMs,
      targets,
      timings: phases(all),
      slowRequests: targets.reduce((n, t) => n + t.slowRequests, 0),
      status5xx: targets.reduce((n, t) => n + t.status5xx, 0),
      verdict,
      counts,
      slowNames: targets
        .filter((t) => t.verdict === 'slow')
        .map(label)
        .join(', '),
      fastNames: targets
        .filter((t) => t.verdict === 'fast')
        .map(label)
        .join(', '),
      noAnswerNames: targets
        .filter((t) => t.verdict === 'no-answer')
        .map(label)
        .join(', '),
      ...(byTotal.length
        ? { slowest: brief(byTotal[byTotal.length - 1]!), fastest: brief(byTotal[0]!) }
        : {}),
      ...(tls ? { tls } : {}),
    };
    const head = `${p.method} ${url} ×${p.requests}${p.targets?.length ? ` to each of ${targets.length}` : ''} (from ${ctx.dialer.vantage}, slow ≥ ${p.slowMs} ms)`;
    const summary = `${head}: ${targets.map(describeTarget).join('; ')}`;
    const outcome =
      verdict === 'no-answer' ? 'error' : counts.slow > 0 || counts.noAnswer > 0 ? 'fail' : 'pass';
    return {
      outcome,
      summary,
      data,
      ...(outcome === 'error' ? { reason: `no answer: ${data.noAnswerNames}` } : {}),
      ...(outcome === 'fail'
        ? {
            expected: `every target answers in under ${p.slowMs} ms`,
            actual: [
              counts.slow ? `slow: ${data.slowNames}` : '',
              counts.noAnswer ? `no answer: ${data.noAnswerNames}` : '',
            ]
              .filter(Boolean)
              .join('; '),
          }
        : {}),
      durationMs: Date.now() - started,
    };
  },
};
