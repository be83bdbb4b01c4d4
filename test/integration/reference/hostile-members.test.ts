// Members that misbehave on purpose, each behind the reference load balancer:
// garbage, truncated bodies, broken chunks, stalls, silence, header floods, a
// close mid-head. For each: what the client gets (status, body, how the
// connection ends), the access-log line (status, upstream_status and times)
// and the metrics. The load balancer must never pass a broken response off as
// a whole one, and never crash: random garbage is a fast-check property.
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ElbAccessLogRecord } from '../../../src/accesslog/elb-line.js';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import type { HttpTimeouts } from '../../../src/reference/http/listener.js';
import { type Harness, poolConfig, rawBackend, rawRequest, startHarness } from './http-harness.js';

/** What the member does once it has read a request head. */
type Misbehaviour = (s: net.Socket) => void;

const MEMBER_S = 0.6;
const CLIENT_S = 1;
const timeouts: HttpTimeouts = {
  keepaliveSeconds: 60,
  clientSeconds: CLIENT_S,
  memberSeconds: MEMBER_S,
  connectMs: 2000,
};

let behave: Misbehaviour = () => {};
let member: Awaited<ReturnType<typeof rawBackend>>;
let h: Harness;
const warnings: { message: string; fields: Readonly<Record<string, unknown>> }[] = [];

beforeAll(async () => {
  member = await rawBackend((s) => {
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      behave(s);
    };
    s.on('data', onData);
  });
  h = await startHarness({
    pools: [poolConfig('p1', [member.port])],
    listener: {
      timeouts,
      logger: { info() {}, warn: (message, fields = {}) => warnings.push({ message, fields }) },
    },
  });
});

afterAll(async () => {
  await h?.close();
  await member?.close();
});

const GET = 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
const GET10 = 'GET /x HTTP/1.0\r\nHost: a\r\n\r\n';

/** The access-log line the last request left (written before the client sees the end). */
function lastLine(): ElbAccessLogRecord {
  return parseElbAccessLogLine(h.log.at(-1) ?? '');
}

function metric(name: string, labels: Record<string, string>): number {
  return h.metrics.get(name, labels);
}

const cut = (cause: string) =>
  metric('lbdoctor_http_responses_cut_total', { listener: 'web', pool: 'p1', member: 'm0', cause });
const attempts = (outcome: string) =>
  metric('lbdoctor_backend_attempts_total', { pool: 'p1', member: 'm0', outcome });
const lbAnswers = (code: number) =>
  metric('lbdoctor_http_responses_total', { listener: 'web', code: String(code), source: 'lb' });

/** Runs one request against a member behaving as told; returns the client's view and the log line. */
async function through(misbehave: Misbehaviour, payload = GET, maxMs = 5000) {
  behave = misbehave;
  const lines = h.log.length;
  const res = await rawRequest(h.port, payload, { maxMs, quietMs: 3000 });
  expect(h.log.length).toBe(lines + 1);
  return { res, line: lastLine() };
}

