// The summary of access logs: what `lbdoctor logs --format json` prints and
// what playbooks read (docs/logs.md documents every field). Versioned: a
// field's meaning never changes within a version; new fields may be added.
import type { AnsweredBy, AnswerRuleId } from './classify.js';
import type { Percentiles } from './sketch.js';
import type { TimelineCounter } from './timeline.js';

export const LOG_SUMMARY_KIND = 'lbdoctor.logs';
export const LOG_SUMMARY_VERSION = 1;

export interface LineProblem {
  file: string;
  line: number;
  field?: string;
  message: string;
}

export interface FileSummary {
  name: string;
  compression: 'none' | 'gzip';
  /** Every line, blank ones included. */
  lines: number;
  records: number;
  blank: number;
  bad: number;
}

export interface StatusCode {
  code: number;
  count: number;
  share: number;
  loadBalancer: number;
  backend: number;
}

export interface AnswerRule {
  id: AnswerRuleId;
  answeredBy: AnsweredBy;
  /** A few words, for narrow reports. */
  short: string;
  description: string;
  count: number;
}

export interface HistogramBucket {
  /** Upper bound in seconds (inclusive); null for the last, open bucket. */
  le: number | null;
  count: number;
}

export interface TimeWindow {
  /** ISO 8601 in the log's own offset. */
  start: string;
  end: string;
  count: number;
  /** Lines in the window, all statuses. */
  lines: number;
  /** count / lines. */
  share: number;
}

export interface Burst extends TimeWindow {
  /** The busiest window inside the burst. */
  peak: TimeWindow;
}

export interface BurstReport {
  /** A window counts towards a burst at or above this many lines of the code. */
  threshold: number;
  worstWindows: TimeWindow[];
  bursts: Burst[];
}

export interface MemberSummary {
  /** upstream_addr. */
  address: string;
  /** member_name, when the log names it. */
  name: string | null;
  /** Requests sent to it (retries count once per try). */
  attempts: number;
  /** Tries with no upstream status: refused, reset or timed out (499s left out). */
  noStatus: number;
  /** Last tries of 499 lines still waiting on it: the client left first (FAQ 7.9). */
  abandoned: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  upstreamResponseTime: Percentiles;
}

export interface PathSummary {
  path: string;
  count: number;
  '5xx': number;
  '499': number;
  requestTime: Percentiles;
}

export interface Finding {
  id: string;
  severity: 'warn' | 'info';
  faq: string[];
  message: string;
}

export interface LogSummary {
  kind: typeof LOG_SUMMARY_KIND;
  version: typeof LOG_SUMMARY_VERSION;
  files: FileSummary[];
  lines: { total: number; records: number; blank: number; bad: number };
  badLines: { count: number; samples: LineProblem[] };
  time: {
    first: string | null;
    last: string | null;
    /** The offset of the log's own times (`+08:00`), used for every time shown. */
    offset: string;
    spanSeconds: number;
  };
  status: {
    codes: StatusCode[];
    classes: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
    answeredBy: { loadBalancer: number; backend: number };
    rules: AnswerRule[];
  };
  latency: {
    unit: 'seconds';
    requestTime: Percentiles;
    upstreamConnectTime: Percentiles;
    upstreamHeaderTime: Percentiles;
    upstreamResponseTime: Percentiles;
    tcpinfoRttMs: Percentiles;
    histograms: { requestTime: HistogramBucket[]; upstreamResponseTime: HistogramBucket[] };
  };
  timeline: {
    windowSeconds: number;
    counters: TimelineCounter[];
    windows: { start: string; counts: Record<TimelineCounter, number> }[];
  };
  bursts: { windowSeconds: number; '499': BurstReport; '5xx': BurstReport };
  members: { distinct: number; truncated: boolean; list: MemberSummary[] };
  paths: { distinct: number; truncated: boolean; slowest: PathSummary[]; minCount: number };
  retries: {
    lines: number;
    share: number;
    attempts: { '2': number; '3': number; '4+': number };
    endedIn: Record<'2xx' | '3xx' | '4xx' | '499' | '5xx' | 'other', number>;
    routes: { from: string; to: string; count: number }[];
  };
  clientClosed: {
    count: number;
    share: number;
    /** A backend was tried and had sent no header when the client left. */
    waitingForBackend: number;
    /** The backend had answered (status or header time present): the client left during the response. */
    duringResponse: number;
    /** No backend was tried yet. */
    beforeUpstream: number;
    /** Members the waiting 499s were waiting on, most first. */
    waitingOn: { address: string; name: string | null; count: number }[];
    requestTime: Percentiles;
    upstreamResponseTime: Percentiles;
    tcpinfoRttMs: Percentiles;
    /** The request_time most 499s share (p10..p90 within 10 % of p50): a client-side timeout. */
    clientTimeoutSeconds: number | null;
  };
  healthChecks: { count: number; share: number; rule: string };
  findings: Finding[];
}
