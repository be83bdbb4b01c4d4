// http-keepalive against real sockets: servers that close an idle keep-alive
// connection after N s (FIN or RST), one that announces Keep-Alive: timeout=N
// (Node's own http server), one that never closes within the bound, one that
// closes after every response, broken answers, TLS (the certificate judged
// as the tls probe judges it, on openssl s_server and nginx), and real nginx
// with its keepalive_timeout. Every observation is checked against the contract.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { httpKeepaliveParams } from '../../../src/probes/contracts/http-keepalive.js';
import {
  holdSeconds,
  httpKeepaliveProbe as unchecked,
  keepAliveTimeoutOf,
} from '../../../src/probes/http-keepalive.js';
import { makeTlsFixtures, TLS_LAB_HOST, type TlsFixtureSet } from '../../../src/lab/tls-fixtures.js';
import { type Certificates, makeCertificates } from '../../helpers/certs.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';
import { nginxMissing, startNginx } from '../../helpers/nginx.js';
import { startOpenSslServer } from '../../helpers/tls-servers.js';

const probe = checked(unchecked);
const params = (p: Record<string, unknown>) => httpKeepaliveParams.parse({ host: '127.0.0.1', ...p });
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** A raw server: answers every request head with `answer`, then calls `after` with the socket. */
async function rawServer(answer: string, after: (s: Socket) => void = () => {}): Promise<number> {
  const { port } = await listenTcp((socket) => {
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      buf = '';
      socket.write(answer, () => after(socket));
    });
  });
  return port;
}

describe('http-keepalive: when the member closes an idle connection', () => {
  it('a FIN 1 s after the response is shorter than a 5 s window, timed', async () => {
    const port = await rawServer(OK, (s) => setTimeout(() => s.end(), 1000));
    const obs = await probe.run(params({ port, lbIdleSeconds: 5 }), localContext());
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { status: 200, persistent: true, ended: 'fin', verdict: 'shorter', lbIdleSeconds: 5 },
    });
    expect(obs.data.idleMs).toBeGreaterThanOrEqual(900);
    expect(obs.data.idleMs).toBeLessThan(2500);
    expect(obs.summary).toMatch(
      /closed \(FIN\) the idle connection after 1(\.\d)? s, within the load balancer's 5 s/,
    );
  });

  it('an RST after 0.5 s is a reset', async () => {
    const port = await rawServer(OK, (s) => setTimeout(() => s.resetAndDestroy(), 500));
    const obs = await probe.run(params({ port, lbIdleSeconds: 5 }), localContext());
    expect(obs).toMatchObject({ outcome: 'fail', data: { ended: 'reset', verdict: 'shorter' } });
    expect(obs.summary).toContain('reset (RST)');
  });

  it("Node's http server announces Keep-Alive: timeout=N and closes after it", async () => {
    const server = createHttpServer((_req, res) => res.end('node'));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const port = (server.address() as { port: number }).port;
    const obs = await probe.run(params({ port, lbIdleSeconds: 60 }), localContext());
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { keepAliveTimeout: 1, verdict: 'shorter', ended: 'fin', body: 'node' },
    });
    expect(obs.data.idleMs).toBeLessThan(4000);
    expect(obs.summary).toContain('announces Keep-Alive timeout=1');
  }, 15_000);

  it('a member that never closes within the bound keeps it longer (pass), held window + 1 s', async () => {
    const port = await rawServer(OK);
    const obs = await probe.run(params({ port, lbIdleSeconds: 1 }), localContext());
    expect(obs).toMatchObject({
      outcome: 'pass',
      data: { ended: 'open', verdict: 'longer', holdSeconds: 2 },
    });
    expect(obs.data.heldMs).toBeGreaterThanOrEqual(1900);
    expect(obs.data).not.toHaveProperty('idleMs');
  });

  it('held only maxIdleSeconds, short of the window: not measured (error, not pass)', async () => {
    const port = await rawServer(OK);
    const obs = await probe.run(params({ port, lbIdleSeconds: 60, maxIdleSeconds: 1 }), localContext());
    expect(obs).toMatchObject({
      outcome: 'error',
      data: { ended: 'open', verdict: 'not-measured', holdSeconds: 1 },
    });
    expect(obs.reason).toContain('not held that long');
  });

  it('Connection: close, or a body delimited by the close: nothing is reused (pass, not held)', async () => {
    const closing = await rawServer(
      'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok',
      (s) => s.end(),
    );
    const a = await probe.run(params({ port: closing }), localContext());
    expect(a).toMatchObject({ outcome: 'pass', data: { persistent: false, verdict: 'not-persistent' } });
    const eof = await rawServer('HTTP/1.1 200 OK\r\n\r\nuntil the end', (s) => s.end());
    const b = await probe.run(params({ port: eof }), localContext());
    expect(b).toMatchObject({ outcome: 'pass', data: { persistent: false, body: 'until the end' } });
  });

  it('maxIdleSeconds 0 sends the request and holds nothing', async () => {
    const port = await rawServer(OK);
    const obs = await probe.run(params({ port, maxIdleSeconds: 0 }), localContext());
    expect(obs).toMatchObject({ outcome: 'pass', data: { verdict: 'not-held', status: 200 } });
    expect(obs.durationMs).toBeLessThan(1000);
  });

  it('reads chunked bodies and skips 100 Continue', async () => {
    const port = await rawServer(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      (s) => setTimeout(() => s.end(), 200),
    );
    const obs = await probe.run(params({ port, lbIdleSeconds: 5 }), localContext());
    expect(obs.data).toMatchObject({ status: 404, statusText: 'Not Found', body: 'abcde', bodyBytesRead: 5 });
    expect(obs.data.verdict).toBe('shorter');
  });
});

