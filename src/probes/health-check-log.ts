// health-check-log: the last lines of a backend's own access log (nginx
// combined, Apache common/combined), and how much of it is health checks.
// FAQ 2.3: every checker node of the load balancer checks on its own
// schedule, so the member sees several sources, each at the configured
// interval, and all of them together far more often. FAQ 2.5: with a short
// interval that is a lot of requests. FAQ 2.7: a lot of log lines.
// Read with the allow-listed `tail -n N PATH` (the log-tail section).

import type { z } from 'zod';
import {
  type HealthCheckLogParams,
  type HealthCheckSource,
  healthCheckLogContract,
  type healthCheckLogData,
} from './contracts/health-check-log.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseWebAccessLog, targetPath, type WebAccessRecord } from './parsers/web-access-log.js';
import type { SectionOutput } from '../transport/types.js';
import type { HostProbe, Observation } from './types.js';

export { type HealthCheckLogParams, healthCheckLogParams } from './contracts/health-check-log.js';

type Data = z.infer<typeof healthCheckLogData>;

const MAX_SOURCES = 50;
const RAW_LINES = 10;

const request = (p: HealthCheckLogParams) => ({ id: 'log-tail', args: [p.path, String(p.lines)] });

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
const iso = (t: number) => new Date(t * 1000).toISOString();

/** Whether a record is a health check of `healthPath`: GET or HEAD of that path (a query string left out). */
export function isHealthCheck(r: WebAccessRecord, healthPath: string): boolean {
  if (r.method !== 'GET' && r.method !== 'HEAD') return false;
  if (r.target === null) return false;
  return healthPath.includes('?') ? r.target === healthPath : targetPath(r.target) === healthPath;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function sourceStats(address: string, times: number[]): HealthCheckSource {
  const t = [...times].sort((a, b) => a - b);
  const gaps = t.slice(1).map((x, i) => x - t[i]!);
  return {
    address,
    checks: t.length,
    medianIntervalSeconds: gaps.length ? round(median(gaps), 3) : null,
    meanIntervalSeconds: gaps.length ? round((t.at(-1)! - t[0]!) / gaps.length, 3) : null,
    first: iso(t[0]!),
    last: iso(t.at(-1)!),
  };
}

/** The read as evidence, cut to its first and last lines: a 5000-line log is not a report. */
function evidence(out: SectionOutput | undefined): string {
  if (!out) return '';
  const lines = out.stdout.split('\n');
  if (lines.length <= RAW_LINES * 2 + 1) return rawOf(out);
  const cut = [
    ...lines.slice(0, RAW_LINES),
    `… ${lines.length - RAW_LINES * 2} line(s) not shown …`,
    ...lines.slice(-RAW_LINES),
  ];
  return rawOf({ ...out, stdout: cut.join('\n') });
}

const fmtSeconds = (s: number) => `${round(s, s < 10 ? 2 : 1)} s`;

function describeSource(s: HealthCheckSource): string {
  if (s.meanIntervalSeconds === null) return `${s.address} once`;
  return `${s.address} ×${s.checks}, every ~${fmtSeconds(s.meanIntervalSeconds)} (median ${fmtSeconds(s.medianIntervalSeconds!)})`;
}

export const healthCheckLogProbe: HostProbe<HealthCheckLogParams> = {
  ...healthCheckLogContract,
  sections: (p) => [request(p)],
  evaluate(p, outputs): Observation {
    const out = findSection(outputs, request(p));
    const base = { path: p.path, healthPath: p.healthPath };
    const problem = sectionProblem(out, p.path);
    if (problem) return couldNotCheck(problem, rawOf(out), base);
    const raw = evidence(out);
    const log = parseWebAccessLog(out!.stdout);
    const sample = log.unparsed.slice(0, 3).map((u) => u.text);
    const unparsed = {
      unparsedLines: log.unparsed.length,
      ...(sample.length ? { unparsedSample: sample } : {}),
    };
    if (log.lines === 0) {
      return couldNotCheck(`${p.path} is empty: nothing is logged there`, raw, {
        ...base,
        linesRead: 0,
        unparsedLines: 0,
      });
    }
    if (log.records.length === 0) {
      return couldNotCheck(
        `none of the ${log.lines} line(s) read from ${p.path} is in nginx combined or Apache common/combined format`,
        raw,
        { ...base, linesRead: log.lines, ...unparsed },
      );
    }
    const records = log.records;
    const checks = records.filter((r) => isHealthCheck(r, p.healthPath));
    const bySource = new Map<string, number[]>();
    for (const r of checks) {
      const list = bySource.get(r.source) ?? [];
      list.push(r.time);
      bySource.set(r.source, list);
    }
    const sources = [...bySource]
      .map(([address, times]) => sourceStats(address, times))
      .sort((a, b) => b.checks - a.checks || a.address.localeCompare(b.address));
    const times = records.map((r) => r.time);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const checkTimes = checks.map((r) => r.time);
    const checkSpan = checkTimes.length ? Math.max(...checkTimes) - Math.min(...checkTimes) : 0;
    const meanInterval = checks.length >= 2 && checkSpan > 0 ? checkSpan / (checks.length - 1) : null;
    const share = round(checks.length / records.length, 3);
    const data: Data = {
      ...base,
      linesRead: log.lines,
      parsedLines: records.length,
      ...unparsed,
      formats: {
        combined: records.filter((r) => r.format === 'combined').length,
        common: records.filter((r) => r.format === 'common').length,
      },
      healthChecks: checks.length,
      share,
      sources: sources.slice(0, MAX_SOURCES),
      sourceCount: sources.length,
      checksPerMinute: meanInterval === null ? null : round(60 / meanInterval, 1),
      meanCheckIntervalSeconds: meanInterval === null ? null : round(meanInterval, 3),
      ...(p.interval !== undefined
        ? { checksPerInterval: meanInterval === null ? null : round(p.interval / meanInterval, 1) }
        : {}),
      spanSeconds: round(last - first, 3),
      from: iso(first),
      to: iso(last),
      timeResolutionSeconds: records.every((r) => r.subSecond) ? 0.001 : 1,
    };
    const pct = `${round(share * 100, 1)}%`;
    const rate =
      meanInterval === null
        ? ''
        : `, ${data.checksPerMinute} per minute (one every ~${fmtSeconds(meanInterval)}${
            p.interval !== undefined ? `, ${data.checksPerInterval} per ${p.interval} s interval` : ''
          })`;
    const listed = sources.slice(0, 3).map(describeSource).join('; ');
    const more = sources.length > 3 ? `; ${sources.length - 3} more` : '';
    const summary =
      `${checks.length} of ${records.length} line(s) (${pct}) of ${p.path} over ${fmtSeconds(last - first)} are health checks of ${p.healthPath}` +
      (sources.length ? ` from ${sources.length} source(s)${rate}: ${listed}${more}` : '');
    const expected = `≤ ${round(p.maxShare * 100, 1)}% of the lines`;
    const actual = `${pct} (${checks.length} of ${records.length})`;
    return {
      outcome: share > p.maxShare ? 'fail' : 'pass',
      summary,
      data,
      expected,
      actual,
      durationMs: 0,
      raw,
    };
  },
};
