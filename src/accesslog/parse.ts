// Parses ELB Layer-7 access-log lines (shared/elb-access-log.md) — real ones
// downloaded from ELB and the reference load balancer's own. Tolerant: trailing
// fields a log version leaves out become null; what cannot be read is an
// InputError naming the line and the field.
import { InputError } from '../errors.js';
import type { ElbAccessLogRecord, UpstreamAttempt } from './elb-line.js';

/** Splits a line into fields: bare words, "quoted strings", [bracketed time]. */
export function tokenizeAccessLogLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] === ' ') i++;
    if (i >= n) break;
    const c = line[i];
    if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      let j = i + 1;
      let v = '';
      while (j < n && line[j] !== close) {
        // Some writers escape quotes with a backslash; keep the quote, drop the backslash.
        if (line[j] === '\\' && line[j + 1] === '"') {
          v += '"';
          j += 2;
          continue;
        }
        v += line[j];
        j++;
      }
      if (j >= n)
        throw new Error(`unterminated ${c === '"' ? 'quoted field' : 'bracketed time'} at column ${i + 1}`);
      out.push(v);
      i = j + 1;
    } else {
      let j = i;
      while (j < n && line[j] !== ' ') j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** nginx's `\xHH` escapes back to characters. */
function unescapeNginx(v: string): string {
  return v.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

const FIELD_NAMES = [
  'msec',
  'access_log_topic_id',
  'time_iso8601',
  'log_ver',
  'remote_addr:remote_port',
  'status',
  'request',
  'request_length',
  'bytes_sent',
  'body_bytes_sent',
  'request_time',
  'upstream_status',
  'upstream_connect_time',
  'upstream_header_time',
  'upstream_response_time',
  'upstream_addr',
  'http_user_agent',
  'http_referer',
  'http_x_forwarded_for',
  'lb_name',
  'listener_name',
  'listener_id',
  'pool_name',
  'member_name',
  'tenant_id',
  'eip_address:eip_port',
  'upstream_addr_priv',
  'certificate_id',
  'ssl_protocol',
  'ssl_cipher',
  'sni_domain_name',
  'tcpinfo_rtt',
  'self_defined_header',
] as const;

/** The fields up to and including `upstream_addr` must be there; later ones may be missing. */
const REQUIRED_FIELDS = 16;

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function opt(v: string | undefined): string | null {
  if (v === undefined || v === '-' || v === '') return null;
  return unescapeNginx(v);
}

function num(v: string | undefined, field: string, integer = false): number | null {
  if (v === undefined || v === '-' || v === '') return null;
  const x = Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new FieldError(field, `"${v}" is not a ${integer ? 'whole number' : 'number'}`);
  }
  return x;
}

/** Splits `host:port` from the right, so IPv6 (`[::1]:80` or `::1:80`) keeps its colons. */
function hostPort(v: string, field: string): { host: string | null; port: number | null } {
  const k = v.lastIndexOf(':');
  if (k < 0) throw new FieldError(field, `"${v}" is not address:port`);
  const host = v.slice(0, k).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '-' || host === '' ? null : host, port: num(v.slice(k + 1), field, true) };
}

/** nginx separates attempts with ", " and internal redirects with " : ". */
function attempts(v: string): string[] {
  if (v === '-' || v === '') return [];
  return v.split(/\s*,\s*|\s+:\s+/);
}

function parseUpstream(t: string[]): UpstreamAttempt[] {
  const status = attempts(t[11] ?? '-');
  const connect = attempts(t[12] ?? '-');
  const header = attempts(t[13] ?? '-');
  const response = attempts(t[14] ?? '-');
  const addr = attempts(t[15] ?? '-');
  const count = Math.max(status.length, connect.length, header.length, response.length, addr.length);
  const out: UpstreamAttempt[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      status: num(status[i], 'upstream_status', true),
      connectTime: num(connect[i], 'upstream_connect_time'),
      headerTime: num(header[i], 'upstream_header_time'),
      responseTime: num(response[i], 'upstream_response_time'),
      addr: addr[i] ?? '-',
    });
  }
  return out;
}

