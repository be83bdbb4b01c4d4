// The access-log summary as a streaming fold over records: add() one line at a
// time in constant memory, state()/merge() to combine worker threads, finish()
// for the report (summary.ts). Pure: it reads nothing and prints nothing, so a
// playbook probe can feed it records from anywhere.
import { ANSWER_RULES, answerRuleIndex } from './classify.js';
import {
  HEALTH_CHECK_PATHS,
  HEALTH_CHECK_RULE,
  type HealthCheckMatcher,
  healthCheckMatcher,
} from './health-check.js';
import { detached, pathKey } from './paths.js';
import type { LogRecord } from './record.js';
import { compareKeys, OTHER, SampledTable, type TableState } from './sampled-table.js';
import {
  acceptSeconds,
  acceptWhole,
  mergeSketch,
  mergeSketches,
  newSketch,
  percentiles,
  quantile,
  type Sketch,
  SketchTally,
  type SketchState,
  sketchState,
} from './sketch.js';
import {
  type BurstReport,
  type FileSummary,
  type Finding,
  type HistogramBucket,
  type LineProblem,
  LOG_SUMMARY_KIND,
  LOG_SUMMARY_VERSION,
  type LogSummary,
  type MemberSummary,
  type PathSummary,
  type TimeWindow,
} from './summary.js';
import { TIMELINE_COUNTERS, Timeline, type TimelineState, widthFor } from './timeline.js';

export interface SummaryOptions {
  /** Health-check paths besides the usual ones (e.g. the pool's healthmonitor url_path). */
  healthCheckPaths?: readonly string[];
  /**
   * Paths and members reported, the busiest; the rest are counted under
   * "(other)". Twice as many are tracked while reading (sampled-table.ts).
   */
  maxPaths?: number;
  maxMembers?: number;
}

/** Retry routes tracked (the report shows the 10 most common). */
export const MAX_RETRY_ROUTES = 2000;

/** Upper bounds (seconds) of the latency histograms; one more bucket holds the rest. */
export const HISTOGRAM_EDGES = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60,
] as const;
const NH = HISTOGRAM_EDGES.length + 1;
/** Members remembered by member(). */
const RECENT = 8;
/** Status class index: 0 other, 1 2xx, 2 3xx, 3 4xx (not 499), 4 499, 5 5xx. */
const CLASS_NAMES = ['other', '2xx', '3xx', '4xx', '499', '5xx'] as const;

function statusClass(s: number): number {
  if (s >= 200 && s < 300) return 1;
  if (s >= 300 && s < 400) return 2;
  if (s === 499) return 4;
  if (s >= 400 && s < 500) return 3;
  if (s >= 500 && s < 600) return 5;
  return 0;
}

function histogramIndexOf(v: number): number {
  for (let i = 0; i < HISTOGRAM_EDGES.length; i++) if (v <= HISTOGRAM_EDGES[i]!) return i;
  return HISTOGRAM_EDGES.length;
}

/** The histogram bucket of each whole millisecond below 65.536 s, computed once. */
const HIST_BY_MS = (() => {
  const t = new Uint8Array(1 << 16);
  let from = 0;
  HISTOGRAM_EDGES.forEach((edge, i) => {
    const to = Math.min(t.length, Math.round(edge * 1000) + 1);
    t.fill(i, from, to);
    from = to;
  });
  t.fill(HISTOGRAM_EDGES.length, from);
  return t;
})();

function histogramIndex(v: number): number {
  const ms = Math.round(v * 1000);
  return ms >= 0 && ms < HIST_BY_MS.length && ms / 1000 === v ? HIST_BY_MS[ms]! : histogramIndexOf(v);
}

/** Whether each rule of ANSWER_RULES means the load balancer answered. */
const BY_LB = ANSWER_RULES.map((r) => r.answeredBy === 'load-balancer');

interface MemberStats {
  /** The member_name of its latest line (by msec; the least name when several share it). */
  name: string | null;
  nameAt: number;
  attempts: number;
  noStatus: number;
  abandoned: number;
  /** By status class index (CLASS_NAMES). */
  classes: Float64Array;
  responseTime: Sketch;
}

interface PathStats {
  count: number;
  n5xx: number;
  n499: number;
  /**
   * Made at the path's second request_time, which waits in `firstRt` (NaN
   * when none): in a log of many paths most are seen once, and the paths
   * table makes and drops thousands of entries (sampled-table.ts).
   */
  requestTime: Sketch | null;
  firstRt: number;
}

/** The request_time sketch of `p`, made now if it was not yet. */
function pathSketch(p: PathStats): Sketch {
  if (p.requestTime === null) {
    p.requestTime = newSketch();
    if (!Number.isNaN(p.firstRt)) acceptSeconds(p.requestTime, p.firstRt);
    p.firstRt = Number.NaN;
  }
  return p.requestTime;
}

