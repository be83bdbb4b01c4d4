// A backend web server's own access log: nginx's default `combined` format and
// Apache's `common` and `combined` (FAQ 2.7: the lines health checks leave
// there). Pure: text in, records out; nothing is read here.
//
//   common    %h %l %u %t "%r" %>s %b
//             127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326
//   combined  common + "%{Referer}i" "%{User-Agent}i"; nginx writes the same fields
//             ($remote_addr - $remote_user [$time_local] "$request" $status
//             $body_bytes_sent "$http_referer" "$http_user_agent").
//
// Fields after the user agent (nginx's `main` adds "$http_x_forwarded_for")
// are allowed and ignored. The time may carry a fraction of a second
// ([10/Oct/2000:13:55:36.123 -0700], Apache's %{msec_frac}t); without one the
// log has whole seconds. nginx escapes a quote inside a field as \x22, Apache
// as \": both are read back.

export type WebAccessFormat = 'combined' | 'common';

export interface WebAccessRecord {
  /** Line number in the text, from 1. */
  line: number;
  format: WebAccessFormat;
  /** The client address as the server logged it (%h, $remote_addr). */
  source: string;
  /** %u / $remote_user; null for "-". */
  user: string | null;
  /** The bracketed time as written. */
  timeText: string;
  /** The same time in epoch seconds (with the fraction when the log has one). */
  time: number;
  /** Whether the time has a fraction of a second. */
  subSecond: boolean;
  /** The request line as logged ("GET /health HTTP/1.1", or whatever a client sent). */
  request: string;
  /** Method, target and protocol; null when the request line is not "METHOD TARGET [PROTOCOL]". */
  method: string | null;
  target: string | null;
  protocol: string | null;
  status: number;
  /** Response bytes; null for "-" (Apache writes "-" for none). */
  bytes: number | null;
  /** combined only; null for "-". */
  referer?: string | null;
  userAgent?: string | null;
}

export interface UnparsedLine {
  line: number;
  text: string;
}

export interface WebAccessLog {
  records: WebAccessRecord[];
  unparsed: UnparsedLine[];
  /** Non-empty lines in the text. */
  lines: number;
}

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const LINE = new RegExp(
  String.raw`^(\S+) (\S+) (\S+) \[([^\]]+)\] ${QUOTED} (\d{3}) (\d+|-)(?: ${QUOTED} ${QUOTED}(?: .*)?)?\s*$`,
);
const TIME =
  /^(\d{2})\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})? ([+-])(\d{2})(\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `10/Oct/2000:13:55:36 -0700` (optionally `…:36.123 -0700`) in epoch seconds; undefined when it is not one. */
export function parseLogTime(text: string): { time: number; subSecond: boolean } | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [, dd, mon, yyyy, hh, mi, ss, frac, sign, oh, om] = m;
  const day = Number(dd);
  const hour = Number(hh);
  const minute = Number(mi);
  const second = Number(ss);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const utc = Date.UTC(Number(yyyy), MONTHS.indexOf(mon!), day, hour, minute, second) / 1000;
  const offset = (Number(oh) * 60 + Number(om)) * 60 * (sign === '-' ? -1 : 1);
  return { time: utc - offset + (frac ? Number(frac) : 0), subSecond: frac !== undefined };
}

/** A logged field: "-" is null; nginx's \xHH and Apache's \" \\ escapes undone. */
function field(raw: string): string | null {
  if (raw === '-') return null;
  return unescapeField(raw);
}

function unescapeField(raw: string): string {
  return raw.replace(
    /\\x([0-9A-Fa-f]{2})|\\(["\\])/g,
    (_, hex: string | undefined, ch: string | undefined) =>
      hex ? String.fromCharCode(Number.parseInt(hex, 16)) : ch!,
  );
}

/** One access-log line, or undefined when it is neither common nor combined. */
export function parseWebAccessLine(text: string, line = 1): WebAccessRecord | undefined {
  const m = LINE.exec(text);
  if (!m) return undefined;
  const [, source, , user, timeText, requestRaw, status, bytes, referer, userAgent] = m;
  const t = parseLogTime(timeText!);
  if (!t) return undefined;
  const request = unescapeField(requestRaw!);
  const parts = /^([A-Z][A-Z0-9_-]*) (\S+)(?: (\S+))?$/.exec(request);
  const rec: WebAccessRecord = {
    line,
    format: referer === undefined ? 'common' : 'combined',
    source: source!,
    user: field(user!),
    timeText: timeText!,
    time: t.time,
    subSecond: t.subSecond,
    request,
    method: parts ? parts[1]! : null,
    target: parts ? parts[2]! : null,
    protocol: parts ? (parts[3] ?? null) : null,
    status: Number(status),
    bytes: bytes === '-' ? null : Number(bytes),
  };
  if (referer !== undefined) {
    rec.referer = field(referer);
    rec.userAgent = field(userAgent!);
  }
  return rec;
}

/** Every non-empty line of an access log: the ones that parse, and the ones that do not. */
export function parseWebAccessLog(text: string): WebAccessLog {
  const records: WebAccessRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  let lines = 0;
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    if (l.trim() === '') return;
    lines++;
    const rec = parseWebAccessLine(l, i + 1);
    if (rec) records.push(rec);
    else unparsed.push({ line: i + 1, text: l });
  });
  return { records, unparsed, lines };
}

/** The path of a request target: "/health?x=1" → "/health"; an absolute URI's path ("http://h/health" → "/health"). */
export function targetPath(target: string): string {
  let t = target;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(t);
  if (abs) t = abs[1] ?? '/';
  const q = t.search(/[?#]/);
  return q < 0 ? t : t.slice(0, q);
}
