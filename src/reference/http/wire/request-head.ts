// Syntax of a request head (RFC 9112 3, 5) for the raw-socket HTTP listener.
// This is the first half of the request-smuggling defence: every line is cut
// exactly where RFC 9112 says, and anything two parsers could read two ways
// (space before the colon, obs-fold, bare LF, a request line with extra parts)
// is refused here with a 400 (FAQ 1.5). The meaning of the headers
// (Content-Length, Transfer-Encoding, Host, control bytes in values) is
// checkRequest's job, on the head this returns.

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** RFC 9110 5.6.2 tchar: "!#$%&'*+-.^_`|~" DIGIT ALPHA. One table lookup per byte. */
export const TCHAR: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const c of "!#$%&'*+-.^_`|~") t[c.charCodeAt(0)] = 1;
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  return t;
})();

/** Node's Buffer has a direct latin1 slicer (what toString('latin1') dispatches to); @types/node does not declare it. */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as Latin1Buffer).latin1Slice(start, end);
}

export interface RequestHead {
  method: string; // token chars only (RFC 9110 tchar)
  target: string; // as received (latin1)
  versionMajor: number; // digits of HTTP/x.y
  versionMinor: number;
  /** Flat [name, value, name, value, …]: names as received (case kept), values with leading/trailing SP/HT trimmed. latin1 strings. */
  rawHeaders: string[];
  /** The field names lower-cased, one per header (names[k] is rawHeaders[2k]): lower-cased once, here. */
  names: string[];
  /** Bytes of the head, CRLF CRLF included (end - start). */
  headBytes: number;
}

export type ParseResult<T> = { ok: true; head: T } | { ok: false; reason: string };