function addRequestTime(p: PathStats, rt: number): void {
  if (p.requestTime !== null) acceptSeconds(p.requestTime, rt);
  else if (Number.isNaN(p.firstRt)) p.firstRt = rt;
  else acceptSeconds(pathSketch(p), rt);
}

/** A count kept in a SampledTable (which needs an object to add to). */
interface Tally {
  n: number;
}

interface MemberState {
  name: string | null;
  nameAt: number;
  attempts: number;
  noStatus: number;
  abandoned: number;
  classes: number[];
  responseTime: SketchState;
}

interface PathState {
  count: number;
  n5xx: number;
  n499: number;
  requestTime: SketchState;
}

const MEMBER_OPS = {
  create: (): MemberStats => ({
    name: null,
    nameAt: Number.NEGATIVE_INFINITY,
    attempts: 0,
    noStatus: 0,
    abandoned: 0,
    classes: new Float64Array(CLASS_NAMES.length),
    responseTime: newSketch(),
  }),
  fold(into: MemberStats, from: MemberStats): void {
    into.attempts += from.attempts;
    into.noStatus += from.noStatus;
    into.abandoned += from.abandoned;
    for (let i = 0; i < into.classes.length; i++) into.classes[i]! += from.classes[i]!;
    mergeSketches(into.responseTime, from.responseTime);
    if (from.name !== null) nameMember(into, from.name, from.nameAt);
  },
};

/** Names `m` after `name` if it was seen later (or at once and sorts first): the same in any order. */
function nameMember(m: MemberStats, name: string, at: number): void {
  if (at < m.nameAt || (at === m.nameAt && m.name !== null && compareKeys(name, m.name) >= 0)) return;
  if (name !== m.name) m.name = detached(name);
  m.nameAt = at;
}

const PATH_OPS = {
  create: (): PathStats => ({ count: 0, n5xx: 0, n499: 0, requestTime: null, firstRt: Number.NaN }),
  fold(into: PathStats, from: PathStats): void {
    into.count += from.count;
    into.n5xx += from.n5xx;
    into.n499 += from.n499;
    if (from.requestTime !== null) mergeSketches(pathSketch(into), from.requestTime);
    else if (!Number.isNaN(from.firstRt)) addRequestTime(into, from.firstRt);
  },
};

const TALLY_OPS = {
  create: (): Tally => ({ n: 0 }),
  fold(into: Tally, from: Tally): void {
    into.n += from.n;
  },
};

const memberState = (m: MemberStats): MemberState => ({
  name: m.name,
  nameAt: m.nameAt,
  attempts: m.attempts,
  noStatus: m.noStatus,
  abandoned: m.abandoned,
  classes: [...m.classes],
  responseTime: sketchState(m.responseTime),
});
const memberFromState = (s: MemberState): MemberStats => {
  const m = MEMBER_OPS.create();
  m.name = s.name;
  m.nameAt = s.nameAt;
  m.attempts = s.attempts;
  m.noStatus = s.noStatus;
  m.abandoned = s.abandoned;
  m.classes.set(s.classes);
  mergeSketch(m.responseTime, s.responseTime);
  return m;
};
const pathState = (p: PathStats): PathState => ({
  count: p.count,
  n5xx: p.n5xx,
  n499: p.n499,
  requestTime: sketchState(pathSketch(p)),
});
const pathFromState = (s: PathState): PathStats => {
  const p = PATH_OPS.create();
  p.count = s.count;
  p.n5xx = s.n5xx;
  p.n499 = s.n499;
  mergeSketch(pathSketch(p), s.requestTime);
  return p;
};
const tallyState = (t: Tally): number => t.n;
const tallyFromState = (n: number): Tally => ({ n });

/** Plain data (structured-clone safe): what a worker thread sends back. */
export interface SummariserState {
  records: number;
  healthChecks: number;
  first: number;
  last: number;
  offset: string | null;
  offsetAt: number;
  statusCounts: number[];
  lbCounts: number[];
  ruleCounts: number[];
  sketches: Record<SketchName, SketchState>;
  histograms: { requestTime: number[]; upstreamResponseTime: number[] };
  timeline: TimelineState;
  members: TableState<MemberState>;
  paths: TableState<PathState>;
  retries: { lines: number; attempts: number[]; ended: number[]; routes: TableState<number> };
  closed: { count: number; waiting: number; during: number; before: number; waitingOn: TableState<number> };
}

const SKETCHES = [
  'requestTime',
  'upstreamConnectTime',
  'upstreamHeaderTime',
  'upstreamResponseTime',
  'tcpinfoRtt',
  'closedRequestTime',
  'closedUpstreamResponseTime',
  'closedTcpinfoRtt',
] as const;
type SketchName = (typeof SKETCHES)[number];

