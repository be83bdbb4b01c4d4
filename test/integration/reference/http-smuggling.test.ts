// Request smuggling defences and the load balancer's own 4xx/5xx (FAQ 1.5).
// Each case of the TE/CL matrix HAProxy documents (and the llhttp cases around
// it) gets a deliberate answer: refused before any backend sees it, or
// forwarded with framing the proxy rewrote itself. Some are refused by Node's
// parser (llhttp), the others by request-checks.ts; the test does not care
// which, only that the answer and what the backend saw are right.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LB_PAGE_MARK } from '../../../src/reference/http/lb-responses.js';
import { backend, type Harness, poolConfig, rawRequest, startHarness } from './http-harness.js';

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: string;
}

let seen: Seen[] = [];
let be: Awaited<ReturnType<typeof backend>>;
let h: Harness;

beforeAll(async () => {
  be = await backend((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.end('backend-ok');
    });
  });
  h = await startHarness({ pools: [poolConfig('p1', [be.port])] });
});

afterAll(async () => {
  await h?.close();
  await be?.close();
});

const req = (head: string, body = '') => `${head.replace(/\n/g, '\r\n')}\r\n${body}`;

type Case = {
  name: string;
  raw: string;
  status: number;
  /** For forwarded cases: what the backend must have seen. */
  forwarded?: { body: string; te?: string; cl?: string };
};

