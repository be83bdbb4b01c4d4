// A backend's response head (RFC 9112 4, 5) and how its body is framed (RFC 9112 6.3).
// A proxy that forwards a response it read differently from the client becomes a
// response-splitting/desync vector, so anything ambiguous here is a malformed
// response: the client gets ELB's 502 (FAQ 1.5) rather than the backend's bytes.

import { isHttpVersion, latin1, lineEnd, type ParseResult, parseFieldLines } from './request-head.js';

const SP = 0x20;
const HT = 0x09;

export interface ResponseHead {
  versionMajor: number;
  versionMinor: number;
  status: number; // 3 digits, 100..999
  reason: string; // may be empty
  rawHeaders: string[]; // as in RequestHead
  names: string[]; // as in RequestHead
  headBytes: number;
}

/** Parses a backend's status line and headers, buf[start, end). Stricter than for requests where a proxy must be:
 *  status line "HTTP/1.x SP 3DIGIT [SP reason]" (reason: no CTL except HT); header names tokens; values: no CTL except HT
 *  (obs-text 0x80-0xff allowed, as Node's writeHead allows it); obs-fold, bare CR, missing colon → error. Any error means the
 *  caller answers the client 502 (FAQ 1.5: malformed response). */
export function parseResponseHead(buf: Buffer, start: number, end: number): ParseResult<ResponseHead> {
  // One native call for the whole head, then JIT-compiled string work (see parseRequestHead).
  const s = latin1(buf, start, end);
  const cr = lineEnd(s, 0);
  if (typeof cr === 'string') return { ok: false, reason: cr };
  // "HTTP/1.x" SP 3DIGIT: 12 bytes at least.
  if (cr < 12 || !isHttpVersion(s, 0) || s.charCodeAt(5) !== 0x31 || s.charCodeAt(8) !== SP) {
    return { ok: false, reason: 'malformed status line' };
  }
  const d0 = s.charCodeAt(9) - 0x30;
  const d1 = s.charCodeAt(10) - 0x30;
  const d2 = s.charCodeAt(11) - 0x30;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
    return { ok: false, reason: 'malformed status code' };
  }
  let reason = '';
  if (cr > 12) {
    if (s.charCodeAt(12) !== SP) return { ok: false, reason: 'malformed status code' };
    for (let k = 13; k < cr; k++) {
      const c = s.charCodeAt(k);
      if ((c < SP && c !== HT) || c === 0x7f) return { ok: false, reason: 'control byte in reason phrase' };
    }
    reason = s.slice(13, cr);
  }
  const rawHeaders: string[] = [];
  const names: string[] = [];
  const err = parseFieldLines(s, cr + 2, rawHeaders, true, names);
  if (err !== null) return { ok: false, reason: err };
  return {
    ok: true,
    head: {
      versionMajor: 1,
      versionMinor: s.charCodeAt(7) - 0x30,
      status: d0 * 100 + d1 * 10 + d2,
      reason,
      rawHeaders,
      names,
      headBytes: end - start,
    },
  };
}

export type BodyFraming =
  | { kind: 'none' } // HEAD request, 1xx, 204, 304
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'close' }; // read until the backend closes

const NONE: BodyFraming = { kind: 'none' };
const CHUNKED: BodyFraming = { kind: 'chunked' };
const CLOSE: BodyFraming = { kind: 'close' };

/** Comma-separated list elements of one header, trimmed, empty elements dropped (RFC 9110 5.6.1). */
function listElements(value: string, into: string[]): void {
  if (value.indexOf(',') < 0) {
    // One element, the usual case: no array from split.
    const t = value.trim();
    if (t !== '') into.push(t);
    return;
  }
  for (const part of value.split(',')) {
    const t = part.trim();
    if (t !== '') into.push(t);
  }
}

/** RFC 9112 6.3 for a response to `requestMethod`. Errors (→ 502): Content-Length and Transfer-Encoding together;
 *  several Content-Length values that differ (identical duplicates, also "5, 5", are accepted); a Content-Length that is
 *  not 1*DIGIT, has leading zeros, or is above Number.MAX_SAFE_INTEGER; Transfer-Encoding in an HTTP/1.0 response (RFC 9112 6.1).
 *  Transfer-Encoding whose last coding is chunked → chunked; other Transfer-Encoding → close. */
export function responseFraming(head: ResponseHead, requestMethod: string): BodyFraming | { error: string } {
  const s = head.status;
  // RFC 9112 6.3 rule 1: these never have a body, whatever their headers say.
  if (requestMethod === 'HEAD' || (s >= 100 && s < 200) || s === 204 || s === 304) return NONE;
  const raw = head.rawHeaders;
  let te: string[] | null = null;
  let cl: string[] | null = null;
  const names = head.names;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = names[i >> 1];
    if (name === 'transfer-encoding') {
      te ??= [];
      listElements(raw[i + 1]!, te);
    } else if (name === 'content-length') {
      cl ??= [];
      // An empty Content-Length is not 1*DIGIT: keep it so it is refused below.
      if (raw[i + 1]!.trim() === '') cl.push('');
      else listElements(raw[i + 1]!, cl);
    }
  }
  // RFC 9112 6.3 rule 3: both present is a smuggling attempt or a broken backend; a proxy must not forward it.
  if (te !== null && cl !== null) return { error: 'response has both Content-Length and Transfer-Encoding' };
  // RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 message means its framing is faulty (it may come from
  // an HTTP/1.0 hop that did not decode it); no reading of the body can be trusted.
  if (te !== null && head.versionMinor === 0) return { error: 'Transfer-Encoding in an HTTP/1.0 response' };
  if (te !== null) {
    // Rule 4: chunked last → chunked; otherwise the body runs until the backend closes.
    return te.length > 0 && te[te.length - 1]!.toLowerCase() === 'chunked' ? CHUNKED : CLOSE;
  }
  if (cl !== null) {
    let length = -1;
    for (const v of cl) {
      if (!/^\d+$/.test(v)) return { error: `response Content-Length "${v}" is not a decimal number` };
      // Refused, not re-read (see request-checks.ts): the client must get the length exactly as the member framed it.
      if (v.length > 1 && v.startsWith('0'))
        return { error: `response Content-Length "${v}" has leading zeros` };
      const n = Number(v);
      if (n > Number.MAX_SAFE_INTEGER) return { error: `response Content-Length ${v} is too large` };
      if (length !== -1 && n !== length) return { error: 'response has differing Content-Length values' };
      length = n;
    }
    if (length === -1) return { error: 'response Content-Length is empty' };
    return { kind: 'length', length };
  }
  // Rule 7: no framing at all — the body is whatever arrives until the backend closes.
  return CLOSE;
}

/** True when the backend allows reusing its connection after this response: HTTP/1.1 without a `close` token in
 *  Connection, or HTTP/1.0 with a `keep-alive` token; and framing is not 'close'. */
export function responseKeepsConnection(head: ResponseHead, framing: BodyFraming): boolean {
  if (framing.kind === 'close' || head.versionMajor !== 1) return false;
  let close = false;
  let keepAlive = false;
  const raw = head.rawHeaders;
  const names = head.names;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (names[i >> 1] !== 'connection') continue;
    const tokens: string[] = [];
    listElements(raw[i + 1]!.toLowerCase(), tokens);
    for (const t of tokens) {
      if (t === 'close') close = true;
      else if (t === 'keep-alive') keepAlive = true;
    }
  }
  if (close) return false;
  return head.versionMinor >= 1 || keepAlive;
}
