import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../../src/reference/http/request-checks.js';
import {
  findHeadEnd,
  leadingEmptyLines,
  oversizedHeadStatus,
} from '../../../src/reference/http/wire/head-end.js';
import { parseRequestHead, type RequestHead } from '../../../src/reference/http/wire/request-head.js';

const b = (s: string) => Buffer.from(s, 'latin1');
/** Lines joined with CRLF, ending with the empty line. */
const head = (...lines: string[]) => b(`${lines.join('\r\n')}\r\n\r\n`);

function parse(buf: Buffer): ReturnType<typeof parseRequestHead> {
  const start = leadingEmptyLines(buf);
  const end = findHeadEnd(buf, start);
  if (typeof end !== 'number' || end < 0) throw new Error(`head not complete: ${end}`);
  return parseRequestHead(buf, start, end);
}

function ok(buf: Buffer): RequestHead {
  const r = parse(buf);
  if (!r.ok) throw new Error(`unexpected error: ${r.reason}`);
  return r.head;
}

function reason(buf: Buffer): string {
  const r = parse(buf);
  if (r.ok) throw new Error('expected a syntax error');
  return r.reason;
}

describe('findHeadEnd', () => {
  it('finds the index just past CRLF CRLF, and -1 before it', () => {
    const buf = b('GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY');
    expect(findHeadEnd(buf, 0)).toBe(buf.length - 4);
    expect(findHeadEnd(b('GET / HTTP/1.1\r\nHost: a\r\n'), 0)).toBe(-1);
    expect(findHeadEnd(b(''), 0)).toBe(-1);
  });

  it('finds an end split across packets when the caller rescans from length - 3', () => {
    const full = b('GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n');
    const expected = full.length;
    // Every split point: first call on the prefix, then on the whole buffer from prefix length - 3.
    for (let cut = 0; cut < full.length; cut++) {
      const prefix = full.subarray(0, cut);
      expect(findHeadEnd(prefix, 0)).toBe(-1);
      expect(findHeadEnd(full, cut - 3)).toBe(expected);
    }
  });

  it('reports a bare LF before the end, wherever the search starts', () => {
    expect(findHeadEnd(b('GET / HTTP/1.1\nHost: a\n\n'), 0)).toBe('bare-lf');
    expect(findHeadEnd(b('GET / HTTP/1.1\r\nHost: a\n\r\n'), 0)).toBe('bare-lf');
    expect(findHeadEnd(b('\nGET'), 0)).toBe('bare-lf');
    const buf = b('GET / HTTP/1.1\r\nX: a\nb\r\n\r\n');
    expect(findHeadEnd(buf, 17)).toBe('bare-lf');
    // A bare LF after the end belongs to the body: not looked at.
    expect(findHeadEnd(b('GET / HTTP/1.1\r\n\r\n\n'), 0)).toBe(18);
  });

  it('does not take leading empty lines for an end, whatever the starting offset', () => {
    expect(findHeadEnd(b('\r\n\r\n'), 0)).toBe(-1);
    expect(findHeadEnd(b('\r\n\r\n\r\nGET'), 0)).toBe(-1);
    const buf = b('\r\n\r\nGET / HTTP/1.1\r\n\r\n');
    expect(findHeadEnd(buf, -1)).toBe(buf.length);
    expect(findHeadEnd(buf, 1)).toBe(buf.length);
  });

  it('does not take CR LF LF or CR CR LF for an end', () => {
    expect(findHeadEnd(b('GET / HTTP/1.1\r\r\n'), 0)).toBe(-1);
    expect(findHeadEnd(b('GET / HTTP/1.1\r\n\n'), 0)).toBe('bare-lf');
  });
});

describe('leadingEmptyLines', () => {
  it('counts CRLF pairs at the start only', () => {
    expect(leadingEmptyLines(b('GET'))).toBe(0);
    expect(leadingEmptyLines(b('\r\n\r\nGET'))).toBe(4);
    expect(leadingEmptyLines(b('\r\n\r'))).toBe(2);
    expect(leadingEmptyLines(b('\n\r\n'))).toBe(0);
  });
});

