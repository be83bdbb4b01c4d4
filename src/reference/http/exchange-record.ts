// What one exchange leaves behind: its access-log line (ELB layout,
// shared/elb-access-log.md), its count in the response metrics (FAQ 7.8: who
// produced the status), and, for a response cut off after its status went to
// the client, a warning on stderr and a count per listener, pool and member.
//
// A cut-off response keeps the status the client got in the access log, and
// upstream_status says what the member answered: nginx (on which ELB's layer 7
// is built) logs a member that closes mid-body as 200 / "200" with
// "upstream prematurely closed connection while reading upstream" in its error
// log, and so does this load balancer. The short body_bytes_sent, the warning
// and lbdoctor_http_responses_cut_total are what tell it from a whole one.
import type { UpstreamAttempt } from '../../accesslog/elb-line.js';
import type { MemberState } from '../types.js';
import type { ClientConnection } from './client-connection.js';
import type { PoolBinding } from './listener.js';
import { headerValue, headerValues, secsSince } from './listener-context.js';
import type { BrokenBy } from './response-relay.js';
import type { RequestHead } from './wire/request-head.js';

/** Longest request-target the access log holds whole (nginx logs a 414's as `-`; a prefix tells more). */
export const MAX_LOGGED_TARGET = 2048;

/** A request-target for the access log: whole, or its first MAX_LOGGED_TARGET bytes and `...`. */
export function clippedTarget(target: string): string {
  return target.length <= MAX_LOGGED_TARGET ? target : `${target.slice(0, MAX_LOGGED_TARGET)}...`;
}

/** Why a response that had started was cut off. */
export type CutCause = BrokenBy | 'member-timeout' | 'client-send-timeout';

export interface ExchangeOutcome {
  /** What the client got; 499 when it left before any status (FAQ 1.5, 7.9). */
  status: number;
  answeredBy: 'lb' | 'backend';
  routerCode: string | undefined;
  req: RequestHead;
  host: string;
  path: string;
  /** Request body (or tunnel) bytes read from the client. */
  requestBytes: number;
  bytesSent: number;
  bodyBytesSent: number;
  /** performance.now() when the request head was read. */
  t0: number;
  attempts: UpstreamAttempt[];
  binding: PoolBinding | null;
  member: MemberState | null;
}

export function recordExchange(conn: ClientConnection, x: ExchangeOutcome): void {
  const ctx = conn.ctx;
  const o = ctx.o;
  o.metrics?.response(o.name, x.status, x.answeredBy, x.routerCode);
  // Without an access log there is no line to build (its fields cost a few allocations per request).
  if (!o.accessLog) return;
  const req = x.req;
  ctx.log({
    clientAddress: conn.clientIp,
    clientPort: conn.clientPort,
    status: x.status,
    method: req.method,
    scheme: ctx.scheme,
    host: x.host || '-',
    uri: x.path,
    protocol: `HTTP/${req.versionMajor}.${req.versionMinor}`,
    requestLength: req.headBytes + x.requestBytes,
    bytesSent: x.bytesSent,
    bodyBytesSent: x.bodyBytesSent,
    requestTime: secsSince(x.t0),
    upstream: x.attempts,
    userAgent: headerValue(req, 'user-agent'),
    referer: headerValue(req, 'referer'),
    xForwardedFor: headerValues(req, 'x-forwarded-for').join(', ') || null,
    poolName: x.binding?.name ?? null,
    memberName: x.member?.name ?? null,
    upstreamAddrPriv: x.attempts.map((a) => a.addr).join(', ') || null,
    tcpinfoRtt: null,
    selfDefinedHeader: null,
    ...conn.tls,
  });
}

/** A response cut off after its status line went out: counted, and said on stderr in nginx's words. */
export function recordCutOff(
  conn: ClientConnection,
  x: Pick<ExchangeOutcome, 'req' | 'host' | 'path' | 'binding' | 'member' | 'status' | 'bodyBytesSent'>,
  cause: CutCause,
  message: string,
): void {
  const o = conn.ctx.o;
  const pool = x.binding?.name ?? '-';
  const member = x.member?.name ?? '-';
  o.metrics?.responseCut(o.name, pool, member, cause);
  o.logger.warn(message, {
    listener: o.name,
    client: `${conn.clientIp}:${conn.clientPort}`,
    // One key=value per fact, no spaces in values: the stderr logger writes them as they are.
    method: x.req.method,
    url: `${x.host}${x.path}`,
    pool,
    member,
    upstream: x.member ? `${x.member.address}:${x.member.port}` : '-',
    status: x.status,
    bodyBytesSent: x.bodyBytesSent,
  });
}
