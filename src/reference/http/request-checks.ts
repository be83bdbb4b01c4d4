// Request framing checks before anything reaches a backend: the defences
// against request smuggling (conflicting or malformed Content-Length and
// Transfer-Encoding, HAProxy's TE/CL matrix) and ELB's own status codes for bad
// requests (FAQ 1.5: 400, 413, 414, 501). The wire parser (wire/request-head.ts)
// refuses what is not HTTP/1.x syntax; these are the semantic checks on what it
// parsed, so every case gets a deliberate answer.
import type { RequestHead } from './wire/request-head.js';

/**
 * Longest request target we accept. ELB does not publish its limit; 32 KiB sits
 * well under the 64 KB header limit (FAQ 1.5), so a too-long URI gets 414 and
 * not the 400 of an oversized header section.
 */
export const MAX_URI_BYTES = 32 * 1024;

/** Longest Content-Length we read: 15 digits, far above the 10 GB body limit, safe as a JS number. */
const MAX_CL_DIGITS = 15;

export type RequestVerdict =
  | {
      ok: true;
      /** The body length, forwarded as the client wrote it (leading zeros are refused), or null: chunked or no body. */
      contentLength: number | null;
      chunked: boolean;
    }
  | { ok: false; status: 400 | 413 | 414 | 501; reason: string };

/** Header bytes a header name or value may hold: visible ASCII, space and tab in values. */
function badByte(s: string, isName: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || c === 0x7f) return true;
    if (c < 0x20 && (isName || c !== 0x09)) return true;
    if (isName && c === 0x20) return true;
  }
  return false;
}

function transferCodings(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase());
}

/** The TE rule: only chunked and identity are understood (FAQ 1.5: anything else is 501). */
export function checkTransferEncoding(values: readonly string[]): RequestVerdict | null {
  if (values.length === 0) return null;
  const codings = transferCodings(values);
  const unknown = codings.filter((c) => c !== 'chunked' && c !== 'identity');
  if (unknown.length > 0) {
    return {
      ok: false,
      status: 501,
      reason: `Transfer-Encoding "${unknown.join(', ')}" is not chunked or identity`,
    };
  }
  const chunked = codings.filter((c) => c === 'chunked').length;
  if (chunked !== 1 || codings.at(-1) !== 'chunked') {
    return {
      ok: false,
      status: 400,
      reason: `Transfer-Encoding "${values.join(', ')}" must end with one chunked`,
    };
  }
  return { ok: true, contentLength: null, chunked: true };
}

export function checkRequest(
  req: Pick<RequestHead, 'versionMajor' | 'versionMinor' | 'rawHeaders' | 'names' | 'target'>,
  limits: { bodyLimit: number; maxHeaderBytes?: number },
): RequestVerdict {
  if (req.versionMajor !== 1 || req.versionMinor > 1) {
    return {
      ok: false,
      status: 400,
      reason: `HTTP/${req.versionMajor}.${req.versionMinor} on an HTTP/1.x listener`,
    };
  }
  const raw = req.rawHeaders;
  const te: string[] = [];
  const cl: string[] = [];
  let hosts = 0;
  let headerBytes = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    headerBytes += name.length + value.length + 4;
    if (badByte(name, true) || badByte(value, false)) {
      return { ok: false, status: 400, reason: `header "${name}" holds a non-ASCII or control byte` };
    }
    const lower = req.names[i >> 1];
    if (lower === 'transfer-encoding') te.push(value);
    else if (lower === 'content-length') cl.push(value);
    else if (lower === 'host') hosts++;
  }
  // RFC 9112 3.2: exactly one Host in HTTP/1.1; two are a classic routing confusion.
  if (hosts > 1) return { ok: false, status: 400, reason: 'more than one Host header' };
  if (hosts === 0 && req.versionMinor >= 1)
    return { ok: false, status: 400, reason: 'HTTP/1.1 request without Host' };
  if (req.target.length > MAX_URI_BYTES) {
    return { ok: false, status: 414, reason: `request target longer than ${MAX_URI_BYTES} bytes` };
  }
  if (limits.maxHeaderBytes !== undefined && headerBytes > limits.maxHeaderBytes) {
    return {
      ok: false,
      status: 400,
      reason: `request header section larger than ${limits.maxHeaderBytes} bytes`,
    };
  }
  if (te.length > 0) {
    // RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 request means the framing cannot be trusted.
    if (req.versionMinor === 0)
      return { ok: false, status: 400, reason: 'Transfer-Encoding in an HTTP/1.0 request' };
    if (cl.length > 0) return { ok: false, status: 400, reason: 'both Content-Length and Transfer-Encoding' };
    const verdict = checkTransferEncoding(te);
    if (verdict) return verdict;
  }
  if (cl.length > 1) return { ok: false, status: 400, reason: 'more than one Content-Length' };
  if (cl.length === 1) {
    const v = (cl[0] ?? '').trim();
    if (!/^\d+$/.test(v) || v.length > MAX_CL_DIGITS + 5) {
      return { ok: false, status: 400, reason: `Content-Length "${v}" is not a decimal number` };
    }
    // Leading zeros ("010") are refused, never re-read: nginx forwards "010" as "10", but a backend that
    // reads it as octal (8) would take the last bytes for a second request. Passing it on as written
    // leaves that same ambiguity to the backend, so only a refusal keeps both sides on one framing.
    if (v.length > 1 && v.startsWith('0')) {
      return { ok: false, status: 400, reason: `Content-Length "${v}" has leading zeros` };
    }
    if (v.length > MAX_CL_DIGITS)
      return { ok: false, status: 413, reason: `Content-Length ${v} is too large` };
    const n = Number(v);
    if (n > limits.bodyLimit) {
      return {
        ok: false,
        status: 413,
        reason: `Content-Length ${n} exceeds the body limit of ${limits.bodyLimit} bytes`,
      };
    }
    return { ok: true, contentLength: n, chunked: false };
  }
  return { ok: true, contentLength: null, chunked: false };
}
