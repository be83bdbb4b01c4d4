// Writes ELB Layer-7 access-log lines (shared/elb-access-log.md). Quoted fields
// escape `"` and `\` and control bytes as nginx does (`\x22`), so a hostile
// User-Agent can never split a line or shift the fields a parser reads.
import { type ElbAccessLogRecord, ELB_LOG_VERSION, type UpstreamAttempt } from './elb-line.js';

export type AccessLogEntry = Omit<ElbAccessLogRecord, 'logVersion' | 'time' | 'msec'> & {
  /** Epoch milliseconds the line is written at. */
  at: number;
};

function escapeQuoted(v: string): string {
  let out = '';
  for (const c of v) {
    const code = c.codePointAt(0) ?? 0;
    if (code > 0xff) out += encodeURIComponent(c);
    else if (code < 0x20 || code >= 0x7f || c === '"' || c === '\\') {
      out += `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    } else out += c;
  }
  return out;
}

/** A bare (unquoted) field: `-` when empty; never contains a space. */
function bare(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '-';
  return escapeQuoted(String(v)).replace(/ /g, '\\x20');
}

function quoted(v: string | number | null | undefined): string {
  return `"${v === null || v === undefined || v === '' ? '-' : escapeQuoted(String(v))}"`;
}

function secs(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}

/** nginx style: one value per attempt, ", " between them; "-" when no attempt was made. */
function perAttempt(up: readonly UpstreamAttempt[], f: (a: UpstreamAttempt) => string): string {
  return up.length === 0 ? '-' : up.map(f).join(', ');
}

/** `2026-11-25T08:20:00+08:00` in the machine's local offset, as nginx's $time_iso8601. */
export function isoWithOffset(ms: number): string {
  const d = new Date(ms);
  const offMin = -d.getTimezoneOffset();
  const local = new Date(ms + offMin * 60_000).toISOString().slice(0, 19);
  const sign = offMin >= 0 ? '+' : '-';
  const abs = Math.abs(offMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function formatElbAccessLogLine(e: AccessLogEntry): string {
  const up = e.upstream;
  const fields = [
    (e.at / 1000).toFixed(3),
    bare(e.topicId),
    `[${isoWithOffset(e.at)}]`,
    ELB_LOG_VERSION,
    `${e.clientAddress}:${e.clientPort ?? '-'}`,
    String(e.status),
    quoted(`${e.method} ${e.scheme}://${e.host}${e.uri} ${e.protocol}`),
    bare(e.requestLength),
    bare(e.bytesSent),
    bare(e.bodyBytesSent),
    secs(e.requestTime),
    quoted(perAttempt(up, (a) => (a.status === null ? '-' : String(a.status)))),
    quoted(perAttempt(up, (a) => secs(a.connectTime))),
    quoted(perAttempt(up, (a) => secs(a.headerTime))),
    quoted(perAttempt(up, (a) => secs(a.responseTime))),
    quoted(perAttempt(up, (a) => a.addr)),
    quoted(e.userAgent),
    quoted(e.referer),
    quoted(e.xForwardedFor),
    bare(e.lbName),
    bare(e.listenerName),
    bare(e.listenerId),
    bare(e.poolName),
    quoted(e.memberName),
    bare(e.tenantId),
    `${e.eipAddress ?? '-'}:${e.eipPort ?? '-'}`,
    quoted(e.upstreamAddrPriv),
    bare(e.certificateId),
    bare(e.sslProtocol),
    bare(e.sslCipher),
    bare(e.sniDomainName),
    bare(e.tcpinfoRtt),
    bare(e.selfDefinedHeader),
  ];
  return fields.join(' ');
}