describe('http-keepalive: the request as written', () => {
  it('sends method, path, Host and any header, Transfer-Encoding included', async () => {
    let seen = '';
    const { port } = await listenTcp((socket) => {
      socket.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        if (seen.includes('0\r\n\r\n'))
          socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n');
      });
    });
    const obs = await probe.run(
      params({
        port,
        method: 'POST',
        path: '/upload?x=1',
        hostHeader: 'www.example.com',
        headers: { 'Transfer-Encoding': 'gzip, chunked' },
        body: 'hello',
      }),
      localContext(),
    );
    expect(seen).toMatch(/^POST \/upload\?x=1 HTTP\/1\.1\r\nHost: www\.example\.com\r\n/);
    expect(seen).toContain('Transfer-Encoding: gzip, chunked\r\n');
    expect(seen).toContain('\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    expect(obs).toMatchObject({
      data: { status: 501, request: 'POST /upload?x=1 HTTP/1.1, Host: www.example.com' },
    });
  });

  it('rejects a header value that would split the request', () => {
    expect(
      httpKeepaliveParams.safeParse({ host: 'h', port: 1, headers: { 'X-A': 'a\r\nB: c' } }).success,
    ).toBe(false);
    expect(httpKeepaliveParams.safeParse({ host: 'h', port: 1, path: '/a b' }).success).toBe(false);
  });
});

describe('http-keepalive: no complete response, so no hold (error)', () => {
  it('refused, reset before the answer, closed before it, malformed, slow', async () => {
    const refused = await probe.run(params({ port: await closedPort() }), localContext());
    expect(refused).toMatchObject({
      outcome: 'error',
      data: { state: 'refused', error: { kind: 'connect-refused' } },
    });
    expect(refused.reason).toContain('the idle hold could not start');

    const reset = await listenTcp((s) => s.on('data', () => s.resetAndDestroy()));
    expect((await probe.run(params({ port: reset.port }), localContext())).data.error).toMatchObject({
      kind: 'reset-before-response',
    });

    const closed = await listenTcp((s) => s.on('data', () => s.end()));
    expect((await probe.run(params({ port: closed.port }), localContext())).data.error).toMatchObject({
      kind: 'closed-before-response',
    });

    const garbage = await rawServer('HTTP/1.1 TWO-HUNDRED Fine\r\nContent-Length: 2\r\n\r\nok');
    expect((await probe.run(params({ port: garbage }), localContext())).data.error).toMatchObject({
      kind: 'malformed-response',
    });

    const silent = await listenTcp(() => {});
    const slow = await probe.run(params({ port: silent.port }), localContext(500));
    expect(slow).toMatchObject({ outcome: 'error', data: { error: { kind: 'response-timeout' } } });

    const midBody = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', (s) =>
      setTimeout(() => s.resetAndDestroy(), 50),
    );
    expect((await probe.run(params({ port: midBody }), localContext())).data.error).toMatchObject({
      kind: 'reset-mid-body',
    });
  });
});

