// What the access log says about a request the reference load balancer
// refuses (400, 413, 414, 501): the method, Host and request-target the client
// sent, escaped per the ELB layout — not `-` and `/`, which hid what a client
// got wrong. Compared field for field with what nginx 1.22 (on which ELB's
// layer 7 is built) logs for the same bytes, where nginx reads them too.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { MAX_LOGGED_TARGET } from '../../../src/reference/http/exchange-record.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';
import { backend, closedPort, poolConfig, rawRequest, startHarness } from './http-harness.js';

/** nginx's $client_max_body_size and the reference's bodyLimit, alike. */
const BODY_LIMIT = 10;

/** Bad requests both refuse in their request checks, and what the log must say. */
const CASES = [
  {
    name: 'two Host headers (the first one is logged)',
    bytes: 'GET /dup?q=1 HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n',
    status: 400,
    request: 'GET http://a.example/dup?q=1 HTTP/1.1',
  },
  {
    name: 'HTTP/1.1 without Host',
    bytes: 'GET /nohost?x=1 HTTP/1.1\r\n\r\n',
    status: 400,
    request: 'GET http://-/nohost?x=1 HTTP/1.1',
  },
  {
    name: 'a body over the limit',
    bytes: 'POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: 100\r\n\r\n',
    status: 413,
    request: 'POST http://a.example/upload HTTP/1.1',
  },
  {
    name: 'Transfer-Encoding gzip (FAQ 1.5: 501)',
    bytes: 'POST /te HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: gzip\r\n\r\n',
    status: 501,
    request: 'POST http://a.example/te HTTP/1.1',
  },
  {
    name: 'Content-Length and Transfer-Encoding together',
    bytes:
      'POST /clte HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    request: 'POST http://a.example/clte HTTP/1.1',
  },
  {
    name: 'an absolute-form target (its host wins over Host)',
    bytes: 'GET http://abs.example/abs?y=2 HTTP/1.1\r\nHost: a.example\r\nContent-Length: x\r\n\r\n',
    status: 400,
    request: 'GET http://abs.example/abs?y=2 HTTP/1.1',
  },
  {
    name: 'Transfer-Encoding in HTTP/1.0',
    bytes: 'POST /te10 HTTP/1.0\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    request: 'POST http://a.example/te10 HTTP/1.0',
  },
] as const;

/** `status "request"` out of a reference access-log line. */
function referenceRequest(line: string | undefined): { status: number; request: string } {
  const m = /^\S+ \S+ \[[^\]]+\] elb_01 \S+ (\d{3}) "([^"]*)"/.exec(line ?? '');
  if (!m) throw new Error(`not an access-log line: ${line}`);
  return { status: Number(m[1]), request: m[2] ?? '' };
}

/** Sends `bytes` to a fresh reference listener; its one member is `memberPort` or a closed port. */
async function reference(bytes: string, memberPort?: number) {
  const h = await startHarness({
    pools: [poolConfig('p1', [memberPort ?? (await closedPort())])],
    listener: { bodyLimit: BODY_LIMIT },
  });
  onTestFinished(h.close);
  const res = await rawRequest(h.port, Buffer.from(bytes, 'latin1'));
  // The line is written as the response ends; give the log sink a moment.
  for (let i = 0; i < 50 && h.log.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return { res, line: h.log.at(-1) };
}

describe('reference LB: a refused request is logged as the client sent it', () => {
  for (const c of CASES) {
    it(`${c.status}: ${c.name}`, async () => {
      const { res, line } = await reference(c.bytes);
      expect(res.status).toBe(c.status);
      expect(referenceRequest(line)).toEqual({ status: c.status, request: c.request });
    });
  }

  it('quotes and backslashes in the target are escaped as nginx escapes them', async () => {
    const { res, line } = await reference(
      'GET /a"b\\c\xe9 HTTP/1.1\r\nHost: a.example\r\nX-Bad: \x01\r\n\r\n',
    );
    expect(res.status).toBe(400);
    expect(referenceRequest(line).request).toBe('GET http://a.example/a\\x22b\\x5Cc\\xE9 HTTP/1.1');
  });

  it('414: method, Host and the first 2 KiB of the target, marked as cut', async () => {
    const target = `/${'a'.repeat(40 * 1024)}`;
    const { res, line } = await reference(`GET ${target} HTTP/1.1\r\nHost: a.example\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(referenceRequest(line).request).toBe(
      `GET http://a.example${target.slice(0, MAX_LOGGED_TARGET)}... HTTP/1.1`,
    );
  });

  it('a head that never parsed: its request line and its Host line', async () => {
    const { res, line } = await reference('GET /m?z=3 HTTP/1.1\r\nHost: a.example\r\nBad Header\r\n\r\n');
    expect(res.status).toBe(400);
    expect(referenceRequest(line)).toEqual({ status: 400, request: 'GET http://a.example/m?z=3 HTTP/1.1' });
  });

  it('a request that passes the checks is logged as before', async () => {
    const be = await backend((_req, res) => res.end('ok'));
    onTestFinished(be.close);
    const { res, line } = await reference(
      'GET /fine?k=v HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n',
      be.port,
    );
    expect(res.status).toBe(200);
    expect(referenceRequest(line)).toEqual({
      status: 200,
      request: 'GET http://a.example/fine?k=v HTTP/1.1',
    });
  });
});

if (nginxMissing) console.warn(`skipping the nginx comparison of refused-request logs: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('refused-request log lines: reference LB vs nginx 1.22', () => {
  let dir: string;
  let nginx: RunningNginx;
  let port = 0;
  let logPath = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-refused-log-'));
    logPath = join(dir, 'access.log');
    port = await closedPort();
    // ELB's request field, nginx's variables: "$request_method $scheme://$host$router_request_uri $server_protocol".
    nginx = await startNginx(
      [
        `log_format refused '$status "$request_method $scheme://$host$request_uri $server_protocol"';`,
        `server { listen 127.0.0.1:${port}; client_max_body_size ${BODY_LIMIT};`,
        `  access_log ${logPath} refused; location / { return 200 "ok\\n"; } }`,
      ].join('\n'),
      [port],
    );
  });
  afterAll(async () => {
    await nginx?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function nginxLine(bytes: string): Promise<string> {
    const before = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').length;
    await rawRequest(port, Buffer.from(bytes, 'latin1'));
    for (let i = 0; i < 100; i++) {
      const lines = (await readFile(logPath, 'utf8').catch(() => '')).split('\n');
      if (lines.length > before) return lines.at(-2) ?? '';
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('nginx wrote no access-log line');
  }

  for (const c of CASES) {
    it(`${c.status}: ${c.name}`, async () => {
      const m = /^(\d{3}) "([^"]*)"$/.exec(await nginxLine(c.bytes));
      // nginx leaves an empty $host empty; the ELB layout writes `-` for an empty field.
      const fromNginx = { status: Number(m?.[1]), request: (m?.[2] ?? '').replace(/:\/\/(?=\/)/, '://-') };
      const { line } = await reference(c.bytes);
      expect(referenceRequest(line)).toEqual(fromNginx);
    });
  }
});