describe('members that break the response after its status went out', () => {
  it('Content-Length 1000, 100 bytes, FIN: 200 and a short body, closed (not reset), as nginx', async () => {
    const before = cut('member-closed');
    const { res, line } = await through((s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`);
      setTimeout(() => s.end(), 50);
    });
    expect(res).toMatchObject({ status: 200, closed: true, reset: false });
    expect(res.headers['content-length']).toBe('1000');
    expect(res.body).toHaveLength(100);
    expect(line.status).toBe(200);
    expect(line.upstream).toHaveLength(1);
    expect(line.upstream[0]).toMatchObject({ status: 200 });
    expect(line.upstream[0]?.responseTime).toBeGreaterThanOrEqual(0.04);
    expect(line.bodyBytesSent).toBe(100);
    expect(cut('member-closed')).toBe(before + 1);
    expect(warnings.at(-1)?.message).toMatch(
      /^upstream prematurely closed connection while reading upstream/,
    );
    expect(warnings.at(-1)?.fields).toMatchObject({ listener: 'web', pool: 'p1', status: 200 });
  });

  it('a member reset mid-body is cut off the same way', async () => {
    const before = cut('member-closed');
    const { res, line } = await through((s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`);
      setTimeout(() => s.resetAndDestroy(), 50);
    });
    expect(res).toMatchObject({ status: 200, closed: true });
    expect(res.body.length).toBeLessThan(1000);
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
    expect(cut('member-closed')).toBe(before + 1);
    expect(warnings.at(-1)?.message).toMatch(/^recv\(\) failed .* while reading upstream/);
  });

  it('a broken chunk: what came before it, then closed without the last chunk', async () => {
    const before = cut('member-invalid-chunk');
    const { res, line } = await through((s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworldZZ\r\n');
    });
    expect(res).toMatchObject({ status: 200, closed: true, reset: false });
    expect(res.body.startsWith('5\r\nhello\r\n')).toBe(true);
    expect(res.body).not.toContain('0\r\n\r\n');
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
    expect(cut('member-invalid-chunk')).toBe(before + 1);
    expect(warnings.at(-1)?.message).toMatch(/^upstream sent invalid chunked response/);
  });

  it('a member that closes mid-chunk: closed without the last chunk', async () => {
    const before = cut('member-closed');
    const { res } = await through((s) => {
      s.end(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${'y'.repeat(50)}`);
    });
    expect(res).toMatchObject({ status: 200, closed: true, reset: false });
    expect(res.body).not.toContain('0\r\n\r\n');
    expect(cut('member-closed')).toBe(before + 1);
  });

  it('an HTTP/1.0 client, whose body ends when the connection does, gets a reset', async () => {
    // nginx closes normally here and the client takes 50 bytes for the whole body (see docs/reference-lb.md).
    const { res, line } = await through(
      (s) => s.end(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${'y'.repeat(50)}`),
      GET10,
    );
    expect(res.reset).toBe(true);
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
  });

  it('a member that stalls mid-body hits member_timeout between reads, as proxy_read_timeout', async () => {
    const before = cut('member-timeout');
    const t0 = Date.now();
    const { res, line } = await through((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(MEMBER_S * 1000 - 50);
    expect(Date.now() - t0).toBeLessThan(MEMBER_S * 1000 + 1500);
    expect(res).toMatchObject({ status: 200, body: 'abc', closed: true, reset: false });
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
    expect(line.upstream[0]?.responseTime).toBeGreaterThanOrEqual(MEMBER_S - 0.05);
    expect(cut('member-timeout')).toBe(before + 1);
    expect(warnings.at(-1)?.message).toMatch(/^upstream timed out .* while reading upstream/);
  });

  it('a body delimited by closing that stalls is reset, so the client cannot take it as whole', async () => {
    const before = cut('member-timeout');
    const { res, line } = await through((s) => s.write('HTTP/1.1 200 OK\r\n\r\nabc'));
    expect(res).toMatchObject({ status: 200, body: 'abc', reset: true });
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
    expect(cut('member-timeout')).toBe(before + 1);
  });

  it('a member that dribbles its body faster than member_timeout is not cut', async () => {
    const { res, line } = await through((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n');
      let n = 0;
      const t = setInterval(
        () => {
          s.write('z');
          if (++n === 4) clearInterval(t);
        },
        (MEMBER_S * 1000) / 2,
      );
      s.on('close', () => clearInterval(t));
    });
    expect(res).toMatchObject({ status: 200, body: 'zzzz', reset: false });
    expect(line.upstream[0]?.responseTime).toBeGreaterThan(MEMBER_S);
  });
});

describe('members that never give a usable response head: 502/504 from the load balancer', () => {
  const cases: { name: string; misbehave: Misbehaviour; status: 502 | 504; outcome: string }[] = [
    {
      name: 'garbage',
      misbehave: (s) => s.end('\x00\xffnot http at all\r\n\r\n'),
      status: 502,
      outcome: 'failed',
    },
    {
      name: 'a close mid-head',
      misbehave: (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/pl'),
      status: 502,
      outcome: 'failed',
    },
    {
      name: 'one 70 KB header',
      misbehave: (s) => s.write(`HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(70 * 1024)}\r\n\r\n`),
      status: 502,
      outcome: 'failed',
    },
    {
      name: '20,000 small headers',
      misbehave: (s) => {
        let head = 'HTTP/1.1 200 OK\r\n';
        for (let i = 0; i < 20_000; i++) head += `X-${i}: v\r\n`;
        s.write(`${head}\r\n`);
      },
      status: 502,
      outcome: 'failed',
    },
    {
      name: 'a Content-Length with leading zeros',
      misbehave: (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 005\r\n\r\nhello'),
      status: 502,
      outcome: 'failed',
    },
    { name: 'silence (never answers)', misbehave: () => {}, status: 504, outcome: 'response-timeout' },
    {
      name: 'a head slower than member_timeout',
      misbehave: (s) => {
        const t = setTimeout(
          () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
          MEMBER_S * 1000 + 400,
        );
        s.on('close', () => clearTimeout(t));
      },
      status: 504,
      outcome: 'response-timeout',
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const before = { outcome: attempts(c.outcome), answers: lbAnswers(c.status) };
      const { res, line } = await through(c.misbehave);
      expect(res.status).toBe(c.status);
      expect(res.body).toContain('<center>elb</center>');
      expect(line.status).toBe(c.status);
      // A member was reached (connect time) but answered nothing usable: upstream_status "-".
      expect(line.upstream).toHaveLength(1);
      expect(line.upstream[0]).toMatchObject({
        status: null,
        headerTime: null,
        addr: `127.0.0.1:${member.port}`,
      });
      expect(line.upstream[0]?.connectTime).not.toBeNull();
      expect(attempts(c.outcome)).toBe(before.outcome + 1);
      expect(lbAnswers(c.status)).toBe(before.answers + 1);
    });
  }

  it('random bytes from a member always give a 502 and one log line, and the load balancer keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Anything that does not start like a status line: no valid response can come of it.
        fc
          .uint8Array({ minLength: 1, maxLength: 3000 })
          .filter((b) => !Buffer.from(b).toString('latin1').startsWith('HTTP/')),
        fc.boolean(),
        async (bytes, close) => {
          behave = (s) => {
            if (close) s.end(Buffer.from(bytes));
            else s.write(Buffer.from(bytes));
          };
          const lines = h.log.length;
          const res = await rawRequest(h.port, GET, { maxMs: 5000, quietMs: 3000 });
          expect([502, 504]).toContain(res.status);
          // Bytes that look like the start of a head and then stall are a member timeout, anything else a 502.
          if (res.status === 504) expect(close).toBe(false);
          expect(h.log.length).toBe(lines + 1);
          expect(lastLine()).toMatchObject({ status: res.status, upstream: [{ status: null }] });
        },
      ),
      { numRuns: 40 },
    );
    behave = (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    expect((await rawRequest(h.port, GET)).status).toBe(200);
  }, 120_000);
});

describe('a body cut at a random point is never passed off as whole (property)', () => {
  it('Content-Length or chunked, cut anywhere: whole only when the member sent it whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5000 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (length, chunked, keep) => {
          const body = 'q'.repeat(length);
          const framed = chunked
            ? `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`
            : `HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\n\r\n${body}`;
          const headEnd = framed.indexOf('\r\n\r\n') + 4;
          // The head always goes out whole; the member stops anywhere after it, or sends everything.
          const sent = headEnd + Math.floor(keep * (framed.length - headEnd));
          const whole = sent === framed.length;
          const cuts = cut('member-closed');
          const { res, line } = await through((s) => s.end(framed.slice(0, sent)));
          expect(res.status).toBe(200);
          expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
          if (whole) {
            expect(res.reset).toBe(false);
            expect(chunked ? res.body.endsWith('\r\n0\r\n\r\n') : res.body.length === length).toBe(true);
            expect(cut('member-closed')).toBe(cuts);
          } else {
            // Short of Content-Length, or without the last chunk: a client can always tell.
            expect(chunked ? res.body.endsWith('\r\n0\r\n\r\n') : res.body.length >= length).toBe(false);
            expect(cut('member-closed')).toBe(cuts + 1);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('a client that stops reading', () => {
  it('is reset after client_timeout without progress; logged with the status sent, and counted', async () => {
    const size = 48 * 1024 * 1024;
    const payload = Buffer.alloc(size, 0x61);
    behave = (s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
      s.write(payload);
    };
    const before = {
      timeouts: metric('lbdoctor_client_send_timeouts_total', { listener: 'web' }),
      cut: cut('client-send-timeout'),
    };
    const lines = h.log.length;
    const client = net.connect(h.port, '127.0.0.1');
    onTestFinished(() => {
      client.destroy();
    });
    let received = 0;
    let error: string | null = null;
    client.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    client.write(GET);
    // Read a little, then stop: the load balancer's buffers fill and nothing moves.
    await new Promise<void>((r) =>
      client.once('data', (d: Buffer) => {
        received += d.length;
        client.pause();
        r();
      }),
    );
    const t0 = Date.now();
    for (let i = 0; i < 100 && h.log.length === lines; i++) await new Promise((r) => setTimeout(r, 100));
    const waited = Date.now() - t0;
    expect(h.log.length).toBe(lines + 1);
    expect(waited).toBeGreaterThanOrEqual(CLIENT_S * 1000 - 300);
    expect(waited).toBeLessThan(CLIENT_S * 1000 + 3000);
    const line = lastLine();
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
    expect(line.bodyBytesSent).toBeLessThan(size);
    expect(metric('lbdoctor_client_send_timeouts_total', { listener: 'web' })).toBe(before.timeouts + 1);
    expect(cut('client-send-timeout')).toBe(before.cut + 1);
    expect(warnings.some((w) => w.message === 'client timed out while sending response to client')).toBe(
      true,
    );
    // The load balancer let go of both connections at once.
    expect(metric('lbdoctor_active_connections', { listener: 'web' })).toBe(0);
    // Reading again: what was already in the client's kernel buffer arrives, then the end, never the
    // whole body. (Linux reports a reset that came while bytes were unread as an end, not ECONNRESET.)
    await new Promise<void>((r) => {
      client.on('data', (d: Buffer) => {
        received += d.length;
      });
      client.on('close', () => r());
      client.resume();
    });
    expect(received).toBeLessThan(size);
    expect([null, 'ECONNRESET']).toContain(error);
  }, 30_000);

  it('twenty of them are all let go within client_timeout, and their member connections with them', async () => {
    // More than the kernel buffers between the load balancer and a client hold (several MB on loopback),
    // so the rest waits in the load balancer; a smaller response is simply sent, and keepalive_timeout applies.
    const size = 32 * 1024 * 1024;
    const payload = Buffer.alloc(size, 0x62);
    const n = 20;
    let memberOpen = 0;
    let memberSeen = 0;
    // A member of its own, and member_timeout long enough that a busy test process never hits it.
    const big = await rawBackend((s) => {
      memberSeen++;
      memberOpen++;
      s.on('close', () => memberOpen--);
      s.once('data', () => {
        // Connection: close, so each request has a member connection of its own to let go of.
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
        s.end(payload);
      });
    });
    onTestFinished(big.close);
    const lb = await startHarness({
      pools: [poolConfig('p1', [big.port])],
      listener: { timeouts: { ...timeouts, memberSeconds: 30 } },
    });
    onTestFinished(lb.close);
    const clients = Array.from({ length: n }, () => {
      const c = net.connect(lb.port, '127.0.0.1');
      c.on('error', () => {});
      // Never reads: the kernel's buffers fill, then the load balancer's.
      c.pause();
      c.write('GET /big HTTP/1.1\r\nHost: a\r\n\r\n');
      return c;
    });
    onTestFinished(() => {
      for (const c of clients) c.destroy();
    });
    const until = async (done: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !done() && Date.now() < end; )
        await new Promise((r) => setTimeout(r, 50));
    };
    const t0 = Date.now();
    await until(() => memberSeen === n, 10_000);
    expect(memberSeen).toBe(n);
    const active = () => lb.metrics.get('lbdoctor_active_connections', { listener: 'web' });
    await until(() => active() === 0 && memberOpen === 0, 20_000);
    expect({ active: active(), memberOpen }).toEqual({ active: 0, memberOpen: 0 });
    expect(Date.now() - t0).toBeLessThan(CLIENT_S * 1000 + 5000);
    expect(lb.metrics.get('lbdoctor_client_send_timeouts_total', { listener: 'web' })).toBe(n);
    expect(lb.log.map((l) => parseElbAccessLogLine(l).status)).toEqual(Array(n).fill(200));
  }, 60_000);
});