export class LogSummariser {
  records = 0;
  private healthChecks = 0;
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private offset: string | null = null;
  private offsetAt = Number.POSITIVE_INFINITY;
  private readonly statusCounts = new Float64Array(1000);
  private readonly lbCounts = new Float64Array(1000);
  private readonly ruleCounts = new Float64Array(ANSWER_RULES.length);
  private readonly sk: Record<SketchName, Sketch>;
  /** The sketches of (nearly) every line, counted in arrays until read (sketch.ts). */
  private readonly requestTimes: SketchTally;
  private readonly connectTimes: SketchTally;
  private readonly headerTimes: SketchTally;
  private readonly responseTimes: SketchTally;
  private readonly rtts: SketchTally;
  private readonly requestHist = new Float64Array(NH);
  private readonly upstreamHist = new Float64Array(NH);
  private readonly timeline = new Timeline();
  private readonly members: SampledTable<MemberStats>;
  private readonly recentAddrs: (string | undefined)[] = new Array(RECENT).fill(undefined);
  private readonly recentMembers: (MemberStats | undefined)[] = new Array(RECENT).fill(undefined);
  private recentNext = 0;
  private readonly paths: SampledTable<PathStats>;
  private retryLines = 0;
  private readonly retryAttempts = new Float64Array(3);
  private readonly retryEnded = new Float64Array(CLASS_NAMES.length);
  private readonly retryRoutes = new SampledTable(MAX_RETRY_ROUTES, TALLY_OPS);
  private closed = 0;
  private closedWaiting = 0;
  private closedDuring = 0;
  private closedBefore = 0;
  private readonly closedWaitingOn: SampledTable<Tally>;
  private readonly isHealthCheck: HealthCheckMatcher;
  private readonly healthPaths: string[];
  private readonly maxPaths: number;
  private readonly maxMembers: number;

  constructor(options: SummaryOptions = {}) {
    this.isHealthCheck = healthCheckMatcher(options.healthCheckPaths);
    this.healthPaths = [...new Set([...HEALTH_CHECK_PATHS, ...(options.healthCheckPaths ?? [])])];
    this.maxPaths = options.maxPaths ?? 5000;
    this.maxMembers = options.maxMembers ?? 2000;
    // Folding members into "(other)" leaves the recent ones remembered by member() stale.
    this.members = new SampledTable(2 * this.maxMembers, MEMBER_OPS, () => this.recentAddrs.fill(undefined));
    this.paths = new SampledTable(2 * this.maxPaths, PATH_OPS);
    this.closedWaitingOn = new SampledTable(2 * this.maxMembers, TALLY_OPS);
    this.sk = Object.fromEntries(SKETCHES.map((n) => [n, newSketch()])) as Record<SketchName, Sketch>;
    this.requestTimes = new SketchTally(this.sk.requestTime, 'seconds');
    this.connectTimes = new SketchTally(this.sk.upstreamConnectTime, 'seconds');
    this.headerTimes = new SketchTally(this.sk.upstreamHeaderTime, 'seconds');
    this.responseTimes = new SketchTally(this.sk.upstreamResponseTime, 'seconds');
    this.rtts = new SketchTally(this.sk.tcpinfoRtt, 'whole');
  }

