// The L7 proxy against real sockets: forwarded headers (FAQ 3.9, 5.1), streaming,
// retries (1.9), 502/504 (1.5), x-router-code (1.6), stickiness (1.11), policies, WebSocket (5.5).
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { insertHeadersFrom } from '../../../src/reference/http/forward-headers.js';
import { LB_PAGE_MARK } from '../../../src/reference/http/lb-responses.js';
import {
  backend,
  closedPort,
  get,
  poolConfig,
  rawBackend,
  rawRequest,
  startHarness,
} from './http-harness.js';

const echo = () =>
  backend((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-port', String(req.socket.localPort));
      res.end(
        JSON.stringify({ method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, body }),
      );
    });
  });

describe('HTTP proxy', () => {
  it('forwards with X-Forwarded-* and X-Real-IP, and drops hop-by-hop headers both ways', async () => {
    const be = await backend((req, res) => {
      res.writeHead(200, {
        connection: 'x-secret, keep-alive',
        'x-secret': 'hop',
        'keep-alive': 'timeout=5',
        'x-end': 'e2e',
      });
      res.end(JSON.stringify(req.headers));
    });
    onTestFinished(be.close);
    const h = await startHarness({ pools: [poolConfig('p1', [be.port])] });
    onTestFinished(h.close);
    const r = await get(h.port, '/a?b=1', {
      host: 'shop.example.com',
      'x-forwarded-for': '203.0.113.9',
      'x-real-ip': '6.6.6.6',
      'x-forwarded-proto': 'gopher',
      connection: 'x-drop-me',
      'x-drop-me': '1',
      te: 'trailers',
      'proxy-authorization': 'Basic c2VjcmV0',
    });
    expect(r.status).toBe(200);
    const seen = JSON.parse(r.body) as Record<string, string>;
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen['x-real-ip']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-port']).toBe(String(h.port));
    expect(seen['x-forwarded-host']).toBe('shop.example.com');
    expect(seen['x-forwarded-elb-ip']).toBe('198.51.100.10');
    expect(seen.host).toBe('shop.example.com');
    expect(seen['x-drop-me']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(r.headers['x-secret']).toBeUndefined();
    // The client connection's own Keep-Alive (the listener's idle timeout), not the backend's.
    expect(r.headers['keep-alive']).toBe('timeout=60');
    expect(r.headers['x-end']).toBe('e2e');
    expect(r.headers['x-router-code']).toBeUndefined();
  });

  it('honours insert_headers: X-Forwarded-Host off, X-Forwarded-For-Port on', async () => {
    const be = await backend((req, res) =>
      res.end(JSON.stringify({ headers: req.headers, peer: req.socket.remotePort })),
    );
    onTestFinished(be.close);
    const h = await startHarness({
      pools: [poolConfig('p1', [be.port])],
      listener: { insert: insertHeadersFrom({ 'X-Forwarded-Host': false, 'X-Forwarded-For-Port': true }) },
    });
    onTestFinished(h.close);
    const r = await rawRequest(
      h.port,
      'GET / HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For-Port: 1\r\nConnection: close\r\n\r\n',
    );
    const seen = JSON.parse(r.body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')) as {
      headers: Record<string, string>;
    };
    expect(seen.headers['x-forwarded-host']).toBeUndefined();
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect(seen.headers['x-forwarded-for-port']).toBe(String(line.clientPort));
  });

  it('streams a chunked upload; refuses a Content-Length with leading zeros rather than re-read it', async () => {
    const be = await echo();
    onTestFinished(be.close);
    const h = await startHarness({ pools: [poolConfig('p1', [be.port])] });
    onTestFinished(h.close);
    const chunked = await rawRequest(
      h.port,
      'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    expect(chunked.status).toBe(200);
    const c = JSON.parse(chunked.body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')) as {
      body: string;
      headers: Record<string, string>;
    };
    expect(c.body).toBe('hello world');
    expect(c.headers['transfer-encoding']).toBe('chunked');
    const zero = await rawRequest(
      h.port,
      'POST /z HTTP/1.1\r\nHost: a\r\nContent-Length: 010\r\nConnection: close\r\n\r\n0123456789',
    );
    expect(zero.status).toBe(400);
    expect(h.log.at(-1)).toMatch(/ 400 "POST .* "-" "-" "-" "-" "-" /);
  });

  it('retries another member when a connection is refused, and logs both attempts (FAQ 1.9)', async () => {
    const be = await echo();
    onTestFinished(be.close);
    const dead = await closedPort();
    const h = await startHarness({ pools: [poolConfig('p1', [dead, be.port])] });
    onTestFinished(h.close);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(h.port, '/r')).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const lines = h.log.map((l, n) => parseElbAccessLogLine(l, n + 1));
    const retried = lines.find((l) => l.upstream.length === 2);
    expect(retried?.upstream.map((u) => u.addr)).toEqual([`127.0.0.1:${dead}`, `127.0.0.1:${be.port}`]);
    expect(retried?.upstream.map((u) => u.status)).toEqual([null, 200]);
    expect(retried?.status).toBe(200);
  });

  it('answers 502 when every member refuses, with an LB page and no backend status in the log', async () => {
    const h = await startHarness({ pools: [poolConfig('p1', [await closedPort(), await closedPort()])] });
    onTestFinished(h.close);
    const r = await get(h.port, '/');
    expect(r.status).toBe(502);
    expect(r.body).toContain(LB_PAGE_MARK);
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect(line.status).toBe(502);
    expect(line.upstream).toHaveLength(2);
    expect(line.upstream.every((u) => u.status === null)).toBe(true);
    expect(
      h.metrics.get('lbdoctor_http_responses_total', { listener: 'web', code: '502', source: 'lb' }),
    ).toBe(1);
  });

  it('answers 502 on a malformed backend response and on a reset before the response', async () => {
    const garbage = await rawBackend((s) => s.once('data', () => s.end('HTTP/1.1 two hundred OK\r\n\r\n')));
    onTestFinished(garbage.close);
    const rst = await rawBackend((s) => s.once('data', () => s.resetAndDestroy()));
    onTestFinished(rst.close);
    for (const port of [garbage.port, rst.port]) {
      const h = await startHarness({ pools: [poolConfig('p1', [port])] });
      onTestFinished(h.close);
      const r = await get(h.port, '/');
      expect(r.status).toBe(502);
      expect(r.body).toContain(LB_PAGE_MARK);
    }
  });

  it('answers 502 for a response with smuggling-prone framing or invalid header bytes (FAQ 1.5)', async () => {
    const bad = [
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nX-Bad : a\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    ];
    for (const response of bad) {
      const be = await rawBackend((s) => s.once('data', () => s.end(Buffer.from(response, 'latin1'))));
      onTestFinished(be.close);
      const h = await startHarness({ pools: [poolConfig('p1', [be.port])] });
      onTestFinished(h.close);
      const r = await rawRequest(h.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      // A bad chunk arrives after the status line went out: the client is cut off instead.
      if (response.includes('zz')) expect(r.closed).toBe(true);
      else expect([response, r.status]).toEqual([response, 502]);
    }
  });

  it('cuts the client off when the backend resets mid-response (status already sent)', async () => {
    const mid = await rawBackend((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial');
        setTimeout(() => s.resetAndDestroy(), 50);
      }),
    );
    onTestFinished(mid.close);
    const h = await startHarness({ pools: [poolConfig('p1', [mid.port])] });
    onTestFinished(h.close);
    const r = await rawRequest(h.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(r.status).toBe(200);
    expect(r.body).toBe('partial');
    expect(r.closed).toBe(true);
  });

  it('answers 504 when the member does not respond within member_timeout, after trying the others', async () => {
    const hang = await rawBackend(() => {});
    onTestFinished(hang.close);
    const h = await startHarness({
      pools: [poolConfig('p1', [hang.port])],
      listener: { timeouts: { keepaliveSeconds: 60, clientSeconds: 60, memberSeconds: 1, connectMs: 5000 } },
    });
    onTestFinished(h.close);
    const r = await get(h.port, '/slow');
    expect(r.status).toBe(504);
    expect(r.body).toContain(LB_PAGE_MARK);
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect(line.upstream[0]?.status).toBeNull();
    expect(line.upstream[0]?.connectTime).not.toBeNull();
  });

  it('on a response timeout tries another member for a request without a body, but not for a sticky pool (FAQ 5.6)', async () => {
    const hang = await rawBackend(() => {});
    onTestFinished(hang.close);
    const be = await echo();
    onTestFinished(be.close);
    const t = { keepaliveSeconds: 60, clientSeconds: 60, memberSeconds: 1, connectMs: 5000 };
    const h = await startHarness({
      pools: [poolConfig('p1', [hang.port, be.port])],
      listener: { timeouts: t },
    });
    onTestFinished(h.close);
    // Round robin starts at m0 (the hanging one) for one of two requests.
    const statuses = [(await get(h.port, '/a')).status, (await get(h.port, '/b')).status];
    expect(statuses).toEqual([200, 200]);
    const retried = h.log.map((l) => parseElbAccessLogLine(l)).find((l) => l.upstream.length === 2);
    expect(retried?.upstream.map((u) => u.status)).toEqual([null, 200]);
    // A POST with a body cannot be sent twice: 504.
    const post = await get(h.port, '/c', {}, 'body');
    const post2 = await get(h.port, '/d', {}, 'body');
    expect([post.status, post2.status].sort()).toEqual([200, 504]);

    const sticky = await startHarness({
      pools: [
        poolConfig('p2', [hang.port], {
          session_persistence: { type: 'HTTP_COOKIE', persistence_timeout: 20 },
        }),
      ],
      listener: { timeouts: t },
    });
    onTestFinished(sticky.close);
    expect((await get(sticky.port, '/')).status).toBe(504);
  });

  it('logs request_length and bytes_sent as the bytes on the client connection', async () => {
    const be = await backend((_req, res) => res.end('0123456789'));
    onTestFinished(be.close);
    const h = await startHarness({ pools: [poolConfig('p1', [be.port])] });
    onTestFinished(h.close);
    const request = 'GET /len HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\nConnection: close\r\n\r\n';
    const r = await rawRequest(h.port, request);
    expect(r.status).toBe(200);
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect(line.requestLength).toBe(request.length);
    expect(line.bytesSent).toBe(Buffer.byteLength(r.raw, 'latin1'));
    expect(line.bodyBytesSent).toBe(10);
    expect(line.userAgent).toBe('t');
  });

  it('sets x-router-code 40000 / 40001 / 50000 / 50001 as FAQ 1.6 says', async () => {
    const be = await echo();
    onTestFinished(be.close);
    const h = await startHarness({
      pools: [
        poolConfig('empty', []),
        poolConfig('api-empty', []),
        poolConfig('down', [be.port], {
          healthmonitor: {
            type: 'TCP',
            delay: 5,
            timeout: 3,
            max_retries: 3,
            admin_state_up: true,
            url_path: '/',
            http_method: 'GET',
          },
        }),
      ],
      defaultPool: 'empty',
      policies: [
        {
          listener: 'web',
          action: 'REDIRECT_TO_POOL',
          redirect_pool_id: 'api-empty',
          priority: 1,
          rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' }],
        },
        {
          listener: 'web',
          action: 'REDIRECT_TO_POOL',
          redirect_pool_id: 'down',
          priority: 2,
          rules: [{ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: 'down.example.com' }],
        },
      ],
    });
    onTestFinished(h.close);
    const def = await get(h.port, '/');
    expect([def.status, def.headers['x-router-code']]).toEqual([503, '40000']);
    expect(def.body).toContain(LB_PAGE_MARK);
    const api = await get(h.port, '/api/v1');
    expect([api.status, api.headers['x-router-code']]).toEqual([503, '40001']);
    // The pool has a health monitor and no checker has said yes yet: every member is unhealthy.
    const down = await get(h.port, '/', { host: 'down.example.com' });
    expect([down.status, down.headers['x-router-code']]).toEqual([503, '50000']);

    let ready = false;
    const loading = await startHarness({
      pools: [poolConfig('p', [be.port])],
      listener: { isReady: () => ready },
    });
    onTestFinished(loading.close);
    const early = await get(loading.port, '/');
    expect([early.status, early.headers['x-router-code']]).toEqual([503, '50001']);
    ready = true;
    expect((await get(loading.port, '/')).status).toBe(200);
  });

  it('routes by host and path policies in priority order, else to the default pool', async () => {
    const a = await echo();
    const b = await echo();
    const c = await echo();
    for (const s of [a, b, c]) onTestFinished(s.close);
    const h = await startHarness({
      pools: [poolConfig('def', [a.port]), poolConfig('img', [b.port]), poolConfig('shop', [c.port])],
      policies: [
        {
          listener: 'web',
          action: 'REDIRECT_TO_POOL',
          redirect_pool_id: 'shop',
          priority: 2,
          rules: [{ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: '*.shop.com' }],
        },
        {
          listener: 'web',
          action: 'REDIRECT_TO_POOL',
          redirect_pool_id: 'img',
          priority: 1,
          rules: [
            { type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: '*.shop.com' },
            { type: 'PATH', compare_type: 'REGEX', value: '\\.(png|jpg)$' },
          ],
        },
      ],
    });
    onTestFinished(h.close);
    const port = async (host: string, path: string) => (await get(h.port, path, { host })).headers['x-port'];
    expect(await port('www.shop.com', '/logo.png')).toBe(String(b.port));
    expect(await port('www.shop.com', '/cart')).toBe(String(c.port));
    // A wildcard host covers one label only.
    expect(await port('a.b.shop.com', '/cart')).toBe(String(a.port));
    expect(await port('other.com', '/logo.png')).toBe(String(a.port));
  });

  it('keeps a client on one member with the load balancer cookie, and learns application cookies', async () => {
    const a = await echo();
    const b = await echo();
    for (const s of [a, b]) onTestFinished(s.close);
    const h = await startHarness({
      pools: [
        poolConfig('p1', [a.port, b.port], {
          session_persistence: { type: 'HTTP_COOKIE', persistence_timeout: 20 },
        }),
      ],
    });
    onTestFinished(h.close);
    const first = await get(h.port, '/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/Max-Age=1200/);
    const cookie = setCookie.split(';')[0] ?? '';
    const ports = new Set<string | string[] | undefined>();
    for (let i = 0; i < 4; i++) ports.add((await get(h.port, '/', { cookie })).headers['x-port']);
    expect(ports).toEqual(new Set([first.headers['x-port']]));

    const app = (port: number) =>
      backend((_req, res) => {
        res.setHeader('set-cookie', `JSESSIONID=sess-${port}; Path=/`);
        res.setHeader('x-port', String(port));
        res.end('ok');
      });
    const c = await app(0);
    const d = await app(1);
    for (const s of [c, d]) onTestFinished(s.close);
    const h2 = await startHarness({
      pools: [
        poolConfig('p2', [c.port, d.port], {
          session_persistence: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID', persistence_timeout: 20 },
        }),
      ],
    });
    onTestFinished(h2.close);
    const r1 = await get(h2.port, '/');
    const sess = (r1.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const seen = new Set<string | string[] | undefined>();
    for (let i = 0; i < 4; i++) seen.add((await get(h2.port, '/', { cookie: sess })).headers['x-port']);
    expect(seen.size).toBe(1);
    expect(seen.has(r1.headers['x-port'])).toBe(true);
  });

  it('passes a WebSocket upgrade through and splices bytes both ways (FAQ 5.5)', async () => {
    const ws = await rawBackend((s) => {
      let buf = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        if (!buf.includes('\r\n\r\n')) {
          buf += d;
          if (buf.includes('\r\n\r\n')) {
            const xff = /x-forwarded-for: ([^\r\n]*)/i.exec(buf)?.[1] ?? '';
            s.write(
              `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Seen-XFF: ${xff}\r\n\r\n`,
            );
          }
          return;
        }
        s.write(`echo:${d}`);
      });
    });
    onTestFinished(ws.close);
    const h = await startHarness({ pools: [poolConfig('p1', [ws.port])] });
    onTestFinished(h.close);
    const out = await new Promise<string>((resolve, reject) => {
      const s = net.connect(h.port, '127.0.0.1');
      let buf = '';
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`no echo; got ${JSON.stringify(buf)}`));
      }, 5000);
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        buf += d;
        if (buf.includes('\r\n\r\n') && !buf.includes('echo:')) s.write('ping');
        if (buf.includes('echo:ping')) {
          clearTimeout(t);
          s.destroy();
          resolve(buf);
        }
      });
      s.write(
        'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    expect(out).toMatch(/^HTTP\/1\.1 101 /);
    expect(out).toContain('X-Seen-XFF: 127.0.0.1');
    // One access-log line per tunnel, written when it closes.
    for (let i = 0; i < 100 && h.log.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect([line.status, line.uri, line.upstream[0]?.status]).toEqual([101, '/chat', 101]);
    expect(line.bytesSent).toBeGreaterThan(0);

    const empty = await startHarness({ pools: [poolConfig('none', [])] });
    onTestFinished(empty.close);
    const refused = await rawRequest(
      empty.port,
      'GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect([refused.status, refused.headers['x-router-code']]).toEqual([503, '40000']);
  });

  it('logs 499 when the client leaves before the response', async () => {
    const hang = await rawBackend(() => {});
    onTestFinished(hang.close);
    const h = await startHarness({ pools: [poolConfig('p1', [hang.port])] });
    onTestFinished(h.close);
    await rawRequest(h.port, 'GET /gone HTTP/1.1\r\nHost: a\r\n\r\n', { maxMs: 300 });
    for (let i = 0; i < 50 && h.log.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect(line.status).toBe(499);
    expect(line.uri).toBe('/gone');
  });
});
