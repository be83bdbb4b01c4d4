// ELB access-log lines for tests, written by the same writer the reference
// load balancer uses (src/accesslog/format.ts): say what matters for a line
// (status, request_time, the upstream tries, tcpinfo_rtt) and the rest is filled in.
import { type AccessLogEntry, formatElbAccessLogLine } from '../../src/accesslog/format.js';
import type { UpstreamAttempt } from '../../src/accesslog/elb-line.js';

export interface LineSpec {
  /** Seconds after the log's start. */
  at: number;
  status: number;
  /** request_time, seconds. */
  rt: number;
  path?: string;
  /** Upstream tries; `[]` when the load balancer answered by itself. */
  up?: Partial<UpstreamAttempt>[];
  /** tcpinfo_rtt, microseconds (null: "-"). */
  rttUs?: number | null;
  member?: string;
}

const START_MS = Date.UTC(2026, 10, 25, 4, 0, 0);

export function elbLine(l: LineSpec): string {
  const up: UpstreamAttempt[] = (l.up ?? [{ status: l.status, headerTime: l.rt, responseTime: l.rt }]).map(
    (a) => ({
      status: a.status ?? null,
      connectTime: a.connectTime ?? 0.001,
      headerTime: a.headerTime ?? null,
      responseTime: a.responseTime ?? null,
      addr: a.addr ?? '10.0.1.12:8080',
    }),
  );
  const e: AccessLogEntry = {
    at: START_MS + l.at * 1000,
    topicId: null,
    clientAddress: '203.0.113.7',
    clientPort: 40000,
    status: l.status,
    method: 'GET',
    scheme: 'http',
    host: 'shop.example.com',
    uri: l.path ?? '/',
    protocol: 'HTTP/1.1',
    requestLength: 100,
    bytesSent: 200,
    bodyBytesSent: 100,
    requestTime: l.rt,
    upstream: up,
    userAgent: 'test',
    referer: null,
    xForwardedFor: null,
    lbName: 'lb',
    listenerName: 'web',
    listenerId: null,
    poolName: 'pool',
    memberName: up.length ? (l.member ?? 'be1') : null,
    tenantId: null,
    eipAddress: null,
    eipPort: null,
    upstreamAddrPriv: null,
    certificateId: null,
    sslProtocol: null,
    sslCipher: null,
    sniDomainName: null,
    tcpinfoRtt: l.rttUs === undefined ? 1000 : l.rttUs,
    selfDefinedHeader: null,
  };
  return formatElbAccessLogLine(e);
}

export function elbLog(lines: readonly LineSpec[]): string {
  return `${lines.map(elbLine).join('\n')}\n`;
}

/** `n` answered lines (200, upstream header = request time `rt`), one a second from `from`. */
export function answered(n: number, rt: number, from = 0, extra: Partial<LineSpec> = {}): LineSpec[] {
  return Array.from({ length: n }, (_, i) => ({ at: from + i, status: 200, rt, ...extra }));
}

/** `n` 499s waiting for a backend (tried, no status, no header), request time from `rt(i)`. */
export function waiting499(
  n: number,
  rt: (i: number) => number,
  from = 0,
  extra: Partial<LineSpec> = {},
): LineSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    at: from + i,
    status: 499,
    rt: rt(i),
    up: [{ status: null, headerTime: null, responseTime: null }],
    ...extra,
  }));
}

/** A whole entry for the writer: a plain 200 through one member, with these fields replaced. */
export const accessLogEntry = (over: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
  at: 1764030000125,
  topicId: null,
  clientAddress: '127.0.0.1',
  clientPort: 40000,
  status: 200,
  method: 'GET',
  scheme: 'http',
  host: 'a.example.com',
  uri: '/x?y=1',
  protocol: 'HTTP/1.1',
  requestLength: 100,
  bytesSent: 300,
  bodyBytesSent: 2,
  requestTime: 0.0123,
  upstream: [
    { status: 200, connectTime: 0.001, headerTime: 0.01, responseTime: 0.012, addr: '127.0.0.1:8080' },
  ],
  userAgent: 'curl/8',
  referer: null,
  xForwardedFor: null,
  lbName: 'lb',
  listenerName: 'web',
  listenerId: null,
  poolName: 'pool',
  memberName: 'm0',
  tenantId: null,
  eipAddress: '198.51.100.10',
  eipPort: 80,
  upstreamAddrPriv: '127.0.0.1:8080',
  certificateId: null,
  sslProtocol: null,
  sslCipher: null,
  sniDomainName: null,
  tcpinfoRtt: null,
  selfDefinedHeader: null,
  ...over,
});