describe('http-keepalive over TLS', () => {
  let dir: string;
  let certs: Certificates;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-keepalive-'));
    certs = await makeCertificates(dir, [{ name: 'www', sans: ['www.example.com'] }]);
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('an HTTPS member: SNI from the Host header, the idle close seen through TLS', async () => {
    let sni: string | false | null | undefined;
    const server = createHttpsServer(
      { cert: certs.get('www').cert, key: certs.get('www').key },
      (req, res) => {
        sni = (req.socket as import('node:tls').TLSSocket).servername;
        res.end('tls');
      },
    );
    server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const port = (server.address() as { port: number }).port;
    const obs = await probe.run(
      params({
        port,
        protocol: 'HTTPS',
        hostHeader: 'www.example.com',
        ca: certs.ca.cert,
        lbIdleSeconds: 10,
      }),
      localContext(),
    );
    expect(sni).toBe('www.example.com');
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { body: 'tls', verdict: 'shorter', tls: { layer: 'ok', chain: 'ok', hostname: 'ok' } },
    });
  }, 15_000);

  it('plain HTTP on the port fails at the handshake layer, as the tls probe says', async () => {
    // A plain HTTP server answers the ClientHello's bytes with a 400 at once.
    const { port } = await listenTcp((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')),
    );
    const obs = await probe.run(params({ port, protocol: 'HTTPS' }), localContext(1000));
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { error: { kind: 'tls' }, tls: { layer: 'handshake', handshake: { meaning: 'not-tls' } } },
    });
    expect(obs.data.verdict).toBeUndefined();
  });
});

describe('http-keepalive: one TLS verdict on openssl s_server and nginx', { timeout: 60_000 }, () => {
  let dir: string;
  let fx: TlsFixtureSet;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-keepalive-tls-'));
    fx = await makeTlsFixtures(dir);
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const https = (port: number, p: Record<string, unknown> = {}) =>
    params({ port, protocol: 'HTTPS', hostHeader: TLS_LAB_HOST, maxIdleSeconds: 0, ...p });

  it('an expired certificate is a fail with error.kind tls and data.tls, not a silent pass', async () => {
    const port = await startOpenSslServer(fx.get('expired'));
    const obs = await probe.run(https(port, { ca: fx.root.cert }), localContext());
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { error: { kind: 'tls' }, tls: { layer: 'chain', chain: 'expired' } },
    });
    expect(obs.data.status).toBeUndefined();
    expect(obs.summary).toContain('expired');
  });

  it('a certificate for another name fails at the hostname layer', async () => {
    const port = await startOpenSslServer(fx.get('wrong-host'));
    const obs = await probe.run(https(port, { ca: fx.root.cert }), localContext());
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { error: { kind: 'tls' }, tls: { layer: 'hostname', chain: 'ok', hostname: 'mismatch' } },
    });
  });

  it('a self-signed certificate fails without ca; insecure reads the answer and keeps the verdict', async () => {
    const port = await startOpenSslServer(fx.get('self-signed'));
    const strict = await probe.run(https(port), localContext());
    expect(strict).toMatchObject({ outcome: 'fail', data: { tls: { chain: 'self-signed' } } });
    const loose = await probe.run(https(port, { insecure: true }), localContext());
    // s_server -www answers HTTP/1.0 and closes: an answer, read through the bad certificate.
    expect(loose).toMatchObject({
      outcome: 'pass',
      data: { status: 200, tls: { layer: 'chain', chain: 'self-signed' } },
    });
    expect(loose.data.error).toBeUndefined();
    expect(loose.summary).toContain('certificate ignored');
  });

  it('a request that fails after an insecure handshake keeps the certificate verdict', async () => {
    const fixture = fx.get('self-signed');
    // Shakes hands, reads the request, never answers it.
    const server = createHttpsServer({ cert: fixture.cert, key: fixture.key }, () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const port = (server.address() as { port: number }).port;
    const obs = await probe.run(https(port, { insecure: true }), localContext(1000));
    expect(obs).toMatchObject({
      outcome: 'error',
      data: { error: { kind: 'response-timeout' }, tls: { chain: 'self-signed' } },
    });
  });

  it.skipIf(!!nginxMissing)(
    'insecure keeps the keep-alive measurement on nginx serving an expired certificate',
    async () => {
      const port = await closedPort();
      const cert = fx.get('expired');
      const nginx = await startNginx(
        `server { listen 127.0.0.1:${port} ssl; ssl_certificate ${cert.certPath}; ` +
          `ssl_certificate_key ${cert.keyPath}; keepalive_timeout 1s; ` +
          'location / { return 200 "tls\\n"; } }',
        [port],
      );
      onTestFinished(() => nginx.close());
      const strict = await probe.run(https(port, { ca: fx.root.cert, maxIdleSeconds: 75 }), localContext());
      expect(strict).toMatchObject({ outcome: 'fail', data: { tls: { chain: 'expired' } } });
      expect(strict.data.verdict).toBeUndefined();
      const obs = await probe.run(
        https(port, { ca: fx.root.cert, insecure: true, maxIdleSeconds: 75, lbIdleSeconds: 60 }),
        localContext(),
      );
      expect(obs).toMatchObject({
        outcome: 'fail',
        data: { verdict: 'shorter', ended: 'fin', body: 'tls\n', tls: { chain: 'expired' } },
      });
      expect(obs.data.idleMs).toBeGreaterThanOrEqual(900);
      expect(obs.data.idleMs).toBeLessThan(3000);
    },
  );
});