function parseRequest(
  v: string,
): Pick<ElbAccessLogRecord, 'method' | 'scheme' | 'host' | 'uri' | 'protocol'> {
  const m = /^(\S+) (?:([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/\s]*))?(\S*) (\S+)$/.exec(v);
  if (!m) throw new FieldError('request', `"${v}" is not "METHOD scheme://host/uri PROTOCOL"`);
  return { method: m[1] ?? '', scheme: m[2] ?? '', host: m[3] ?? '', uri: m[4] ?? '', protocol: m[5] ?? '' };
}

/** One line; `lineNumber` and `file` only locate errors. */
export function parseElbAccessLogLine(line: string, lineNumber = 1, file?: string): ElbAccessLogRecord {
  const at = (field: string | undefined, message: string) =>
    new InputError(`access log line ${lineNumber} cannot be read: ${message}`, [
      { ...(file ? { file } : {}), line: lineNumber, ...(field ? { field } : {}), message },
    ]);
  let t: string[];
  try {
    t = tokenizeAccessLogLine(line.replace(/\r?\n$/, ''));
  } catch (err) {
    throw at(undefined, (err as Error).message);
  }
  if (t.length < REQUIRED_FIELDS) {
    throw at(
      FIELD_NAMES[t.length],
      `only ${t.length} fields; an ELB access-log line has ${FIELD_NAMES.length} (missing ${FIELD_NAMES[t.length]})`,
    );
  }
  try {
    const msec = num(t[0], 'msec');
    const status = num(t[5], 'status', true);
    if (msec === null) throw new FieldError('msec', 'missing');
    if (status === null) throw new FieldError('status', 'missing');
    const remote = hostPort(t[4] ?? '', 'remote_addr:remote_port');
    const eip = t[25] === undefined ? { host: null, port: null } : hostPort(t[25], 'eip_address:eip_port');
    return {
      msec,
      topicId: opt(t[1]),
      time: t[2] ?? '',
      logVersion: t[3] ?? '',
      clientAddress: remote.host ?? '',
      clientPort: remote.port,
      status,
      ...parseRequest(unescapeNginx(t[6] ?? '')),
      requestLength: num(t[7], 'request_length', true),
      bytesSent: num(t[8], 'bytes_sent', true),
      bodyBytesSent: num(t[9], 'body_bytes_sent', true),
      requestTime: num(t[10], 'request_time'),
      upstream: parseUpstream(t),
      userAgent: opt(t[16]),
      referer: opt(t[17]),
      xForwardedFor: opt(t[18]),
      lbName: opt(t[19]),
      listenerName: opt(t[20]),
      listenerId: opt(t[21]),
      poolName: opt(t[22]),
      memberName: opt(t[23]),
      tenantId: opt(t[24]),
      eipAddress: eip.host,
      eipPort: eip.port,
      upstreamAddrPriv: opt(t[26]),
      certificateId: opt(t[27]),
      sslProtocol: opt(t[28]),
      sslCipher: opt(t[29]),
      sniDomainName: opt(t[30]),
      tcpinfoRtt: num(t[31], 'tcpinfo_rtt'),
      selfDefinedHeader: opt(t[32]),
    };
  } catch (err) {
    if (err instanceof FieldError) throw at(err.field, `${err.field}: ${err.message}`);
    throw err;
  }
}

export interface ParsedAccessLog {
  records: ElbAccessLogRecord[];
  /** Lines that could not be read; the rest are still returned. */
  errors: InputError[];
}

/** A whole log: blank lines skipped, every unreadable line reported with its number. */
export function parseElbAccessLog(text: string, file?: string): ParsedAccessLog {
  const records: ElbAccessLogRecord[] = [];
  const errors: InputError[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(parseElbAccessLogLine(line, i + 1, file));
    } catch (err) {
      if (err instanceof InputError) errors.push(err);
      else throw err;
    }
  });
  return { records, errors };
}