describe('oversizedHeadStatus', () => {
  it('414 when the request line alone is longer than the URI limit', () => {
    const longLine = b(`GET /${'a'.repeat(100)} HTTP/1.1\r\nHost: a\r\n`);
    expect(oversizedHeadStatus(longLine, 50)).toBe(414);
    // No CRLF yet: the whole buffer is the request line.
    expect(oversizedHeadStatus(b(`GET /${'a'.repeat(100)}`), 50)).toBe(414);
  });

  it('400 when the request line fits and the headers are what is too big', () => {
    const buf = b(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(1000)}\r\n`);
    expect(oversizedHeadStatus(buf, 50)).toBe(400);
    expect(oversizedHeadStatus(b('\r\n\r\nGET / HTTP/1.1\r\nX: y'), 14)).toBe(400);
    expect(oversizedHeadStatus(b('\r\n\r\nGET / HTTP/1.1\r\nX: y'), 13)).toBe(414);
  });
});

describe('parseRequestHead: valid heads', () => {
  it('parses method, target, version and several headers, trimming values', () => {
    const buf = head('POST /a/b?c=d HTTP/1.1', 'Host: example.com', 'Content-Length:  5 ', 'X-Tab:\tv\t');
    const h = ok(buf);
    expect(h).toEqual({
      method: 'POST',
      target: '/a/b?c=d',
      versionMajor: 1,
      versionMinor: 1,
      rawHeaders: ['Host', 'example.com', 'Content-Length', '5', 'X-Tab', 'v'],
      names: ['host', 'content-length', 'x-tab'],
      headBytes: buf.length,
    });
  });

  it('keeps header name case and order, empty values and inner spaces', () => {
    const h = ok(head('GET / HTTP/1.1', 'hOsT: a', 'X-Empty:', 'X-Spaces:    ', 'X-In: a  b'));
    expect(h.rawHeaders).toEqual(['hOsT', 'a', 'X-Empty', '', 'X-Spaces', '', 'X-In', 'a  b']);
  });

  it('parses HTTP/1.0 without headers, and other digit versions for checkRequest to judge', () => {
    const h = ok(head('GET /x HTTP/1.0'));
    expect([h.versionMajor, h.versionMinor, h.rawHeaders]).toEqual([1, 0, []]);
    const h2 = ok(head('GET / HTTP/2.0', 'Host: a'));
    expect([h2.versionMajor, h2.versionMinor]).toEqual([2, 0]);
  });

  it('keeps absolute-form, authority-form and asterisk targets as received', () => {
    expect(ok(head('GET http://example.com:8080/p?q HTTP/1.1', 'Host: example.com')).target).toBe(
      'http://example.com:8080/p?q',
    );
    expect(ok(head('CONNECT example.com:443 HTTP/1.1', 'Host: example.com:443')).target).toBe(
      'example.com:443',
    );
    expect(ok(head('OPTIONS * HTTP/1.1', 'Host: a')).target).toBe('*');
  });

  it('skips leading empty lines and reports headBytes without them', () => {
    const buf = Buffer.concat([b('\r\n\r\n'), head('GET / HTTP/1.1', 'Host: a')]);
    const h = ok(buf);
    expect(h.method).toBe('GET');
    expect(h.headBytes).toBe(buf.length - 4);
  });

  it('parses a head in the middle of a buffer (pipelined requests)', () => {
    const first = head('GET /1 HTTP/1.1', 'Host: a');
    const second = head('GET /2 HTTP/1.1', 'Host: b');
    const buf = Buffer.concat([first, second, b('rest')]);
    const end = findHeadEnd(buf, first.length);
    expect(end).toBe(first.length + second.length);
    const r = parseRequestHead(buf, first.length, end as number);
    expect(r.ok && r.head.target).toBe('/2');
    expect(r.ok && r.head.rawHeaders).toEqual(['Host', 'b']);
  });

  it('keeps latin1 bytes in the target and values, one char per byte', () => {
    const h = ok(head('GET /caf\xe9 HTTP/1.1', 'Host: a', 'X-A: caf\xe9\xff'));
    expect(h.target).toBe('/caf\xe9');
    expect(h.rawHeaders[3]).toBe('caf\xe9\xff');
  });

  it('accepts every tchar in method and names', () => {
    const tchars = "!#$%&'*+-.^_`|~09AZaz";
    const h = ok(head(`${tchars} / HTTP/1.1`, `${tchars}: v`));
    expect(h.method).toBe(tchars);
    expect(h.rawHeaders[0]).toBe(tchars);
  });
});

describe('parseRequestHead: request line errors', () => {
  const cases: [string, string][] = [
    ['no spaces', 'hello'],
    ['not HTTP at all', 'hello world'],
    ['double space after method', 'GET  / HTTP/1.1'],
    ['double space before version', 'GET /  HTTP/1.1'],
    ['trailing space', 'GET / HTTP/1.1 '],
    ['extra part', 'GET / HTTP/1.1 x'],
    ['missing version', 'GET /'],
    ['missing target and version', 'GET'],
    ['lowercase http', 'GET / http/1.1'],
    ['two-digit version', 'GET / HTTP/1.10'],
    ['version without minor', 'GET / HTTP/1'],
    ['tab as separator', 'GET\t/ HTTP/1.1'],
    ['non-token method', 'G(T / HTTP/1.1'],
    ['empty method', ' / HTTP/1.1'],
    ['control byte in target', 'GET /a\x01b HTTP/1.1'],
    ['DEL in target', 'GET /a\x7fb HTTP/1.1'],
    ['bare CR in request line', 'GET /\r HTTP/1.1'],
  ];
  for (const [name, line] of cases) {
    it(`${name}: ${JSON.stringify(line)}`, () => {
      expect(reason(head(line, 'Host: a'))).toMatch(/request line|request target/);
    });
  }
});