  add(r: LogRecord): void {
    this.records++;
    const msec = r.msec;
    if (msec < this.first) this.first = msec;
    if (msec > this.last) this.last = msec;
    if (msec <= this.offsetAt) {
      const m = /([+-]\d{2}:?\d{2}|Z)$/.exec(r.time);
      if (m) this.takeOffset(m[1]!, msec);
    }
    const status = r.status;
    const code = status >= 0 && status < 1000 ? status : 0;
    this.statusCounts[code]!++;
    const rule = answerRuleIndex(r);
    this.ruleCounts[rule]!++;
    const byLb = BY_LB[rule]!;
    if (byLb) this.lbCounts[code]!++;
    const cls = statusClass(status);
    const up = r.upstream;
    const n = up.length;
    this.timeline.add(msec, cls, byLb, n > 1);

    const rt = r.requestTime;
    if (rt !== null) {
      this.requestTimes.add(rt);
      this.requestHist[histogramIndex(rt)]!++;
    }
    const rtt = r.tcpinfoRtt;
    if (rtt !== null) this.rtts.add(rtt);

    // Each attempt is one request to one member (FAQ 3.8: several values when it retried).
    for (let i = 0; i < n; i++) {
      const a = up[i]!;
      if (a.connectTime !== null) this.connectTimes.add(a.connectTime);
      if (a.headerTime !== null) this.headerTimes.add(a.headerTime);
      const m = this.member(a.addr);
      m.attempts++;
      if (a.status !== null) m.classes[statusClass(a.status)]!++;
      else if (status === 499 && i === n - 1 && a.headerTime === null) m.abandoned++;
      else m.noStatus++;
      if (a.responseTime !== null) {
        this.responseTimes.add(a.responseTime);
        this.upstreamHist[histogramIndex(a.responseTime)]!++;
        acceptSeconds(m.responseTime, a.responseTime);
      }
      if (i === n - 1) {
        // member_name names the last try; several names (one per try) are not matched up.
        const name = r.memberName;
        if (name !== null && msec >= m.nameAt && (n === 1 || name.indexOf(',') < 0))
          nameMember(m, name, msec);
      }
    }
    if (n > 1) {
      this.retryLines++;
      this.retryAttempts[n >= 4 ? 2 : n - 2]!++;
      this.retryEnded[cls]!++;
      this.retryRoutes.get(`${up[0]!.addr}\u0000${up[n - 1]!.addr}`).n++;
    }

    if (status === 499) {
      this.closed++;
      if (rt !== null) acceptSeconds(this.sk.closedRequestTime, rt);
      if (rtt !== null) acceptWhole(this.sk.closedTcpinfoRtt, rtt);
      if (n === 0) this.closedBefore++;
      else {
        const a = up[n - 1]!;
        if (a.responseTime !== null) acceptSeconds(this.sk.closedUpstreamResponseTime, a.responseTime);
        if (a.status === null && a.headerTime === null) {
          this.closedWaiting++;
          this.closedWaitingOn.get(a.addr).n++;
        } else this.closedDuring++;
      }
    }

    const p = this.paths.get(r.pathKey ?? pathKey(r.uri));
    p.count++;
    if (cls === 5) p.n5xx++;
    else if (cls === 4) p.n499++;
    if (rt !== null) addRequestTime(p, rt);

    if (this.isHealthCheck(r)) this.healthChecks++;
  }

  private member(addr: string): MemberStats {
    // The members looked up last: a log names few, and a Map lookup hashes the line's new string each time.
    // Forgotten when members are folded into "(other)" (the constructor's onFold).
    const recent = this.recentAddrs;
    for (let i = 0; i < RECENT; i++) if (recent[i] === addr) return this.recentMembers[i]!;
    const m = this.members.get(addr);
    const slot = this.recentNext;
    recent[slot] = addr;
    this.recentMembers[slot] = m;
    this.recentNext = (slot + 1) % RECENT;
    return m;
  }

  /** The offset of the earliest line; of lines as early, the least: the same in any order. */
  private takeOffset(offset: string, at: number): void {
    const earlier = at < this.offsetAt;
    if (earlier || (at === this.offsetAt && (this.offset === null || compareKeys(offset, this.offset) < 0))) {
      if (offset !== this.offset) this.offset = detached(offset);
      this.offsetAt = at;
    }
  }

  /** The tallied sketches, complete: before any of this.sk is read. */
  private flushSketches(): void {
    for (const t of [this.requestTimes, this.connectTimes, this.headerTimes, this.responseTimes, this.rtts])
      t.flush();
  }

  state(): SummariserState {
    this.flushSketches();
    return {
      records: this.records,
      healthChecks: this.healthChecks,
      first: this.first,
      last: this.last,
      offset: this.offset,
      offsetAt: this.offsetAt,
      statusCounts: [...this.statusCounts],
      lbCounts: [...this.lbCounts],
      ruleCounts: [...this.ruleCounts],
      sketches: Object.fromEntries(SKETCHES.map((n) => [n, sketchState(this.sk[n])])) as Record<
        SketchName,
        SketchState
      >,
      histograms: { requestTime: [...this.requestHist], upstreamResponseTime: [...this.upstreamHist] },
      timeline: this.timeline.state(),
      members: this.members.state(memberState),
      paths: this.paths.state(pathState),
      retries: {
        lines: this.retryLines,
        attempts: [...this.retryAttempts],
        ended: [...this.retryEnded],
        routes: this.retryRoutes.state(tallyState),
      },
      closed: {
        count: this.closed,
        waiting: this.closedWaiting,
        during: this.closedDuring,
        before: this.closedBefore,
        waitingOn: this.closedWaitingOn.state(tallyState),
      },
    };
  }

  merge(st: SummariserState): void {
    this.flushSketches();
    this.records += st.records;
    this.healthChecks += st.healthChecks;
    this.first = Math.min(this.first, st.first);
    this.last = Math.max(this.last, st.last);
    if (st.offset !== null && st.offsetAt <= this.offsetAt) this.takeOffset(st.offset, st.offsetAt);
    addInto(this.statusCounts, st.statusCounts);
    addInto(this.lbCounts, st.lbCounts);
    addInto(this.ruleCounts, st.ruleCounts);
    for (const n of SKETCHES) mergeSketch(this.sk[n], st.sketches[n]);
    addInto(this.requestHist, st.histograms.requestTime);
    addInto(this.upstreamHist, st.histograms.upstreamResponseTime);
    this.timeline.merge(st.timeline);
    this.members.merge(st.members, memberFromState);
    this.paths.merge(st.paths, pathFromState);
    this.retryLines += st.retries.lines;
    addInto(this.retryAttempts, st.retries.attempts);
    addInto(this.retryEnded, st.retries.ended);
    this.retryRoutes.merge(st.retries.routes, tallyFromState);
    this.closed += st.closed.count;
    this.closedWaiting += st.closed.waiting;
    this.closedDuring += st.closed.during;
    this.closedBefore += st.closed.before;
    this.closedWaitingOn.merge(st.closed.waitingOn, tallyFromState);
  }