/** True when s[at, at+8) is "HTTP/d.d". */
export function isHttpVersion(s: string, at: number): boolean {
  return (
    s.startsWith('HTTP/', at) &&
    isDigit(s.charCodeAt(at + 5)) &&
    s.charCodeAt(at + 6) === 0x2e &&
    isDigit(s.charCodeAt(at + 7))
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** At most 64 chars of a header name (token bytes, safe to log). */
function shortName(s: string, start: number, end: number): string {
  return s.slice(start, Math.min(end, start + 64));
}

function hex(c: number): string {
  return `0x${c.toString(16).padStart(2, '0')}`;
}

/** Index of the CR of the CRLF ending the line that starts at `from`, or a reason when the line has no proper end. */
export function lineEnd(s: string, from: number): number | string {
  const lf = s.indexOf('\n', from);
  if (lf === -1) return 'head does not end in CRLF';
  if (lf === from || s.charCodeAt(lf - 1) !== CR) return 'bare LF line ending';
  return lf - 1;
}

/**
 * Field lines of the head `s` (one latin1 char per byte) from `pos` up to and including the empty line
 * that must end `s` (RFC 9112 5). Pushes name, value pairs to `out`. `strictValues`: refuse control
 * bytes other than HT in values (responses); requests keep them so checkRequest can answer with its
 * own reason. Returns null or the reason the section is malformed.
 */
export function parseFieldLines(
  s: string,
  pos: number,
  out: string[],
  strictValues: boolean,
  names: string[],
): string | null {
  const end = s.length;
  let p = pos;
  for (;;) {
    if (p >= end) return 'head does not end in an empty line';
    const first = s.charCodeAt(p);
    if (first === CR) {
      // The empty line: it must be the last thing in the head.
      if (s.charCodeAt(p + 1) !== LF) return 'bare CR in header section';
      return p + 2 === end ? null : 'bytes after the end of the header section';
    }
    // RFC 9112 5.2: obs-fold is obsolete; a proxy may reject it, and we do, since a
    // folded Transfer-Encoding is read differently by different parsers.
    if (first === SP || first === HT) return 'obs-fold in header section';
    const cr = lineEnd(s, p);
    if (typeof cr === 'string') return cr;
    let i = p;
    while (i < cr && TCHAR[s.charCodeAt(i)] === 1) i++;
    const c = s.charCodeAt(i);
    // Reasons name the header (token bytes only, cut short) and never quote a value: they go to access logs.
    if (i === cr) return `header line without a colon ("${shortName(s, p, i)}…")`;
    if (c !== COLON) {
      // RFC 9112 5.1: no whitespace between name and colon; a server must reject it (400).
      if (c === SP || c === HT)
        return `space before the colon in header "${shortName(s, p, i)}${c === SP ? ' ' : '\\t'}"`;
      return `invalid byte ${hex(c)} in header name "${shortName(s, p, i)}"`;
    }
    if (i === p) return 'empty header name';
    let vs = i + 1;
    let ve = cr;
    let b = s.charCodeAt(vs);
    while (vs < ve && (b === SP || b === HT)) b = s.charCodeAt(++vs);
    b = s.charCodeAt(ve - 1);
    while (ve > vs && (b === SP || b === HT)) b = s.charCodeAt(--ve - 1);
    if (strictValues) {
      for (let k = vs; k < ve; k++) {
        const v = s.charCodeAt(k);
        if ((v < SP && v !== HT) || v === 0x7f)
          return `control byte ${hex(v)} in header "${shortName(s, p, i)}"`;
      }
    }
    const name = s.slice(p, i);
    out.push(name, s.slice(vs, ve));
    names.push(name.toLowerCase());
    p = cr + 2;
  }
}

/** Parses buf[start, end) where end is findHeadEnd's result. Syntax only (semantic checks are checkRequest's):
 *  request line = method SP target SP HTTP/d.d exactly (one SP each, no extra parts, target non-empty without
 *  CTL (< 0x21 or 0x7f) bytes); header line = field-name ":" OWS value OWS, name a non-empty token (so a space or tab
 *  before the colon is an error: "Transfer-Encoding : chunked" → error); a line starting with SP/HT (obs-fold) is an error;
 *  a line without ':' is an error. Values keep every other byte as is (checkRequest rejects control/non-ASCII bytes later with its own reason). */
export function parseRequestHead(buf: Buffer, start: number, end: number): ParseResult<RequestHead> {
  // One native call turns the head into a string (one char per byte); everything after runs in JIT code,
  // cheaper than a native indexOf/slice per line.
  const s = latin1(buf, start, end);
  const cr = lineEnd(s, 0);
  if (typeof cr === 'string') return { ok: false, reason: cr };
  // RFC 9112 3: request-line = method SP request-target SP HTTP-version, single spaces.
  let i = 0;
  while (i < cr && TCHAR[s.charCodeAt(i)] === 1) i++;
  if (i === 0 || s.charCodeAt(i) !== SP) return { ok: false, reason: 'malformed request line (method)' };
  const methodEnd = i;
  const targetStart = ++i;
  for (; i < cr; i++) {
    const c = s.charCodeAt(i);
    if (c <= SP || c === 0x7f) break;
  }
  if (i === targetStart) return { ok: false, reason: 'malformed request line (empty target)' };
  if (s.charCodeAt(i) !== SP) {
    return {
      ok: false,
      reason: i === cr ? 'malformed request line (no version)' : 'control byte in request target',
    };
  }
  const targetEnd = i;
  // What follows the second SP is exactly HTTP/d.d, then the line end: no third part, no trailing space.
  if (cr - (i + 1) !== 8 || !isHttpVersion(s, i + 1)) {
    return { ok: false, reason: 'malformed request line (version)' };
  }
  const rawHeaders: string[] = [];
  const names: string[] = [];
  const err = parseFieldLines(s, cr + 2, rawHeaders, false, names);
  if (err !== null) return { ok: false, reason: err };
  return {
    ok: true,
    head: {
      method: s.slice(0, methodEnd),
      target: s.slice(targetStart, targetEnd),
      versionMajor: s.charCodeAt(i + 6) - 0x30,
      versionMinor: s.charCodeAt(i + 8) - 0x30,
      rawHeaders,
      names,
      headBytes: end - start,
    },
  };
}
