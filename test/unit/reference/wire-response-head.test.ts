import { describe, expect, it } from 'vitest';
import { findHeadEnd } from '../../../src/reference/http/wire/head-end.js';
import {
  type BodyFraming,
  parseResponseHead,
  type ResponseHead,
  responseFraming,
  responseKeepsConnection,
} from '../../../src/reference/http/wire/response-head.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const head = (...lines: string[]) => b(`${lines.join('\r\n')}\r\n\r\n`);

function parse(buf: Buffer): ReturnType<typeof parseResponseHead> {
  const end = findHeadEnd(buf, 0);
  if (typeof end !== 'number' || end < 0) throw new Error(`head not complete: ${end}`);
  return parseResponseHead(buf, 0, end);
}

function ok(buf: Buffer): ResponseHead {
  const r = parse(buf);
  if (!r.ok) throw new Error(`unexpected error: ${r.reason}`);
  return r.head;
}

function reason(buf: Buffer): string {
  const r = parse(buf);
  if (r.ok) throw new Error('expected a syntax error');
  return r.reason;
}

/** A parsed head with these headers, for the framing and keep-alive tables. */
function response(statusLine: string, ...headers: string[]): ResponseHead {
  return ok(head(statusLine, ...headers));
}

describe('parseResponseHead: valid heads', () => {
  it('parses version, status, reason and headers', () => {
    const buf = head('HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Length:  2 ', 'X-Empty:');
    expect(ok(buf)).toEqual({
      versionMajor: 1,
      versionMinor: 1,
      status: 200,
      reason: 'OK',
      rawHeaders: ['Content-Type', 'text/plain', 'Content-Length', '2', 'X-Empty', ''],
      names: ['content-type', 'content-length', 'x-empty'],
      headBytes: buf.length,
    });
  });

  it('accepts an empty reason with or without its space, HTTP/1.0, and status 100..999', () => {
    expect(ok(head('HTTP/1.1 204')).reason).toBe('');
    expect(ok(head('HTTP/1.1 204 ')).reason).toBe('');
    const h = ok(head('HTTP/1.0 503 Service Unavailable'));
    expect([h.versionMinor, h.status, h.reason]).toEqual([0, 503, 'Service Unavailable']);
    expect(ok(head('HTTP/1.1 100 Continue')).status).toBe(100);
    expect(ok(head('HTTP/1.1 999 Whatever')).status).toBe(999);
  });

  it('keeps a tab and obs-text in the reason and in values', () => {
    const h = ok(head('HTTP/1.1 200 O\tK \xe9', 'X-A: caf\xe9\tx'));
    expect(h.reason).toBe('O\tK \xe9');
    expect(h.rawHeaders[1]).toBe('caf\xe9\tx');
  });

  it('parses a head after a previous response in the same buffer', () => {
    const first = head('HTTP/1.1 100 Continue');
    const second = head('HTTP/1.1 200 OK', 'Content-Length: 0');
    const buf = Buffer.concat([first, second]);
    const end = findHeadEnd(buf, first.length);
    const r = parseResponseHead(buf, first.length, end as number);
    expect(r.ok && [r.head.status, r.head.rawHeaders, r.head.headBytes]).toEqual([
      200,
      ['Content-Length', '0'],
      second.length,
    ]);
  });
});

