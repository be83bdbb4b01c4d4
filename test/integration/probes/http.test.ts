import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpProbe as unchecked } from '../../../src/probes/http.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the http contract (src/probes/contracts/http.ts). */
const httpProbe = checked(unchecked);

async function listenHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return address.port;
}

const run = (params: Record<string, unknown>, timeoutMs = 3000) =>
  httpProbe.run(httpProbe.params.parse(params), localContext(timeoutMs));

describe('http probe', () => {
  it('returns status, lowercased headers (x-router-code, set-cookie), a body excerpt and timings', async () => {
    const port = await listenHttp((_req, res) => {
      res.setHeader('X-Router-Code', '50000');
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2']);
      res.writeHead(503, 'Service Unavailable');
      res.end('all backends are down');
    });
    const obs = await run({ url: `http://127.0.0.1:${port}/health` });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.status).toBe(503);
    expect(obs.data.routerCode).toBe('50000');
    const headers = obs.data.headers as Record<string, unknown>;
    expect(headers['x-router-code']).toBe('50000');
    expect(headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(obs.data.body).toBe('all backends are down');
    const t = obs.data.timings as Record<string, number>;
    for (const phase of ['connectMs', 'firstByteMs', 'totalMs']) expect(typeof t[phase]).toBe('number');
    expect(t.dnsMs).toBeUndefined();
    expect(obs.raw).toContain('x-router-code: 50000');
  });

  it('passes or fails on the expected status list', async () => {
    const port = await listenHttp((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const ok = await run({ host: '127.0.0.1', port, path: '/', expect: { status: ['5xx'] } });
    expect(ok.outcome).toBe('pass');
    const bad = await run({ host: '127.0.0.1', port, expect: { status: '200-299,401' } });
    expect(bad.outcome).toBe('fail');
    expect(bad.expected).toBe('status 200-299, 401');
    expect(bad.actual).toBe('status 502');
  });

  it('pins the connection to an IP while keeping the Host header (curl --connect-to), sends cookies and a body', async () => {
    const port = await listenHttp((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ host: req.headers.host, cookie: req.headers.cookie, method: req.method, body }),
        );
      });
    });
    const obs = await run({
      url: `http://www.example.invalid:${port}/echo`,
      connectTo: '127.0.0.1',
      method: 'POST',
      cookies: { SERVERID: 'be1', lang: 'en' },
      body: 'hello',
    });
    expect(obs.outcome).toBe('pass');
    expect(JSON.parse(String(obs.data.body))).toEqual({
      host: `www.example.invalid:${port}`,
      cookie: 'SERVERID=be1; lang=en',
      method: 'POST',
      body: 'hello',
    });
    expect(obs.data.dialed).toBe(`127.0.0.1:${port}`);
  });

  it('sends an explicit Host header', async () => {
    const port = await listenHttp((req, res) => res.end(req.headers.host));
    const obs = await run({ host: '127.0.0.1', port, hostHeader: 'api.example.com' });
    expect(obs.data.body).toBe('api.example.com');
  });

  it('bounds the body excerpt', async () => {
    const port = await listenHttp((_req, res) => res.end('x'.repeat(200_000)));
    const obs = await run({ host: '127.0.0.1', port, bodyBytes: 100 });
    expect(obs.outcome).toBe('pass');
    expect(String(obs.data.body)).toHaveLength(100);
    expect(obs.data.bodyTruncated).toBe(true);
  });

  it('is an error with kind connect-refused when nothing listens', async () => {
    const port = await closedPort();
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('connect-refused');
    expect(obs.reason).toMatch(/refused/);
  });

  it('is an error with kind reset-before-response when the server RSTs the request', async () => {
    const { port } = await listenTcp((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('reset-before-response');
  });

  it('is an error with kind reset-before-response when the RST comes while the request body is still going out', async () => {
    const { port } = await listenTcp((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const obs = await run({ host: '127.0.0.1', port, method: 'POST', body: 'x'.repeat(4 * 1024 * 1024) });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('reset-before-response');
  });

  it('puts a slow first byte in firstByteMs, not in connectMs', async () => {
    const port = await listenHttp((_req, res) => {
      setTimeout(() => res.end('late'), 250);
    });
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('pass');
    const t = obs.data.timings as { connectMs: number; firstByteMs: number; totalMs: number };
    // Lower bounds only: the server cannot answer before its own delay.
    expect(t.firstByteMs).toBeGreaterThanOrEqual(240);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.firstByteMs);
  });

  it('is an error with kind closed-before-response when the server closes without answering', async () => {
    const { port } = await listenTcp((socket) => socket.once('data', () => socket.end()));
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('closed-before-response');
  });

  it('fails with kind reset-mid-body and keeps the status when the RST comes during the body', async () => {
    const { port } = await listenTcp((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nX-Router-Code: 40000\r\n\r\npartial', () =>
          setTimeout(() => socket.resetAndDestroy(), 50),
        );
      }),
    );
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('fail');
    expect(obs.data.status).toBe(200);
    expect(obs.data.routerCode).toBe('40000');
    expect((obs.data.error as { kind: string }).kind).toBe('reset-mid-body');
  });

  it('is an error with kind malformed-response on a bad status line', async () => {
    const { port } = await listenTcp((socket) =>
      socket.once('data', () => socket.end('HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')),
    );
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('malformed-response');
  });

  it('is an error with kind malformed-response on an invalid header line', async () => {
    const { port } = await listenTcp((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nBad Header\r\nContent-Length: 0\r\n\r\n')),
    );
    const obs = await run({ host: '127.0.0.1', port });
    expect((obs.data.error as { kind: string }).kind).toBe('malformed-response');
  });

  it('is an error with kind response-timeout when the first byte never comes', async () => {
    const { port } = await listenTcp(() => {});
    const obs = await run({ host: '127.0.0.1', port, responseTimeoutMs: 300 });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('response-timeout');
    expect((obs.data.timings as { connectMs?: number }).connectMs).toBeTypeOf('number');
  });

  it("reads a run's deadline (AbortSignal.timeout) during the wait as a response timeout", async () => {
    const { port } = await listenTcp(() => {});
    const signal = AbortSignal.timeout(300);
    const obs = await httpProbe.run(httpProbe.params.parse({ host: '127.0.0.1', port }), {
      ...localContext(),
      signal,
    });
    expect(obs.outcome).toBe('error');
    expect((obs.data.error as { kind: string }).kind).toBe('response-timeout');
  });

  it('rejects parameters that do not make a request', () => {
    expect(httpProbe.params.safeParse({}).success).toBe(false);
    expect(httpProbe.params.safeParse({ url: 'ftp://x/' }).success).toBe(false);
    expect(httpProbe.params.safeParse({ url: 'http://x/', host: 'y' }).success).toBe(false);
    expect(httpProbe.params.safeParse({ url: 'http://x/', connectTo: 'not-an-ip' }).success).toBe(false);
    expect(httpProbe.params.safeParse({ url: 'http://x/', expect: { status: '2xy' } }).success).toBe(false);
    expect(httpProbe.params.safeParse({ url: 'http://x/', connectTo: '[::1]:8080' }).success).toBe(true);
  });
});