describe('http-keepalive: parameters and time', () => {
  it('holds the window + 1 s, at most maxIdleSeconds, and asks the engine for that long', () => {
    expect(holdSeconds({ lbIdleSeconds: 60, maxIdleSeconds: 75 })).toBe(61);
    expect(holdSeconds({ lbIdleSeconds: 300, maxIdleSeconds: 75 })).toBe(75);
    expect(unchecked.extraTimeMs?.(params({ port: 1 }))).toBe(61_000);
    expect(params({ port: 1 })).toMatchObject({
      lbIdleSeconds: 60,
      maxIdleSeconds: 75,
      method: 'GET',
      path: '/',
    });
  });

  it('reads timeout=N out of a Keep-Alive header', () => {
    expect(keepAliveTimeoutOf('timeout=5, max=100')).toBe(5);
    expect(keepAliveTimeoutOf('max=100,timeout=30')).toBe(30);
    expect(keepAliveTimeoutOf('max=100')).toBeUndefined();
    expect(keepAliveTimeoutOf(undefined)).toBeUndefined();
  });
});

if (nginxMissing) console.warn(`skipping the nginx http-keepalive tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('http-keepalive on real nginx', { timeout: 30_000 }, () => {
  it('keepalive_timeout 1s is measured; the default (75 s) outlasts a 2 s window', async () => {
    const short = await closedPort();
    const long = await closedPort();
    const nginx = await startNginx(
      [
        `server { listen 127.0.0.1:${short}; keepalive_timeout 1s; location / { return 200 "short\\n"; } }`,
        `server { listen 127.0.0.1:${long}; location / { return 200 "long\\n"; } }`,
      ].join('\n'),
      [short, long],
    );
    onTestFinished(() => nginx.close());
    const a = await probe.run(params({ port: short, lbIdleSeconds: 60 }), localContext());
    expect(a).toMatchObject({ outcome: 'fail', data: { verdict: 'shorter', ended: 'fin', body: 'short\n' } });
    expect(a.data.idleMs).toBeGreaterThanOrEqual(900);
    expect(a.data.idleMs).toBeLessThan(3000);
    expect(String((a.data.headers as Record<string, string>).server)).toMatch(/^nginx/);
    const b = await probe.run(params({ port: long, lbIdleSeconds: 2 }), localContext());
    expect(b).toMatchObject({ outcome: 'pass', data: { verdict: 'longer', ended: 'open' } });
  });
});