describe('parseResponseHead: errors (→ 502)', () => {
  const statusLines: [string, string][] = [
    ['HTTP/2', 'HTTP/2.0 200 OK'],
    ['HTTP/0.9', 'HTTP/0.9 200 OK'],
    ['lowercase', 'http/1.1 200 OK'],
    ['two spaces', 'HTTP/1.1  200 OK'],
    ['two-digit status', 'HTTP/1.1 20 OK'],
    ['four-digit status', 'HTTP/1.1 2000 OK'],
    ['status 099', 'HTTP/1.1 099 OK'],
    ['letters in status', 'HTTP/1.1 2x0 OK'],
    ['tab after status', 'HTTP/1.1 200\tOK'],
    ['no status', 'HTTP/1.1'],
    ['garbage', 'hello'],
  ];
  for (const [name, line] of statusLines) {
    it(`status line: ${name}`, () => {
      expect(reason(head(line))).toMatch(/status/);
    });
  }

  it('control bytes in the reason', () => {
    expect(reason(head('HTTP/1.1 200 O\x01K'))).toBe('control byte in reason phrase');
    expect(reason(head('HTTP/1.1 200 O\rK'))).toBe('control byte in reason phrase');
  });

  it('vertical tab, NUL, DEL or bare CR in a value', () => {
    expect(reason(head('HTTP/1.1 200 OK', 'Transfer-Encoding:\x0bchunked'))).toBe(
      'control byte 0x0b in header "Transfer-Encoding"',
    );
    expect(reason(head('HTTP/1.1 200 OK', 'X-A: a\x00b'))).toMatch(/control byte 0x00/);
    expect(reason(head('HTTP/1.1 200 OK', 'X-A: a\x7fb'))).toMatch(/control byte 0x7f/);
    expect(reason(head('HTTP/1.1 200 OK', 'X-A: a\rb'))).toMatch(/control byte 0x0d/);
  });

  it('obs-fold, space before the colon, missing colon, non-token name', () => {
    expect(reason(head('HTTP/1.1 200 OK', 'X-A: a', ' b'))).toBe('obs-fold in header section');
    expect(reason(head('HTTP/1.1 200 OK', 'Content-Length : 5'))).toMatch(/space before the colon/);
    expect(reason(head('HTTP/1.1 200 OK', 'NoColon'))).toMatch(/without a colon/);
    expect(reason(head('HTTP/1.1 200 OK', 'X-\xe9: a'))).toMatch(/invalid byte 0xe9 in header name/);
  });

  it('bare LF inside the range', () => {
    const buf = b('HTTP/1.1 200 OK\nX: a\r\n\r\n');
    expect(parseResponseHead(buf, 0, buf.length)).toEqual({ ok: false, reason: 'bare LF line ending' });
  });
});

describe('responseFraming (RFC 9112 6.3)', () => {
  const cases: [string, ResponseHead, string, BodyFraming | { error: RegExp }][] = [
    ['HEAD request', response('HTTP/1.1 200 OK', 'Content-Length: 10'), 'HEAD', { kind: 'none' }],
    ['204', response('HTTP/1.1 204 No Content', 'Content-Length: 10'), 'GET', { kind: 'none' }],
    ['304', response('HTTP/1.1 304 Not Modified', 'Transfer-Encoding: chunked'), 'GET', { kind: 'none' }],
    ['100', response('HTTP/1.1 100 Continue'), 'POST', { kind: 'none' }],
    ['101', response('HTTP/1.1 101 Switching Protocols'), 'GET', { kind: 'none' }],
    [
      'Content-Length',
      response('HTTP/1.1 200 OK', 'Content-Length: 5'),
      'GET',
      { kind: 'length', length: 5 },
    ],
    [
      'Content-Length 0',
      response('HTTP/1.1 200 OK', 'content-length: 0'),
      'GET',
      { kind: 'length', length: 0 },
    ],
    [
      'identical duplicate CL',
      response('HTTP/1.1 200 OK', 'Content-Length: 5', 'Content-Length: 5'),
      'GET',
      { kind: 'length', length: 5 },
    ],
    ['"5, 5"', response('HTTP/1.1 200 OK', 'Content-Length: 5, 5'), 'GET', { kind: 'length', length: 5 }],
    [
      'differing CL',
      response('HTTP/1.1 200 OK', 'Content-Length: 5', 'Content-Length: 6'),
      'GET',
      { error: /differing/ },
    ],
    ['"5, 6"', response('HTTP/1.1 200 OK', 'Content-Length: 5, 6'), 'GET', { error: /differing/ }],
    ['CL +5', response('HTTP/1.1 200 OK', 'Content-Length: +5'), 'GET', { error: /not a decimal/ }],
    ['CL 005', response('HTTP/1.1 200 OK', 'Content-Length: 005'), 'GET', { error: /leading zeros/ }],
    ['CL 00', response('HTTP/1.1 200 OK', 'Content-Length: 00'), 'GET', { error: /leading zeros/ }],
    ['CL 0x5', response('HTTP/1.1 200 OK', 'Content-Length: 0x5'), 'GET', { error: /not a decimal/ }],
    ['CL "1 0"', response('HTTP/1.1 200 OK', 'Content-Length: 1 0'), 'GET', { error: /not a decimal/ }],
    ['empty CL', response('HTTP/1.1 200 OK', 'Content-Length:'), 'GET', { error: /Content-Length/ }],
    [
      'CL above MAX_SAFE_INTEGER',
      response('HTTP/1.1 200 OK', 'Content-Length: 9007199254740993'),
      'GET',
      { error: /too large/ },
    ],
    [
      'CL at MAX_SAFE_INTEGER',
      response('HTTP/1.1 200 OK', 'Content-Length: 9007199254740991'),
      'GET',
      { kind: 'length', length: Number.MAX_SAFE_INTEGER },
    ],
    [
      'CL and TE',
      response('HTTP/1.1 200 OK', 'Content-Length: 5', 'Transfer-Encoding: chunked'),
      'GET',
      { error: /both/ },
    ],
    ['TE chunked', response('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked'), 'GET', { kind: 'chunked' }],
    [
      'TE gzip, chunked',
      response('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip', 'transfer-encoding: Chunked'),
      'GET',
      { kind: 'chunked' },
    ],
    ['TE gzip', response('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip'), 'GET', { kind: 'close' }],
    [
      'TE chunked, gzip',
      response('HTTP/1.1 200 OK', 'Transfer-Encoding: chunked, gzip'),
      'GET',
      { kind: 'close' },
    ],
    [
      'TE chunked in HTTP/1.0',
      response('HTTP/1.0 200 OK', 'Transfer-Encoding: chunked'),
      'GET',
      { error: /HTTP\/1\.0/ },
    ],
    ['HTTP/1.0 CL', response('HTTP/1.0 200 OK', 'Content-Length: 3'), 'GET', { kind: 'length', length: 3 }],
    ['no framing', response('HTTP/1.1 200 OK', 'Content-Type: text/plain'), 'GET', { kind: 'close' }],
  ];
  for (const [name, h, method, expected] of cases) {
    it(`${name} → ${'error' in expected ? 'error' : expected.kind}`, () => {
      const f = responseFraming(h, method);
      if ('error' in expected) {
        expect(f).toHaveProperty('error');
        expect((f as { error: string }).error).toMatch(expected.error);
      } else {
        expect(f).toEqual(expected);
      }
    });
  }
});