  /** The report. `input` describes the files read (the reader knows it; a probe may not). */
  finish(input: { files?: FileSummary[]; badSamples?: LineProblem[] } = {}): LogSummary {
    this.flushSketches();
    const files = input.files ?? [];
    const offset = this.offset === null || this.offset === 'Z' ? '+00:00' : normaliseOffset(this.offset);
    const offsetSeconds = offsetToSeconds(offset);
    const iso = (epochSeconds: number) => isoAt(epochSeconds, offsetSeconds, offset);
    const total = this.records;
    const share = (n: number, of = total) => (of > 0 ? Number((n / of).toFixed(6)) : 0);
    const span = total > 0 ? this.last - this.first : 0;

    const codes = [];
    const classes = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    for (let c = 0; c < this.statusCounts.length; c++) {
      const count = this.statusCounts[c]!;
      if (count === 0) continue;
      const lb = this.lbCounts[c]!;
      codes.push({ code: c, count, share: share(count), loadBalancer: lb, backend: count - lb });
      const k = `${Math.floor(c / 100)}xx`;
      if (k in classes) classes[k as keyof typeof classes] += count;
    }
    codes.sort((a, b) => b.count - a.count || a.code - b.code);
    const lbTotal = ANSWER_RULES.reduce(
      (n, r, i) => n + (r.answeredBy === 'load-balancer' ? this.ruleCounts[i]! : 0),
      0,
    );

    // At most 300 windows, and about 50 lines in each at least: a sparse log gets wider windows.
    const windowCount = Math.max(12, Math.min(300, Math.floor(total / 50)));
    const windowSeconds = widthFor(span, windowCount, this.timeline.width);
    const windows = this.timeline.windows(windowSeconds);
    const burstsFor = (counter: '499' | '5xx'): BurstReport => bursts(windows, counter, windowSeconds, iso);

    // The busiest members and paths; the rest, and whatever the tables folded, as "(other)".
    const withOther = <V>(t: { kept: [string, V][]; other: V | null }): [string, V][] =>
      t.other === null ? t.kept : [...t.kept, [OTHER, t.other]];
    const topMembers = this.members.top(this.maxMembers, (m) => m.attempts);
    const topPaths = this.paths.top(this.maxPaths, (p) => p.count);
    const names = new Map<string, string | null>();
    for (const [address, m] of this.members.entries()) names.set(address, m.name);
    const memberName = (addr: string) => names.get(addr) ?? null;
    const members: MemberSummary[] = withOther(topMembers).map(([address, m]) => ({
      address,
      name: address === OTHER ? null : m.name,
      attempts: m.attempts,
      noStatus: m.noStatus,
      abandoned: m.abandoned,
      status: {
        '2xx': m.classes[1]!,
        '3xx': m.classes[2]!,
        '4xx': m.classes[3]! + m.classes[4]!,
        '5xx': m.classes[5]!,
      },
      upstreamResponseTime: percentiles(m.responseTime),
    }));
    members.sort(
      (a, b) =>
        (b.upstreamResponseTime.p99 ?? -1) - (a.upstreamResponseTime.p99 ?? -1) ||
        b.attempts - a.attempts ||
        compareKeys(a.address, b.address),
    );

    // Rank paths with enough lines that a p99 means something.
    const pathList = withOther(topPaths);
    const minCount = Math.min(10, Math.max(1, ...pathList.map(([, p]) => p.count)));
    const paths: PathSummary[] = pathList
      .filter(([, p]) => p.count >= minCount)
      .map(([path, p]) => ({
        path,
        count: p.count,
        '5xx': p.n5xx,
        '499': p.n499,
        requestTime: percentiles(pathSketch(p)),
      }))
      .sort(
        (a, b) =>
          (b.requestTime.p99 ?? -1) - (a.requestTime.p99 ?? -1) ||
          b.count - a.count ||
          compareKeys(a.path, b.path),
      )
      .slice(0, 20);

    // Most common first; ties in from, then to, order (the key is "from\0to").
    const routes = this.retryRoutes
      .top(10, (t) => t.n)
      .kept.map(([k, t]) => {
        const [from = '', to = ''] = k.split('\u0000');
        return { from, to, count: t.n };
      });

    const closedRt = this.sk.closedRequestTime;
    const p10 = quantile(closedRt, 0.1);
    const p50 = quantile(closedRt, 0.5);
    const p90 = quantile(closedRt, 0.9);
    const clientTimeoutSeconds =
      this.closed >= 10 &&
      p10 !== null &&
      p50 !== null &&
      p90 !== null &&
      p50 > 0 &&
      p10 >= p50 * 0.9 &&
      p90 <= p50 * 1.1
        ? Number(p50.toFixed(p50 >= 10 ? 0 : 1))
        : null;

    const summary: LogSummary = {
      kind: LOG_SUMMARY_KIND,
      version: LOG_SUMMARY_VERSION,
      files,
      lines: {
        total: files.reduce((n, f) => n + f.lines, 0) || total,
        records: total,
        blank: files.reduce((n, f) => n + f.blank, 0),
        bad: files.reduce((n, f) => n + f.bad, 0),
      },
      badLines: { count: files.reduce((n, f) => n + f.bad, 0), samples: input.badSamples ?? [] },
      time: {
        first: total > 0 ? iso(this.first) : null,
        last: total > 0 ? iso(this.last) : null,
        offset,
        spanSeconds: Number(span.toFixed(3)),
      },
      status: {
        codes,
        classes,
        answeredBy: { loadBalancer: lbTotal, backend: total - lbTotal },
        rules: ANSWER_RULES.map((r, i) => ({ ...r, count: this.ruleCounts[i]! })),
      },
      latency: {
        unit: 'seconds',
        requestTime: percentiles(this.sk.requestTime),
        upstreamConnectTime: percentiles(this.sk.upstreamConnectTime),
        upstreamHeaderTime: percentiles(this.sk.upstreamHeaderTime),
        upstreamResponseTime: percentiles(this.sk.upstreamResponseTime),
        tcpinfoRttMs: percentiles(this.sk.tcpinfoRtt, 0.001, 1),
        histograms: {
          requestTime: histogram(this.requestHist),
          upstreamResponseTime: histogram(this.upstreamHist),
        },
      },
      timeline: {
        windowSeconds,
        counters: [...TIMELINE_COUNTERS],
        windows: windows.map((w) => ({ start: iso(w.start), counts: w.counts })),
      },
      bursts: { windowSeconds, '499': burstsFor('499'), '5xx': burstsFor('5xx') },
      members: {
        distinct: this.members.distinct,
        truncated: topMembers.other !== null,
        list: members,
      },
      paths: {
        distinct: this.paths.distinct,
        truncated: topPaths.other !== null,
        slowest: paths,
        minCount,
      },
      retries: {
        lines: this.retryLines,
        share: share(this.retryLines),
        attempts: { '2': this.retryAttempts[0]!, '3': this.retryAttempts[1]!, '4+': this.retryAttempts[2]! },
        endedIn: Object.fromEntries(
          CLASS_NAMES.map((c, i) => [c, this.retryEnded[i]!]),
        ) as LogSummary['retries']['endedIn'],
        routes,
      },
      clientClosed: {
        count: this.closed,
        share: share(this.closed),
        waitingForBackend: this.closedWaiting,
        duringResponse: this.closedDuring,
        beforeUpstream: this.closedBefore,
        waitingOn: this.closedWaitingOn
          .top(10, (t) => t.n)
          .kept.map(([address, t]) => ({ address, name: memberName(address), count: t.n })),
        requestTime: percentiles(closedRt),
        upstreamResponseTime: percentiles(this.sk.closedUpstreamResponseTime),
        tcpinfoRttMs: percentiles(this.sk.closedTcpinfoRtt, 0.001, 1),
        clientTimeoutSeconds,
      },
      healthChecks: {
        count: this.healthChecks,
        share: share(this.healthChecks),
        rule: `${HEALTH_CHECK_RULE} (${this.healthPaths.join(', ')})`,
      },
      findings: [],
    };
    summary.findings = findingsOf(summary);
    return summary;
  }
}

