// Finding where an HTTP/1.1 message head ends in a growing buffer, and the two
// questions the connection state machine asks around it (RFC 9112 2.2, 3;
// FAQ 1.5: a malformed request is answered 400, a too-long URI 414). Work stays
// on bytes: the head is scanned once per arriving packet, never converted to a string.

const CR = 0x0d;
const LF = 0x0a;

/** Where a message head ends in `buf`: the index just past the first CRLF CRLF, searching from `from`
 *  (the caller passes the previous buffer length - 3 so a growing buffer is not rescanned).
 *  'bare-lf': a LF not preceded by CR was seen before the end (RFC 9112 allows rejecting it; we do: 400).
 *  -1: not complete yet.
 *  Leading empty lines (see leadingEmptyLines) are never taken for the end, whatever `from` is. */
export function findHeadEnd(buf: Buffer, from: number): number | 'bare-lf' {
  // Every LF is looked at exactly once: the byte before it decides bare-lf, the
  // three before it decide the end. Starting up to 3 bytes back (the caller's
  // length - 3) lets an end split across packets be seen.
  let i = buf.indexOf(LF, Math.max(from, 0));
  while (i !== -1) {
    if (i === 0 || buf[i - 1] !== CR) return 'bare-lf';
    if (i >= 3 && buf[i - 2] === LF && buf[i - 3] === CR) {
      // "\r\n\r\n" made only of leading empty lines is not a head (RFC 9112 2.2): keep looking.
      if (leadingEmptyLines(buf) < i + 1) return i + 1;
    }
    i = buf.indexOf(LF, i + 1);
  }
  return -1;
}

/** Leading empty lines (CRLF) before a request line are ignored (RFC 9112 2.2): how many bytes to skip at the start. */
export function leadingEmptyLines(buf: Buffer): number {
  let i = 0;
  // Only CRLF pairs: a lone LF is left for findHeadEnd to call bare-lf.
  while (i + 1 < buf.length && buf[i] === CR && buf[i + 1] === LF) i += 2;
  return i;
}

/** The head grew past `maxHeadBytes` without ending: 414 when the request line alone (the bytes before the first CRLF, or all of them if there is none) is longer than `maxUriBytes`, else 400. */
export function oversizedHeadStatus(buf: Buffer, maxUriBytes: number): 400 | 414 {
  // Leading empty lines are not part of the request line (RFC 9112 2.2).
  const start = leadingEmptyLines(buf);
  const lineEnd = buf.indexOf('\r\n', start, 'latin1');
  const lineBytes = (lineEnd === -1 ? buf.length : lineEnd) - start;
  // FAQ 1.5: ELB answers 414 for a request URI that is too long and 400 for a header section over its limit;
  // the request line is what holds the URI, so its length is what tells the two apart.
  return lineBytes > maxUriBytes ? 414 : 400;
}