const cases: Case[] = [
  // HAProxy's matrix: both framings, or one framing stated twice, is refused.
  {
    name: 'CL and TE: chunked',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 5\nTransfer-Encoding: chunked\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'TE: chunked then CL',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\nContent-Length: 5\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'duplicate CL, different values',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 5\nContent-Length: 6\n', 'hello!'),
    status: 400,
  },
  {
    name: 'duplicate CL, same value',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 5\nContent-Length: 5\n', 'hello'),
    status: 400,
  },
  {
    name: 'CL list "5, 5"',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 5, 5\n', 'hello'),
    status: 400,
  },
  { name: 'CL +5', raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: +5\n', 'hello'), status: 400 },
  { name: 'CL -5', raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: -5\n', 'hello'), status: 400 },
  { name: 'CL 0x5', raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 0x5\n', 'hello'), status: 400 },
  {
    name: 'CL "1 0"',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 1 0\n', '0123456789'),
    status: 400,
  },
  // Leading zeros are refused, not re-read as decimal (nginx forwards "010" as "10"; an octal reader takes 8).
  {
    name: 'CL 010',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 010\nConnection: close\n', '0123456789'),
    status: 400,
  },
  { name: 'CL 00', raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 00\n'), status: 400 },
  {
    name: 'CL 10 is forwarded as written',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 10\nConnection: close\n', '0123456789'),
    status: 200,
    forwarded: { body: '0123456789', cl: '10' },
  },
  {
    name: 'TE: chunked, identity (chunked not last)',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked, identity\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'TE: identity, chunked is forwarded as chunked',
    raw: req(
      'POST / HTTP/1.1\nHost: a\nTransfer-Encoding: identity, chunked\nConnection: close\n',
      '3\r\nabc\r\n0\r\n\r\n',
    ),
    status: 200,
    forwarded: { body: 'abc', te: 'chunked' },
  },
  {
    name: 'TE: Chunked (case) is forwarded as chunked',
    raw: req(
      'POST / HTTP/1.1\nHost: a\nTransfer-Encoding: Chunked\nConnection: close\n',
      '3\r\nabc\r\n0\r\n\r\n',
    ),
    status: 200,
    forwarded: { body: 'abc', te: 'chunked' },
  },
  {
    name: 'TE: chunked twice (two headers)',
    raw: req(
      'POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\nTransfer-Encoding: chunked\n',
      '0\r\n\r\n',
    ),
    status: 400,
  },
  {
    name: 'TE: chunked, chunked',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked, chunked\n', '0\r\n\r\n'),
    status: 400,
  },
  // The HAProxy 1.x desync (CVE-2019-18277 era): CL and TE with leftover bytes after the last chunk.
  {
    name: 'CL 6 + TE: chunked with a smuggled byte',
    raw: req('POST / HTTP/1.1\nHost: a\nContent-Length: 6\nTransfer-Encoding: chunked\n', '0\r\n\r\nX'),
    status: 400,
  },
  // Two framings present is answered first (400), whatever the coding says.
  {
    name: 'TE: chunkedx with CL',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunkedx\nContent-Length: 5\n', 'hello'),
    status: 400,
  },
  {
    name: 'TE: ",chunked" (empty coding)',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: ,chunked\n', '0\r\n\r\n'),
    status: 501,
  },
  {
    name: 'TE with an empty value',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding:\n', 'hello'),
    status: 501,
  },
  {
    name: 'TE: " chunked " (spaces) is forwarded as chunked',
    raw: req(
      'POST / HTTP/1.1\nHost: a\nTransfer-Encoding:  chunked \nConnection: close\n',
      '3\r\nabc\r\n0\r\n\r\n',
    ),
    status: 200,
    forwarded: { body: 'abc', te: 'chunked' },
  },
  // FAQ 1.5: a coding other than chunked/identity is 501.
  { name: 'TE: gzip', raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: gzip\n', 'hello'), status: 501 },
  {
    name: 'TE: gzip, chunked',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: gzip, chunked\n', '0\r\n\r\n'),
    status: 501,
  },
  {
    name: 'TE: xchunked',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: xchunked\n', '0\r\n\r\n'),
    status: 501,
  },
  {
    name: 'TE with obs-fold',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding:\n chunked\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'TE with space before the colon',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding : chunked\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'TE with a vertical tab',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding:\x0bchunked\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'TE in HTTP/1.0',
    raw: req('POST / HTTP/1.0\nHost: a\nTransfer-Encoding: chunked\n', '0\r\n\r\n'),
    status: 400,
  },
  {
    name: 'bad chunk size',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n', 'zz\r\n\r\n'),
    status: 400,
  },
  {
    name: 'chunk line ending in bare LF',
    raw: req('POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n', '5;a\nhello\r\n0\r\n\r\n'),
    status: 400,
  },
  // Header bytes.
  {
    name: 'non-ASCII byte in a header value',
    raw: req('GET / HTTP/1.1\nHost: a\nX-A: caf\xe9\n'),
    status: 400,
  },
  { name: 'non-ASCII byte in a header name', raw: req('GET / HTTP/1.1\nHost: a\nX-\xe9: b\n'), status: 400 },
  { name: 'control byte in a header value', raw: req('GET / HTTP/1.1\nHost: a\nX-A: a\x01b\n'), status: 400 },
  { name: 'NUL in a header value', raw: req('GET / HTTP/1.1\nHost: a\nX-A: a\x00b\n'), status: 400 },
  { name: 'bare CR in a header value', raw: req('GET / HTTP/1.1\nHost: a\nX-A: a\rb\n'), status: 400 },
  { name: 'bare LF line endings', raw: 'GET / HTTP/1.1\nHost: a\n\n', status: 400 },
  { name: 'two Host headers', raw: req('GET / HTTP/1.1\nHost: a\nHost: b\n'), status: 400 },
  { name: 'HTTP/1.1 without Host', raw: req('GET / HTTP/1.1\n'), status: 400 },
  { name: 'HTTP/2.0 request line', raw: req('GET / HTTP/2.0\nHost: a\n'), status: 400 },
  { name: 'not HTTP at all', raw: 'hello world\r\n\r\n', status: 400 },
];

describe('request smuggling matrix', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      seen = [];
      const r = await rawRequest(h.port, c.raw);
      expect(r.status).toBe(c.status);
      if (!c.forwarded) {
        expect(r.body).toContain(LB_PAGE_MARK);
        // Refused requests close the connection: nothing after them can be misframed.
        expect(r.closed).toBe(true);
        expect(seen).toHaveLength(0);
        return;
      }
      expect(r.body).toContain('backend-ok');
      expect(seen).toHaveLength(1);
      expect(seen[0]?.body).toBe(c.forwarded.body);
      expect(seen[0]?.headers['transfer-encoding']).toBe(c.forwarded.te);
      expect(seen[0]?.headers['content-length']).toBe(c.forwarded.cl);
    });
  }
});