function addInto(into: Float64Array, from: readonly number[]): void {
  for (let i = 0; i < into.length; i++) into[i]! += from[i] ?? 0;
}

function histogram(counts: Float64Array): HistogramBucket[] {
  return [...counts].map((count, i) => ({ le: HISTOGRAM_EDGES[i] ?? null, count }));
}

function normaliseOffset(o: string): string {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(o);
  return m ? `${m[1]}${m[2]}:${m[3]}` : '+00:00';
}

function offsetToSeconds(o: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(o);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

/** `2026-11-25T12:00:00+08:00`, with milliseconds when there are any. */
export function isoAt(epochSeconds: number, offsetSeconds: number, offset: string): string {
  const d = new Date(Math.round(epochSeconds * 1000) + offsetSeconds * 1000).toISOString();
  const text = d.endsWith('.000Z') ? d.slice(0, 19) : d.slice(0, 23);
  return `${text}${offset}`;
}

/**
 * Worst windows and bursts of one counter. A window belongs to a burst when it
 * holds at least `threshold` lines of the code (5, or 3× the median window)
 * and its share of them is at least twice the log's: busy hours alone are no
 * burst. Consecutive such windows make one burst.
 */
function bursts(
  windows: { start: number; counts: Record<string, number> }[],
  counter: '499' | '5xx',
  windowSeconds: number,
  iso: (s: number) => string,
): BurstReport {
  const win = (
    w: { start: number; counts: Record<string, number> },
    end = w.start + windowSeconds,
  ): TimeWindow => {
    const count = w.counts[counter] ?? 0;
    const lines = w.counts.lines ?? 0;
    return {
      start: iso(w.start),
      end: iso(end),
      count,
      lines,
      share: lines > 0 ? Number((count / lines).toFixed(4)) : 0,
    };
  };
  const active = windows.filter((w) => (w.counts.lines ?? 0) > 0);
  const values = active.map((w) => w.counts[counter] ?? 0).sort((a, b) => a - b);
  const median = values.length > 0 ? values[Math.floor((values.length - 1) / 2)]! : 0;
  const threshold = Math.max(5, 3 * median);
  const all = active.reduce((n, w) => n + (w.counts[counter] ?? 0), 0);
  const lines = active.reduce((n, w) => n + (w.counts.lines ?? 0), 0);
  const baseShare = lines > 0 ? all / lines : 0;
  const worstWindows = [...active]
    .filter((w) => (w.counts[counter] ?? 0) > 0)
    .sort((a, b) => (b.counts[counter] ?? 0) - (a.counts[counter] ?? 0) || a.start - b.start)
    .slice(0, 3)
    .map((w) => win(w));
  const hot = (w: { counts: Record<string, number> }) => {
    const c = w.counts[counter] ?? 0;
    const l = w.counts.lines ?? 0;
    return c >= threshold && l > 0 && c / l >= 2 * baseShare;
  };
  // Runs of hot windows; one cold window between two hot ones does not end a run.
  const found: TimeWindowRun[] = [];
  let run: TimeWindowRun | undefined;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    const bridge = run !== undefined && !hot(w) && i + 1 < windows.length && hot(windows[i + 1]!);
    if (hot(w) || bridge) {
      if (!run) {
        run = { first: w, last: w, count: 0, lines: 0, peak: w };
        found.push(run);
      }
      run.last = w;
      run.count += w.counts[counter] ?? 0;
      run.lines += w.counts.lines ?? 0;
      if ((w.counts[counter] ?? 0) > (run.peak.counts[counter] ?? 0)) run.peak = w;
    } else run = undefined;
  }
  const list = found
    .sort((a, b) => b.count - a.count || a.first.start - b.first.start)
    .slice(0, 5)
    .map((r) => ({
      start: iso(r.first.start),
      end: iso(r.last.start + windowSeconds),
      count: r.count,
      lines: r.lines,
      share: r.lines > 0 ? Number((r.count / r.lines).toFixed(4)) : 0,
      peak: win(r.peak),
    }));
  return { threshold, worstWindows, bursts: list };
}