describe('parseRequestHead: header syntax errors (request smuggling cases)', () => {
  it('space or tab before the colon', () => {
    expect(reason(head('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding : chunked'))).toBe(
      'space before the colon in header "Transfer-Encoding "',
    );
    expect(reason(head('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding\t: chunked'))).toMatch(
      /space before the colon/,
    );
  });

  it('obs-fold (a line starting with SP or HT)', () => {
    expect(reason(head('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding:', ' chunked'))).toBe(
      'obs-fold in header section',
    );
    expect(reason(head('POST / HTTP/1.1', 'Host: a', 'X: a', '\tb'))).toBe('obs-fold in header section');
    // Whitespace right after the request line is the same fold (RFC 9112 2.2).
    expect(reason(head('GET / HTTP/1.1', ' Host: a'))).toBe('obs-fold in header section');
  });

  it('a line without a colon, an empty name, a non-token name', () => {
    expect(reason(head('GET / HTTP/1.1', 'Host: a', 'NoColonHere'))).toMatch(/without a colon/);
    expect(reason(head('GET / HTTP/1.1', 'Host: a', ': v'))).toBe('empty header name');
    expect(reason(head('GET / HTTP/1.1', 'Host: a', 'X-\xe9: b'))).toBe(
      'invalid byte 0xe9 in header name "X-"',
    );
    expect(reason(head('GET / HTTP/1.1', 'Host: a', 'X(a): b'))).toBe('invalid byte 0x28 in header name "X"');
    // The reason names the header without quoting the line (it goes to the access log).
    expect(reason(head('GET / HTTP/1.1', 'Host: a', `Secret${'x'.repeat(100)}`))).toBe(
      `header line without a colon ("Secret${'x'.repeat(58)}…")`,
    );
  });

  it('a bare LF inside the range is refused even if the caller did not run findHeadEnd', () => {
    const buf = b('GET / HTTP/1.1\r\nX: a\nY: b\r\n\r\n');
    expect(parseRequestHead(buf, 0, buf.length)).toEqual({ ok: false, reason: 'bare LF line ending' });
  });

  it('a bare CR at the start of a line, and bytes after the empty line', () => {
    const buf = b('GET / HTTP/1.1\r\n\rX: a\r\n\r\n');
    expect(parseRequestHead(buf, 0, buf.length)).toEqual({ ok: false, reason: 'bare CR in header section' });
    const two = b('GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n');
    expect(parseRequestHead(two, 0, two.length).ok).toBe(false);
    expect(parseRequestHead(two, 0, 18).ok).toBe(true);
  });
});

describe('parseRequestHead keeps value bytes for checkRequest', () => {
  // checkRequest is moving from an IncomingMessage to a RequestHead: give it both shapes' fields.
  const asMessage = (h: RequestHead) =>
    ({
      ...h,
      httpVersionMajor: h.versionMajor,
      httpVersionMinor: h.versionMinor,
      rawHeaders: h.rawHeaders,
      url: h.target,
    }) as unknown as Parameters<typeof checkRequest>[0];

  const cases: [string, string, string][] = [
    ['vertical tab', 'Transfer-Encoding:\x0bchunked', '\x0bchunked'],
    ['control byte', 'X-A: a\x01b', 'a\x01b'],
    ['NUL', 'X-A: a\x00b', 'a\x00b'],
    ['bare CR', 'X-A: a\rb', 'a\rb'],
    ['non-ASCII', 'X-A: caf\xe9', 'caf\xe9'],
  ];
  for (const [name, line, value] of cases) {
    it(`${name} in a value is not a syntax error, and checkRequest refuses it`, () => {
      const h = ok(head('POST / HTTP/1.1', 'Host: a', line));
      expect(h.rawHeaders[3]).toBe(value);
      const verdict = checkRequest(asMessage(h), { bodyLimit: 1000 });
      expect(verdict).toMatchObject({ ok: false, status: 400 });
    });
  }

  it('a clean head passes checkRequest with its framing', () => {
    const h = ok(head('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding:  chunked '));
    expect(checkRequest(asMessage(h), { bodyLimit: 1000 })).toEqual({
      ok: true,
      contentLength: null,
      chunked: true,
    });
  });
});
