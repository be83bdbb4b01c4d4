// access-log-summary: an ELB access log on this machine, summarised by the
// `lbdoctor logs` library (summariseLogs, src/logs/read.ts) and cut down to
// what playbooks branch on, with the few ratios a playbook cannot compute
// (it has no arithmetic): the 499s' spread, upstream share and RTT ratio.
// Nothing goes on the wire, whatever the vantage: the file is read here.
import { summariseLogs } from '../logs/read.js';
import type { LogSummary } from '../logs/summary.js';
import { type AccessLogSummaryParams, accessLogSummaryContract } from './contracts/access-log-summary.js';
import type { NetworkProbe, Observation } from './types.js';

const round2 = (n: number) => Math.round(n * 100) / 100;
const ratio = (a: number | null, b: number | null) =>
  a !== null && b !== null && b > 0 ? round2(a / b) : null;

export const accessLogSummaryProbe: NetworkProbe<AccessLogSummaryParams> = {
  ...accessLogSummaryContract,
  extraTimeMs: (p) => p.maxSeconds * 1000,
  async run(p) {
    const started = Date.now();
    const error = (message: string): Observation => ({
      outcome: 'error',
      summary: `could not summarise ${p.path}: ${message}`,
      reason: message,
      data: { path: p.path, error: message },
      durationMs: Date.now() - started,
    });
    let s: LogSummary;
    try {
      s = await summariseLogs([p.path], p.healthCheckPaths ? { healthCheckPaths: p.healthCheckPaths } : {});
    } catch (err) {
      return error((err as Error).message);
    }
    if (s.lines.records === 0) {
      return error(
        s.lines.bad > 0
          ? `none of its ${s.lines.total} lines is in the ELB layout`
          : 'it holds no access-log lines',
      );
    }
    const data = summaryData(p.path, s);
    return {
      outcome: 'pass',
      summary: describe(p.path, s, data),
      data,
      durationMs: Date.now() - started,
    };
  },
};

/** The observation's data (the contract's schema) from a log summary. */
export function summaryData(path: string, s: LogSummary): Record<string, unknown> {
  const c = s.clientClosed;
  const fiveXx = s.status.codes.filter((x) => x.code >= 500 && x.code < 600);
  const count5xx = fiveXx.reduce((n, x) => n + x.count, 0);
  const rtt499 = c.tcpinfoRttMs.p50;
  const rttAll = s.latency.tcpinfoRttMs.p50;
  return {
    path,
    lines: { total: s.lines.total, records: s.lines.records, bad: s.lines.bad },
    time: { first: s.time.first, last: s.time.last, spanSeconds: s.time.spanSeconds },
    status: {
      codes: s.status.codes,
      classes: s.status.classes,
      answeredBy: s.status.answeredBy,
      count5xx,
      share5xx: s.lines.records > 0 ? Number((count5xx / s.lines.records).toFixed(4)) : 0,
      lb5xx: fiveXx.reduce((n, x) => n + x.loadBalancer, 0),
    },
    latency: {
      requestTime: s.latency.requestTime,
      upstreamConnectTime: s.latency.upstreamConnectTime,
      upstreamHeaderTime: s.latency.upstreamHeaderTime,
      upstreamResponseTime: s.latency.upstreamResponseTime,
      tcpinfoRttMs: s.latency.tcpinfoRttMs,
    },
    clientClosed: {
      count: c.count,
      share: c.share,
      waitingForBackend: c.waitingForBackend,
      duringResponse: c.duringResponse,
      beforeUpstream: c.beforeUpstream,
      waitingShare: c.count > 0 ? round2(c.waitingForBackend / c.count) : 0,
      waitingOn: c.waitingOn,
      requestTime: c.requestTime,
      upstreamResponseTime: c.upstreamResponseTime,
      tcpinfoRttMs: c.tcpinfoRttMs,
      clientTimeoutSeconds: c.clientTimeoutSeconds,
      requestTimeSpread: ratio(c.requestTime.p90, c.requestTime.p50),
      upstreamShare: ratio(c.upstreamResponseTime.p50, c.requestTime.p50),
      rttRatio: ratio(rtt499, rttAll),
      slowNetwork: rtt499 !== null && rttAll !== null && rtt499 >= 2 * rttAll && rtt499 - rttAll >= 50,
    },
    bursts: s.bursts,
    members: { distinct: s.members.distinct, slowest: s.members.list.slice(0, 10) },
    paths: { distinct: s.paths.distinct, minCount: s.paths.minCount, slowest: s.paths.slowest.slice(0, 10) },
    retries: s.retries,
    findings: s.findings,
  };
}

function secs(v: number | null): string {
  if (v === null) return '-';
  return v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(2)} s`;
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** One line: size, 499s and what they waited for, 5xx and whose, times, retries. */
function describe(path: string, s: LogSummary, data: Record<string, unknown>): string {
  const c = s.clientClosed;
  const st = data.status as { count5xx: number; lb5xx: number };
  const parts = [`${path}: ${s.lines.records} lines`];
  parts.push(
    c.count > 0
      ? `499: ${c.count} (${pct(c.share)}; ${c.waitingForBackend} waiting for a backend, request_time p50 ${secs(c.requestTime.p50)})`
      : '499: none',
  );
  parts.push(st.count5xx > 0 ? `5xx: ${st.count5xx} (${st.lb5xx} by the load balancer)` : '5xx: none');
  parts.push(
    `request_time p50 ${secs(s.latency.requestTime.p50)} p90 ${secs(s.latency.requestTime.p90)}, upstream_header_time p90 ${secs(s.latency.upstreamHeaderTime.p90)}`,
  );
  if (s.retries.lines > 0) parts.push(`retried: ${s.retries.lines} (${pct(s.retries.share)})`);
  return parts.join('; ');
}
