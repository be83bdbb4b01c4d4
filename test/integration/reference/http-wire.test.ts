// HTTP/1.1 framing owned by the reference listener itself (raw sockets since
// ec8b3c8): what a client and a member see on the wire, byte for byte.
// Pipelining and keep-alive on the client side (FAQ 5.6 timeouts, 3.10
// persistent connections), member connections kept apart from the client's
// (FAQ 7.8: two TCP connections per exchange), body framings per RFC 9112
// §6-7, large bodies streamed with backpressure (FAQ 5.3), the access-log
// byte counts (FAQ 7.6/7.8) and 499 when the client leaves first (FAQ 1.5, 7.9).
// Every socket is on 127.0.0.1 port 0 and closed by the test that opened it.
import { createCipheriv, createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ElbAccessLogRecord } from '../../../src/accesslog/elb-line.js';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { backend, type Harness, poolConfig, rawBackend, startHarness } from './http-harness.js';

const MB = 1024 * 1024;

// ── helpers: a raw client, a strict response reader, servers cleaned up at once ──

interface RawClient {
  socket: net.Socket;
  received(): Buffer;
  closed(): boolean;
  write(data: string | Buffer): void;
  /** Resolves once `pred` holds on what arrived; rejects (with what arrived) after `ms`. */
  until(pred: (buf: Buffer, closed: boolean) => boolean, ms?: number): Promise<Buffer>;
}

/** The end of what arrived, for failure messages. */
const tail = (buf: Buffer) => JSON.stringify(buf.toString('latin1', Math.max(0, buf.length - 600)));