describe('responseKeepsConnection', () => {
  const length: BodyFraming = { kind: 'length', length: 1 };
  const cases: [string, ResponseHead, BodyFraming, boolean][] = [
    ['HTTP/1.1 plain', response('HTTP/1.1 200 OK'), length, true],
    ['HTTP/1.1 Connection: close', response('HTTP/1.1 200 OK', 'Connection: close'), length, false],
    [
      'HTTP/1.1 Connection: Keep-Alive, CLOSE',
      response('HTTP/1.1 200 OK', 'connection: Keep-Alive, CLOSE'),
      length,
      false,
    ],
    ['HTTP/1.1 Connection: upgrade', response('HTTP/1.1 200 OK', 'Connection: upgrade'), length, true],
    ['HTTP/1.1 chunked', response('HTTP/1.1 200 OK'), { kind: 'chunked' }, true],
    ['HTTP/1.1 none', response('HTTP/1.1 304 Not Modified'), { kind: 'none' }, true],
    ['HTTP/1.1 framing close', response('HTTP/1.1 200 OK'), { kind: 'close' }, false],
    ['HTTP/1.0 plain', response('HTTP/1.0 200 OK'), length, false],
    ['HTTP/1.0 keep-alive', response('HTTP/1.0 200 OK', 'Connection: Keep-Alive'), length, true],
    [
      'HTTP/1.0 keep-alive in a list',
      response('HTTP/1.0 200 OK', 'Connection: foo, keep-alive'),
      length,
      true,
    ],
    [
      'HTTP/1.0 keep-alive, framing close',
      response('HTTP/1.0 200 OK', 'Connection: keep-alive'),
      { kind: 'close' },
      false,
    ],
    [
      'HTTP/1.0 keep-alive and close',
      response('HTTP/1.0 200 OK', 'Connection: keep-alive', 'Connection: close'),
      length,
      false,
    ],
  ];
  for (const [name, h, framing, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(responseKeepsConnection(h, framing)).toBe(expected);
    });
  }
});