interface TimeWindowRun {
  first: { start: number; counts: Record<string, number> };
  last: { start: number; counts: Record<string, number> };
  count: number;
  lines: number;
  peak: { start: number; counts: Record<string, number> };
}

function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function pct(n: number, digits = 1): string {
  return `${(n * 100).toFixed(digits)}%`;
}

function secs(v: number | null): string {
  if (v === null) return '-';
  if (v < 1) return `${Math.round(v * 1000)} ms`;
  return `${v.toFixed(v >= 10 ? 1 : 2)} s`;
}

function memberLabel(m: { address: string; name: string | null }): string {
  return m.name ? `${m.name} (${m.address})` : m.address;
}

/** Hour:minute of an ISO time as written ("12:05"). */
function hhmm(iso: string): string {
  return iso.slice(11, 16);
}

/**
 * What the numbers say, in sentences with the numbers in them. Each finding has
 * a stable id; playbooks (client-499, abnormal-status) branch on them.
 */
export function findingsOf(s: LogSummary): Finding[] {
  const out: Finding[] = [];
  const c = s.clientClosed;
  if (c.count >= 10) {
    const burst = s.bursts['499'].bursts[0];
    const when = burst
      ? `, most in ${hhmm(burst.start)}–${hhmm(burst.end)} (${num(burst.count)} in ${num(burst.lines)} lines)`
      : '';
    if (c.waitingForBackend >= c.count / 2) {
      const on = c.waitingOn[0];
      const who =
        on && on.count >= c.waitingForBackend / 2
          ? `; ${num(on.count)} of them were waiting on ${memberLabel(on)}`
          : '';
      const timeout =
        c.clientTimeoutSeconds !== null
          ? `; clients give up at ≈${c.clientTimeoutSeconds} s (their timeout)`
          : '';
      out.push({
        id: 'clients-gave-up-before-backend-answered',
        severity: 'warn',
        faq: ['7.9', '3.8'],
        message:
          `${num(c.waitingForBackend)} of ${num(c.count)} 499s (${pct(c.waitingForBackend / c.count)}) closed before the backend sent a header${when}: ` +
          `request_time p50 ${secs(c.requestTime.p50)} (p90 ${secs(c.requestTime.p90)}), upstream_response_time p50 ${secs(c.upstreamResponseTime.p50)}, ` +
          `tcpinfo_rtt p50 ${c.tcpinfoRttMs.p50 ?? '-'} ms (all lines ${s.latency.tcpinfoRttMs.p50 ?? '-'} ms)${who}${timeout}. ` +
          'The backend is slower than the clients wait: find why it is slow, or raise the client timeout.',
      });
    }
    const rtt = c.tcpinfoRttMs.p50;
    const allRtt = s.latency.tcpinfoRttMs.p50;
    if (rtt !== null && allRtt !== null && rtt >= 2 * allRtt && rtt - allRtt >= 50) {
      out.push({
        id: 'clients-on-slow-network',
        severity: 'warn',
        faq: ['7.9'],
        message: `the clients that closed early have tcpinfo_rtt p50 ${rtt} ms against ${allRtt} ms for all lines: their network is slow or lossy (check the path, or capture packets).`,
      });
    }
  }
  const lbNoStatus = s.status.rules.find((r) => r.id === 'upstream-no-status')?.count ?? 0;
  if (lbNoStatus >= 5) {
    const worst = [...s.members.list].sort((a, b) => b.noStatus - a.noStatus)[0];
    out.push({
      id: 'backend-unreachable',
      severity: 'warn',
      faq: ['1.5', '7.8'],
      message:
        `${num(lbNoStatus)} lines were answered by the load balancer after a backend gave no status (refused, reset or timed out: its 502/504)` +
        (worst && worst.noStatus > 0
          ? `; most tries without a status went to ${memberLabel(worst)} (${num(worst.noStatus)} of ${num(worst.attempts)})`
          : '') +
        '.',
    });
  }
  const erring = s.members.list
    .map((m) => ({ m, tried: m.attempts - m.noStatus - m.abandoned }))
    .filter(({ m, tried }) => m.status['5xx'] >= 10 && tried > 0 && m.status['5xx'] / tried >= 0.05)
    .sort((a, b) => b.m.status['5xx'] / b.tried - a.m.status['5xx'] / a.tried)
    .slice(0, 5);
  for (const { m, tried } of erring) {
    out.push({
      id: 'backend-5xx',
      severity: 'warn',
      faq: ['1.5'],
      message: `${memberLabel(m)} itself answered 5xx to ${num(m.status['5xx'])} of ${num(tried)} requests (${pct(m.status['5xx'] / tried)}).`,
    });
  }
  const b5 = s.bursts['5xx'].bursts[0];
  if (b5) {
    out.push({
      id: 'burst-5xx',
      severity: 'warn',
      faq: ['1.5'],
      message: `5xx burst ${hhmm(b5.start)}–${hhmm(b5.end)}: ${num(b5.count)} of ${num(b5.lines)} lines (${pct(b5.share)}), peak ${num(b5.peak.count)} in ${hhmm(b5.peak.start)}–${hhmm(b5.peak.end)}.`,
    });
  }
  const p99s = s.members.list
    .filter((m) => m.upstreamResponseTime.p99 !== null && m.attempts >= 10)
    .map((m) => m.upstreamResponseTime.p99 as number)
    .sort((a, b) => a - b);
  const slow = s.members.list[0];
  if (p99s.length >= 2 && slow && slow.upstreamResponseTime.p99 !== null) {
    const median = p99s[Math.floor((p99s.length - 1) / 2)]!;
    if (slow.upstreamResponseTime.p99 >= 3 * median && slow.upstreamResponseTime.p99 >= 0.2) {
      out.push({
        id: 'slow-member',
        severity: 'info',
        faq: ['1.9', '3.8'],
        message: `${memberLabel(slow)} is the slowest member: upstream_response_time p99 ${secs(slow.upstreamResponseTime.p99)} against ${secs(median)} for the median member.`,
      });
    }
  }
  if (s.healthChecks.share >= 0.1) {
    out.push({
      id: 'many-health-check-lines',
      severity: 'info',
      faq: ['2.7'],
      message: `${pct(s.healthChecks.share)} of the lines look like health checks (${num(s.healthChecks.count)}): a longer check interval makes fewer.`,
    });
  }
  return out;
}