async function connectClient(port: number): Promise<RawClient> {
  const socket = net.connect(port, '127.0.0.1');
  onTestFinished(() => {
    socket.destroy();
  });
  socket.on('error', () => {});
  const chunks: Buffer[] = [];
  let closed = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    notify();
  });
  socket.on('close', () => {
    closed = true;
    notify();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  // Concatenated once per new data, not per check: long pipelines deliver thousands of pieces.
  let all = Buffer.alloc(0);
  const received = () => {
    if (chunks.length > 0) {
      all = Buffer.concat([all, ...chunks]);
      chunks.length = 0;
    }
    return all;
  };
  return {
    socket,
    received,
    closed: () => closed,
    write: (data) => {
      socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    },
    until: (pred, ms = 5000) =>
      new Promise<Buffer>((resolve, reject) => {
        const check = () => {
          const buf = received();
          if (pred(buf, closed)) {
            cleanup();
            resolve(buf);
          } else if (closed) {
            cleanup();
            reject(new Error(`connection closed; received: ${tail(buf)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out; received: ${tail(received())}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Resolves when the socket is closed by the peer; rejects after `ms`. */
function closedWithin(c: RawClient, ms = 5000): Promise<Buffer> {
  return c
    .until((_b, closed) => closed, ms)
    .catch((e: Error) => {
      if (c.closed()) return c.received();
      throw e;
    });
}

interface ChunkedBody {
  body: Buffer;
  /** The chunk-size lines as written (with any extension). */
  sizeLines: string[];
  trailers: string[];
  /** Bytes of the whole chunked body on the wire. */
  end: number;
}

/** A strict chunked-body reader (RFC 9112 §7.1); null while incomplete, throws on bad framing. */
function readChunked(buf: Buffer, from: number): ChunkedBody | null {
  let at = from;
  const parts: Buffer[] = [];
  const sizeLines: string[] = [];
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return null;
    const line = buf.toString('latin1', at, eol);
    const m = /^([0-9a-fA-F]+)(;.*)?$/.exec(line);
    if (!m) throw new Error(`bad chunk-size line ${JSON.stringify(line)}`);
    sizeLines.push(line);
    const size = Number.parseInt(m[1] as string, 16);
    at = eol + 2;
    if (size === 0) break;
    if (buf.length < at + size + 2) return null;
    parts.push(buf.subarray(at, at + size));
    if (buf.toString('latin1', at + size, at + size + 2) !== '\r\n')
      throw new Error('chunk data not followed by CRLF');
    at += size + 2;
  }
  const trailers: string[] = [];
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return null;
    const line = buf.toString('latin1', at, eol);
    at = eol + 2;
    if (line === '') break;
    trailers.push(line);
  }
  return { body: Buffer.concat(parts), sizeLines, trailers, end: at };
}

interface WireResponse {
  status: number;
  statusLine: string;
  /** Header names in lower case → value (last one wins). */
  headers: Record<string, string>;
  body: Buffer;
  /** Bytes this response took on the wire, head included. */
  wireBytes: number;
  /** Bytes of the head (status line, headers, empty line). */
  headBytes: number;
}

/**
 * Splits what a client received into responses, framed as RFC 9112 §6.3 says a
 * client must: no body after HEAD, 1xx, 204, 304; chunked; Content-Length;
 * else up to the close. `methods` are the requests' methods, in order.
 */
function readResponses(
  buf: Buffer,
  methods: string[],
  closed: boolean,
): { responses: WireResponse[]; rest: Buffer } {
  const responses: WireResponse[] = [];
  let at = 0;
  while (at < buf.length && responses.length < methods.length) {
    const headEnd = buf.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd < 0) break;
    const lines = buf.toString('latin1', at, headEnd).split('\r\n');
    const statusLine = lines[0] ?? '';
    const m = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
    if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const k = l.indexOf(':');
      headers[l.slice(0, k).toLowerCase()] = l.slice(k + 1).trim();
    }
    const bodyStart = headEnd + 4;
    const method = methods[responses.length];
    let body: Buffer;
    let end: number;
    if (method === 'HEAD' || status < 200 || status === 204 || status === 304) {
      body = Buffer.alloc(0);
      end = bodyStart;
    } else if (headers['transfer-encoding'] !== undefined) {
      expect(headers['transfer-encoding']).toBe('chunked');
      const c = readChunked(buf, bodyStart);
      if (!c) break;
      body = c.body;
      end = c.end;
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (buf.length < bodyStart + n) break;
      body = buf.subarray(bodyStart, bodyStart + n);
      end = bodyStart + n;
    } else {
      if (!closed) break;
      body = buf.subarray(bodyStart);
      end = buf.length;
    }
    responses.push({ status, statusLine, headers, body, wireBytes: end - at, headBytes: bodyStart - at });
    at = end;
  }
  return { responses, rest: buf.subarray(at) };
}

/** Waits for `methods.length` complete responses on `c`. */
async function responsesOn(c: RawClient, methods: string[], ms = 5000): Promise<WireResponse[]> {
  let out: WireResponse[] = [];
  await c.until((buf, closed) => {
    out = readResponses(buf, methods, closed).responses;
    return out.length === methods.length;
  }, ms);
  return out;
}

/** An http backend counting the TCP connections it accepted; closed when the test ends. */
async function countingBackend(handler: http.RequestListener, setup?: (s: http.Server) => void) {
  const sockets: net.Socket[] = [];
  const be = await backend(handler, (s) => {
    s.on('connection', (sock: net.Socket) => sockets.push(sock));
    setup?.(s);
  });
  onTestFinished(be.close);
  return { ...be, sockets };
}

async function harnessFor(ports: number[]): Promise<Harness> {
  const h = await startHarness({ pools: [poolConfig('p1', ports)] });
  onTestFinished(h.close);
  return h;
}

async function rawBackendFor(onSocket: (s: net.Socket) => void) {
  const be = await rawBackend(onSocket);
  onTestFinished(be.close);
  return be;
}

/** Polls `cond` every 10 ms, at most `ms`: for effects that land after the response (log lines, closes). */
async function eventually(cond: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !cond(); waited += 10) {
    if (waited >= ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An echo handler: method, path and body back, Content-Length framed. */
const echo: http.RequestListener = (req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (d: Buffer) => parts.push(d));
  req.on('end', () => {
    res.end(`${req.method} ${req.url} ${Buffer.concat(parts).toString('latin1')}`);
  });
};

const GET = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;

/** A deterministic pseudo-random stream (AES-CTR over zeros), `total` bytes in 1 MB pieces. */
function pseudoRandom(total: number, seed: number): Readable {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(MB);
  let left = total;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(MB, left);
      left -= n;
      this.push(cipher.update(n === MB ? zeros : zeros.subarray(0, n)));
    },
  });
}

async function sha256Of(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

// ── 1. pipelining ─────────────────────────────────────────────────────────────

describe('pipelined requests (RFC 9112 §9.3.2)', () => {
  it('answers two and three requests written in one TCP write in order, on the same connection', async () => {
    // The first request is the slowest to answer: answers in arrival order, not completion order.
    const be = await countingBackend((req, res) => {
      const delay = req.url === '/a' ? 150 : req.url === '/b' ? 50 : 0;
      setTimeout(() => res.end(`body of ${req.url}`), delay);
    });
    const h = await harnessFor([be.port]);

    const two = await connectClient(h.port);
    two.write(GET('/a') + GET('/b'));
    const r2 = await responsesOn(two, ['GET', 'GET']);
    expect(r2.map((r) => r.body.toString())).toEqual(['body of /a', 'body of /b']);
    expect(two.closed()).toBe(false);

    // The same connection carries a pipelined triple afterwards.
    const before = two.received().length;
    two.write(GET('/c') + GET('/a') + GET('/b'));
    await two.until(
      (buf) => readResponses(buf.subarray(before), ['GET', 'GET', 'GET'], false).responses.length === 3,
    );
    const r3 = readResponses(two.received().subarray(before), ['GET', 'GET', 'GET'], false);
    expect(r3.responses.map((r) => r.body.toString())).toEqual(['body of /c', 'body of /a', 'body of /b']);
    expect(r3.rest.length).toBe(0);
    expect(two.closed()).toBe(false);
  });

  it('frames a request pipelined after a POST body (Content-Length and chunked)', async () => {
    const be = await countingBackend(echo);
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(
      'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' +
        GET('/g') +
        'POST /q HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n' +
        GET('/last'),
    );
    const rs = await responsesOn(c, ['POST', 'GET', 'POST', 'GET']);
    expect(rs.map((r) => r.body.toString())).toEqual([
      'POST /p hello',
      'GET /g ',
      'POST /q abcde',
      'GET /last ',
    ]);
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(c.closed()).toBe(false);
  });
  it('answers a pipeline longer than the listener buffers (390 KB of requests in one write) in order', async () => {
    const be = await countingBackend((req, res) => res.end(req.url));
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    const n = 4000;
    // About 100 bytes each: well past the 256 KB at which the listener stops reading a pipeline.
    const pad = `X-Pad: ${'p'.repeat(60)}\r\n`;
    let all = '';
    for (let i = 0; i < n; i++) all += GET(`/${i}`, pad);
    expect(all.length).toBeGreaterThan(256 * 1024);
    c.write(all);
    const methods = Array.from({ length: n }, () => 'GET');
    // Parsed once, when the last body arrived (parsing 4000 responses on every read would starve the listener).
    await c.until((buf) => buf.toString('latin1', buf.length - 5) === `/${n - 1}`, 20_000);
    const { responses: rs, rest } = readResponses(c.received(), methods, false);
    expect(rest.length).toBe(0);
    expect(rs.map((r) => r.body.toString())).toEqual(methods.map((_m, i) => `/${i}`));
    expect(c.closed()).toBe(false);
  });
});

// ── 2. member connection reuse ───────────────────────────────────────────────

describe('keep-alive connections to members (FAQ 7.8)', () => {
  it('carries 20 sequential requests from separate clients over one member connection', async () => {
    const be = await countingBackend((req, res) => res.end(`n=${req.url}`));
    const h = await harnessFor([be.port]);
    for (let i = 0; i < 20; i++) {
      // A new client connection each time: the member side is pooled on its own.
      const c = await connectClient(h.port);
      c.write(GET(`/${i}`, 'Connection: close\r\n'));
      const [r] = await responsesOn(c, ['GET']);
      expect(r?.body.toString()).toBe(`n=/${i}`);
    }
    expect(be.sockets.length).toBe(1);
  });

  it('opens a new member connection after a response with Connection: close', async () => {
    const be = await countingBackend((_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('bye');
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    for (let i = 0; i < 3; i++) {
      const before = c.received().length;
      c.write(GET('/'));
      await c.until((buf) => readResponses(buf.subarray(before), ['GET'], false).responses.length === 1);
      const [r] = readResponses(c.received().subarray(before), ['GET'], false).responses;
      expect(r?.status).toBe(200);
      // The member's Connection: close is hop-by-hop: the client's connection stays.
      expect(r?.headers.connection).not.toBe('close');
    }
    expect(be.sockets.length).toBe(3);
  });

  it('never answers 502 when a member closes idle connections quickly (keepAliveTimeout 200 ms)', {
    timeout: 30_000,
  }, async () => {
    const be = await countingBackend(
      (_req, res) => res.end('ok'),
      (s) => {
        s.keepAliveTimeout = 200;
      },
    );
    const h = await harnessFor([be.port]);
    // Node 20.20 closes an idle connection about 1 s after keepAliveTimeout
    // (measured: 1.2 s for 200 ms), so 1.4 s surely finds it closed; the waits
    // around 1.2 s land on the close itself, where a reused connection can be
    // closed under the request.
    const waits = [1400, 1400, 1400, 1190, 1200, 1210, 1220];
    const statuses: number[] = [];
    for (const wait of waits) {
      const c = await connectClient(h.port);
      c.write(GET('/', 'Connection: close\r\n'));
      const [r] = await responsesOn(c, ['GET']);
      statuses.push(r?.status ?? 0);
      await new Promise((res) => setTimeout(res, wait));
    }
    expect(statuses).toEqual(waits.map(() => 200));
    // The member did close them: at least the requests after the 1.4 s waits needed a new connection.
    expect(be.sockets.length).toBeGreaterThanOrEqual(4);
  });

  it('retries a body-less request on a fresh connection when the reused one is closed under it', async () => {
    // Answers the first request of each connection, then closes as soon as the
    // next request arrives, without answering: the race a backend's idle
    // timeout creates, made deterministic.
    let connections = 0;
    const be = await rawBackendFor((s) => {
      connections++;
      let seen = 0;
      s.on('data', (d: Buffer) => {
        const requests = d.toString('latin1').split('\r\n\r\n').length - 1;
        for (let i = 0; i < requests; i++) {
          seen++;
          if (seen === 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          else s.destroy();
        }
      });
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/1'));
    const [first] = await responsesOn(c, ['GET']);
    expect(first?.status).toBe(200);
    const before = c.received().length;
    c.write(GET('/2'));
    await c.until((buf) => readResponses(buf.subarray(before), ['GET'], false).responses.length === 1);
    const [second] = readResponses(c.received().subarray(before), ['GET'], false).responses;
    expect(second?.status).toBe(200);
    expect(second?.body.toString()).toBe('ok');
    expect(connections).toBe(2);
  });
});

// ── 3. response framings toward the client ───────────────────────────────────

describe('response framing toward the client (RFC 9112 §6)', () => {
  it('passes a Content-Length body and keeps the connection', async () => {
    const be = await countingBackend((_req, res) => {
      res.setHeader('Content-Length', 5);
      res.end('hello');
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/') + GET('/'));
    const rs = await responsesOn(c, ['GET', 'GET']);
    for (const r of rs) {
      expect(r.headers['content-length']).toBe('5');
      expect(r.headers['transfer-encoding']).toBeUndefined();
      expect(r.body.toString()).toBe('hello');
    }
    expect(c.closed()).toBe(false);
  });

  it('gives an HTTP/1.1 client a chunked response chunked, and keeps the connection', async () => {
    const be = await countingBackend((_req, res) => {
      res.write('ab');
      setTimeout(() => res.end('cd'), 20);
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/') + GET('/'));
    const rs = await responsesOn(c, ['GET', 'GET']);
    for (const r of rs) {
      expect(r.headers['transfer-encoding']).toBe('chunked');
      expect(r.headers['content-length']).toBeUndefined();
      expect(r.body.toString()).toBe('abcd');
    }
    expect(c.closed()).toBe(false);
  });

  it('gives an HTTP/1.0 client a chunked response de-chunked, delimited by closing', async () => {
    const be = await countingBackend((_req, res) => {
      res.write('ab');
      setTimeout(() => res.end('cd'), 20);
    });
    const h = await harnessFor([be.port]);
    for (const extra of ['', 'Connection: keep-alive\r\n']) {
      const c = await connectClient(h.port);
      c.write(`GET / HTTP/1.0\r\nHost: a\r\n${extra}\r\n`);
      const buf = await closedWithin(c);
      const text = buf.toString('latin1');
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      expect(head.toLowerCase()).not.toContain('transfer-encoding');
      expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('abcd');
    }
  });

  it('passes a close-delimited body and closes the client connection after it', async () => {
    const be = await rawBackendFor((s) => {
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\n\r\nhello'));
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/'));
    const buf = await closedWithin(c);
    const [r] = readResponses(buf, ['GET'], true).responses;
    expect(r?.status).toBe(200);
    expect(r?.body.toString()).toBe('hello');
    expect(r?.headers.connection).toBe('close');
  });

  it('answers HEAD with the Content-Length and no body, and keeps the connection', async () => {
    const be = await rawBackendFor((s) => {
      s.on('data', (d: Buffer) => {
        for (const line of d.toString('latin1').split('\r\n\r\n').slice(0, -1)) {
          // A GET gets the 11 bytes a HEAD only announces.
          s.write(
            line.startsWith('HEAD')
              ? 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'
              : 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world',
          );
        }
      });
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(`HEAD / HTTP/1.1\r\nHost: a\r\n\r\n${GET('/')}`);
    const rs = await responsesOn(c, ['HEAD', 'GET']);
    expect(rs[0]?.headers['content-length']).toBe('11');
    expect(rs[0]?.body.length).toBe(0);
    // The GET's status line follows the HEAD's head directly: no body bytes in between.
    expect(rs[1]?.statusLine).toMatch(/^HTTP\/1\.1 200 /);
    expect(rs[1]?.body.toString()).toBe('hello world');
    expect(c.closed()).toBe(false);
  });

  it('passes 204 and 304 without a body and keeps the connection', async () => {
    const be = await countingBackend((req, res) => {
      if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/304') res.writeHead(304, { ETag: '"v1"' }).end();
      else res.end('after');
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/204') + GET('/304', 'If-None-Match: "v1"\r\n') + GET('/x'));
    const rs = await responsesOn(c, ['GET', 'GET', 'GET']);
    expect(rs.map((r) => r.status)).toEqual([204, 304, 200]);
    expect(rs[0]?.wireBytes).toBe(c.received().indexOf('HTTP/1.1 304'));
    expect(rs[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(rs[1]?.headers.etag).toBe('"v1"');
    expect(rs[2]?.body.toString()).toBe('after');
    expect(c.closed()).toBe(false);
  });

  it('keeps a member 100 Continue to itself: the client sees only the final 200', async () => {
    for (const split of [false, true]) {
      const be = await rawBackendFor((s) => {
        s.once('data', () => {
          const final = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
          if (split) {
            s.write('HTTP/1.1 100 Continue\r\n\r\n');
            setTimeout(() => s.write(final), 30);
          } else s.write(`HTTP/1.1 100 Continue\r\n\r\n${final}`);
        });
      });
      const h = await harnessFor([be.port]);
      const c = await connectClient(h.port);
      c.write(GET('/'));
      const [r] = await responsesOn(c, ['GET']);
      expect(c.received().toString('latin1').startsWith('HTTP/1.1 200 ')).toBe(true);
      expect(r?.body.toString()).toBe('ok');
    }
  });

  it('gives the client exactly the declared body when a member sends bytes past it', async () => {
    let connections = 0;
    const be = await rawBackendFor((s) => {
      connections++;
      s.once('data', () =>
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA GARBAGE HTTP/1.1 200 OK\r\n\r\n'),
      );
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/'));
    const [r] = await responsesOn(c, ['GET']);
    expect(r?.body.toString()).toBe('hello');
    // Only the next response follows on the client connection, from a new member connection
    // (the one that sent surplus bytes is not trusted for another request).
    const before = c.received().length;
    expect(before).toBe(r?.wireBytes);
    c.write(GET('/'));
    await c.until((buf) => readResponses(buf.subarray(before), ['GET'], false).responses.length === 1);
    const { responses, rest } = readResponses(c.received().subarray(before), ['GET'], false);
    expect(responses[0]?.body.toString()).toBe('hello');
    expect(rest.length).toBe(0);
    expect(connections).toBe(2);
  });
});

// ── 4. request framing toward the member ─────────────────────────────────────

/** A raw member that records every byte it received and answers 200 once `complete(bytes)` holds. */
async function recordingBackend(complete: (bytes: Buffer) => boolean) {
  const received: Buffer[] = [];
  const be = await rawBackendFor((s) => {
    const mine: Buffer[] = [];
    s.on('data', (d: Buffer) => {
      mine.push(d);
      const all = Buffer.concat(mine);
      if (complete(all)) {
        received.push(all);
        mine.length = 0;
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
  });
  return { ...be, received };
}

function splitHead(bytes: Buffer): { head: string; body: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  return { head: bytes.toString('latin1', 0, end), body: bytes.subarray(end + 4) };
}

describe('request framing toward the member (RFC 9112 §6, §7)', () => {
  it('re-frames a chunked body without chunk extensions or trailers', async () => {
    const be = await recordingBackend((b) => {
      const end = b.indexOf('\r\n\r\n');
      if (end < 0) return false;
      try {
        return readChunked(b, end + 4) !== null;
      } catch {
        return true;
      }
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(
      'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;name=value\r\nhello\r\n6;x;y="q"\r\n world\r\n0;last\r\nX-Trailer: secret\r\nX-Other: t\r\n\r\n',
    );
    const [r] = await responsesOn(c, ['POST']);
    expect(r?.status).toBe(200);
    const got = be.received[0] as Buffer;
    const { head } = splitHead(got);
    expect(head).toMatch(/\r\nTransfer-Encoding: chunked(\r\n|$)/i);
    const chunked = readChunked(got, head.length + 4);
    expect(chunked?.body.toString()).toBe('hello world');
    for (const line of chunked?.sizeLines ?? []) expect(line).toMatch(/^[0-9a-f]+$/i);
    expect(chunked?.trailers).toEqual([]);
    expect(got.toString('latin1')).not.toContain('secret');
  });

  it('delivers a body sent in many small writes whole (Content-Length and chunked)', async () => {
    const seen: { te: string | undefined; cl: string | undefined; sha: string; n: number }[] = [];
    const be = await countingBackend((req, res) => {
      const hash = createHash('sha256');
      let n = 0;
      req.on('data', (d: Buffer) => {
        hash.update(d);
        n += d.length;
      });
      req.on('end', () => {
        seen.push({
          te: req.headers['transfer-encoding'],
          cl: req.headers['content-length'],
          sha: hash.digest('hex'),
          n,
        });
        res.end('ok');
      });
    });
    const h = await harnessFor([be.port]);
    const body = Buffer.alloc(20_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) % 251;
    const sha = createHash('sha256').update(body).digest('hex');
    // A chunked encoding of the same body with uneven chunk sizes.
    const pieces: string[] = [];
    for (let at = 0, size = 1; at < body.length; at += size, size = (size * 7 + 3) % 1500 || 1) {
      const part = body.subarray(at, at + size);
      pieces.push(`${part.length.toString(16)}\r\n${part.toString('latin1')}\r\n`);
    }
    const chunkedBody = Buffer.from(`${pieces.join('')}0\r\n\r\n`, 'latin1');
    const uploads = [
      Buffer.concat([
        Buffer.from(`POST /cl HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n`),
        body,
      ]),
      Buffer.concat([
        Buffer.from('POST /te HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'),
        chunkedBody,
      ]),
    ];
    for (const upload of uploads) {
      const c = await connectClient(h.port);
      // 7-byte writes, each in its own turn of the event loop: the head, chunk-size lines and CRLFs split anywhere.
      for (let at = 0; at < upload.length; at += 7) {
        c.socket.write(upload.subarray(at, at + 7));
        if (at % 700 === 0) await new Promise((r) => setImmediate(r));
      }
      const [r] = await responsesOn(c, ['POST'], 10_000);
      expect(r?.status).toBe(200);
    }
    expect(seen).toEqual([
      { te: undefined, cl: String(body.length), sha, n: body.length },
      { te: 'chunked', cl: undefined, sha, n: body.length },
    ]);
  });

  it('delivers a chunked upload whose first 256 KB arrive before the member connection is up', async () => {
    const seen: { sha: string; n: number }[] = [];
    const be = await countingBackend((req, res) => {
      const hash = createHash('sha256');
      let n = 0;
      req.on('data', (d: Buffer) => {
        hash.update(d);
        n += d.length;
      });
      req.on('end', () => {
        seen.push({ sha: hash.digest('hex'), n });
        res.end('ok');
      });
    });
    const h = await harnessFor([be.port]);
    const body = Buffer.alloc(2 * MB);
    for (let i = 0; i < body.length; i++) body[i] = (i * 131 + 17) % 256;
    const pieces: Buffer[] = [
      Buffer.from('POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'),
    ];
    for (let at = 0; at < body.length; at += 100_000) {
      const part = body.subarray(at, at + 100_000);
      pieces.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
    }
    pieces.push(Buffer.from('0\r\n\r\n'));
    const c = await connectClient(h.port);
    // Head and 2 MB in one write: the body is buffered while the member connection opens.
    c.write(Buffer.concat(pieces));
    const [r] = await responsesOn(c, ['POST'], 15_000);
    expect(r?.status).toBe(200);
    expect(seen).toEqual([{ sha: createHash('sha256').update(body).digest('hex'), n: body.length }]);
  });

  it('delivers a Content-Length upload whose first 256 KB arrive before the member connection is up', {
    timeout: 20_000,
  }, async () => {
    const seen: { n: number; sha: string }[] = [];
    const be = await countingBackend((req, res) => {
      const hash = createHash('sha256');
      let n = 0;
      req.on('data', (d: Buffer) => {
        hash.update(d);
        n += d.length;
      });
      req.on('end', () => {
        seen.push({ n, sha: hash.digest('hex') });
        res.end('stored');
      });
    });
    const h = await harnessFor([be.port]);
    const body = Buffer.alloc(2 * MB);
    for (let i = 0; i < body.length; i++) body[i] = (i * 131 + 17) % 256;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: h.port,
          method: 'PUT',
          path: '/',
          agent: false,
          headers: { 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      // Stalled until client_timeout (408) before the fix: fail after 10 s instead.
      req.setTimeout(10_000, () => req.destroy(new Error('upload stalled')));
      req.on('error', reject);
      // Head and body at once, as any fast client sends them.
      req.end(body);
    });
    expect(status).toBe(200);
    expect(seen).toEqual([{ n: body.length, sha: createHash('sha256').update(body).digest('hex') }]);
  });

  it('forwards a Content-Length: 0 POST with an empty body, framed so the next request follows', async () => {
    const seen: { method: string | undefined; body: string; cl: string | undefined }[] = [];
    const be = await countingBackend((req, res) => {
      let b = '';
      req.on('data', (d: Buffer) => {
        b += d.toString('latin1');
      });
      req.on('end', () => {
        seen.push({ method: req.method, body: b, cl: req.headers['content-length'] });
        res.end('ok');
      });
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(`POST /empty HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n${GET('/next')}`);
    const rs = await responsesOn(c, ['POST', 'GET']);
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    // RFC 9110 §8.6: the POST keeps its Content-Length: 0 (nginx forwards it too).
    expect(seen).toEqual([
      { method: 'POST', body: '', cl: '0' },
      { method: 'GET', body: '', cl: undefined },
    ]);
    expect(be.sockets.length).toBe(1);
  });

  it('sends an absolute-form target to the member in origin form, its authority replacing Host (RFC 9112 §3.2.2)', async () => {
    const seen: { url: string | undefined; host: string | undefined }[] = [];
    const be = await countingBackend((req, res) => {
      seen.push({ url: req.url, host: req.headers.host });
      res.end('ok');
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write('GET http://www.example.test:8080/p?q HTTP/1.1\r\nHost: other.test\r\n\r\n');
    const [r] = await responsesOn(c, ['GET']);
    expect(r?.status).toBe(200);
    expect(seen).toEqual([{ url: '/p?q', host: 'www.example.test:8080' }]);
  });
});

// ── 5. HTTP/1.0 clients ──────────────────────────────────────────────────────

describe('HTTP/1.0 clients (RFC 9112 §9.3)', () => {
  it('closes after the response without Connection: keep-alive', async () => {
    const be = await countingBackend((_req, res) => res.end('one'));
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write('GET / HTTP/1.0\r\nHost: a\r\n\r\n');
    const buf = await closedWithin(c);
    const [r] = readResponses(buf, ['GET'], true).responses;
    expect(r?.status).toBe(200);
    expect(r?.body.toString()).toBe('one');
    expect(r?.headers.connection?.toLowerCase()).not.toBe('keep-alive');
  });

  it('keeps the connection with Connection: keep-alive, and says so', async () => {
    const be = await countingBackend((req, res) => res.end(`n=${req.url}`));
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    const req10 = (p: string) => `GET ${p} HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n`;
    c.write(req10('/1'));
    const [first] = await responsesOn(c, ['GET']);
    expect(first?.headers.connection?.toLowerCase()).toBe('keep-alive');
    // Without a length, an HTTP/1.0 client could only read to the close.
    expect(first?.headers['content-length']).toBe('4');
    expect(first?.body.toString()).toBe('n=/1');
    const before = c.received().length;
    c.write(req10('/2'));
    await c.until((buf) => readResponses(buf.subarray(before), ['GET'], false).responses.length === 1);
    const [second] = readResponses(c.received().subarray(before), ['GET'], false).responses;
    expect(second?.body.toString()).toBe('n=/2');
    expect(c.closed()).toBe(false);
  });
});

// ── 6. backpressure ──────────────────────────────────────────────────────────

describe('large bodies with slow readers (FAQ 5.3)', () => {
  const SIZE = 64 * MB;

  it('uploads 64 MB to a member that reads slowly, byte-exact', { timeout: 90_000 }, async () => {
    const received: { sha: string; n: number }[] = [];
    const be = await countingBackend((req, res) => {
      const hash = createHash('sha256');
      let n = 0;
      let nextPause = MB;
      req.on('data', (d: Buffer) => {
        hash.update(d);
        n += d.length;
        if (n >= nextPause) {
          // A slow reader: 200 ms without reading after every MB.
          nextPause += MB;
          req.pause();
          setTimeout(() => req.resume(), 200);
        }
      });
      req.on('end', () => {
        received.push({ sha: hash.digest('hex'), n });
        res.end('stored');
      });
    });
    const h = await harnessFor([be.port]);
    const expected = await sha256Of(pseudoRandom(SIZE, 1));
    const rss0 = process.memoryUsage().rss;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: h.port,
          method: 'PUT',
          path: '/big',
          agent: false,
          headers: { 'content-length': SIZE },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error('upload timed out')));
      req.on('error', reject);
      // Head and body at once, as a fast client sends them: the first bytes arrive
      // before the member connection is up, then backpressure takes over.
      pipeline(pseudoRandom(SIZE, 1), req).catch(reject);
    });
    // The listener, client and member all run in this process. A listener that
    // buffered instead of pausing would hold the body at least once more; 200 MB is a
    // sanity bound (GC timing makes rss too noisy for a tighter one).
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * MB);
    expect(status).toBe(200);
    expect(received).toEqual([{ sha: expected, n: SIZE }]);
  });

  it('downloads 64 MB to a client that reads slowly, byte-exact', { timeout: 90_000 }, async () => {
    const be = await countingBackend((_req, res) => {
      res.setHeader('Content-Length', SIZE);
      pipeline(pseudoRandom(SIZE, 2), res).catch(() => {});
    });
    const h = await harnessFor([be.port]);
    const expected = await sha256Of(pseudoRandom(SIZE, 2));
    const rss0 = process.memoryUsage().rss;
    const got = await new Promise<{ status: number; sha: string; n: number }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: h.port, path: '/big', agent: false }, (res) => {
        const hash = createHash('sha256');
        let n = 0;
        let nextPause = MB;
        res.on('data', (d: Buffer) => {
          hash.update(d);
          n += d.length;
          if (n >= nextPause) {
            nextPause += MB;
            res.pause();
            setTimeout(() => res.resume(), 200);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, sha: hash.digest('hex'), n }));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error('download timed out')));
      req.on('error', reject);
    });
    // Same sanity bound as the upload (see there).
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * MB);
    expect(got).toEqual({ status: 200, sha: expected, n: SIZE });
  });
});

// ── 7. access log byte counts ────────────────────────────────────────────────

describe('access log for pipelined requests (FAQ 7.8)', () => {
  it('logs each request with its status, exact request_length and the bytes_sent the client received', async () => {
    const be = await countingBackend((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST') res.writeHead(201).end('created!');
        else {
          res.write('part one, ');
          res.end('part two');
        }
      });
    });
    const h = await harnessFor([be.port]);
    const reqA =
      'POST /items HTTP/1.1\r\nHost: a\r\nUser-Agent: wire-test\r\nContent-Length: 11\r\n\r\nhello world';
    const reqB = GET('/list', 'Accept: */*\r\n');
    const c = await connectClient(h.port);
    c.write(reqA + reqB);
    const rs = await responsesOn(c, ['POST', 'GET']);
    expect(rs.map((r) => r.status)).toEqual([201, 200]);
    expect((rs[0]?.wireBytes ?? 0) + (rs[1]?.wireBytes ?? 0)).toBe(c.received().length);
    await eventually(() => h.log.length >= 2);
    const lines: ElbAccessLogRecord[] = h.log.map((l, n) => parseElbAccessLogLine(l, n + 1));
    expect(
      lines.map((l) => ({
        status: l.status,
        uri: l.uri,
        requestLength: l.requestLength,
        bytesSent: l.bytesSent,
      })),
    ).toEqual([
      { status: 201, uri: '/items', requestLength: Buffer.byteLength(reqA), bytesSent: rs[0]?.wireBytes },
      { status: 200, uri: '/list', requestLength: Buffer.byteLength(reqB), bytesSent: rs[1]?.wireBytes },
    ]);
    // body_bytes_sent is nginx's: what followed the head on the wire, chunk framing included.
    expect(lines.map((l) => l.bodyBytesSent)).toEqual(rs.map((r) => r.wireBytes - r.headBytes));
  });
});

// ── 8. the client leaves first ───────────────────────────────────────────────

describe('a client that leaves before the answer (FAQ 7.9)', () => {
  it('logs 499 and does not reuse the member connection of the abandoned request', async () => {
    let gotSlow: () => void = () => {};
    const slowArrived = new Promise<void>((r) => {
      gotSlow = r;
    });
    const socketOf: Record<string, net.Socket> = {};
    const be = await countingBackend((req, res) => {
      socketOf[req.url ?? ''] = req.socket;
      if (req.url === '/slow') {
        gotSlow();
        const t = setTimeout(() => res.end('late'), 1000);
        res.on('close', () => clearTimeout(t));
      } else res.end('fast');
    });
    const h = await harnessFor([be.port]);
    const c = await connectClient(h.port);
    c.write(GET('/slow'));
    await slowArrived;
    c.socket.destroy();
    await eventually(() => h.log.length >= 1);
    const line = parseElbAccessLogLine(h.log[0] ?? '', 1);
    expect(line.status).toBe(499);
    expect(line.uri).toBe('/slow');
    // The member sees its connection closed: the unanswered response would otherwise be read as the next one's.
    const slowSocket = socketOf['/slow'] as net.Socket;
    await eventually(() => slowSocket.destroyed || slowSocket.readableEnded);

    const next = await connectClient(h.port);
    next.write(GET('/fast'));
    const [r] = await responsesOn(next, ['GET']);
    expect(r?.body.toString()).toBe('fast');
    expect(socketOf['/fast']).not.toBe(slowSocket);
    expect(be.sockets.length).toBe(2);
  });
});
