// Each fault of the lab backends is real: seen by a raw socket or a real HTTP
// client, not inferred from the backend's own state.
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpBackend, tcpBackend, udpBackend } from '../../helpers/servers.js';

interface RawResult {
  data: string;
  /** How the connection ended: `end` (FIN), an error code such as ECONNRESET, or `open` when we gave up waiting. */
  ending: string;
}

/** Sends `payload` on a raw socket and collects what comes back until FIN, an error or `waitMs`. */
function raw(port: number, payload: string | undefined, waitMs = 3000): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (ending: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data, ending });
    };
    const timer = setTimeout(() => done('open'), waitMs);
    socket.on('connect', () => {
      if (payload !== undefined) socket.write(payload);
    });
    socket.on('data', (d) => {
      data += d.toString('latin1');
    });
    socket.on('end', () => done('end'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers, agent: false, ...(signal ? { signal } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const request1 = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

describe('HTTP backend', () => {
  it('a client that leaves mid-body does not take the backend down', async () => {
    const be = await httpBackend({ name: 'be1' });
    const s = connect(be.port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789');
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await get(be.port, '/after')).status).toBe(200);
  });

  it('answers 200 with its name by default and counts requests', async () => {
    const be = await httpBackend({ name: 'be1' });
    const res = await get(be.port, '/anything');
    expect(res.status).toBe(200);
    expect(res.headers['x-backend']).toBe('be1');
    expect(res.body).toBe('be1\n');
    expect(be.stats()).toMatchObject({ requests: 1, byPath: { '/anything': 1 } });
  });

  it('answers a chosen code per path, on the health path and per Host header', async () => {
    const be = await httpBackend({
      healthPath: '/health',
      healthStatus: 404,
      rules: [
        { path: '/status', host: 'good.example', answer: { status: 200 } },
        { path: '/status', answer: { status: 403, body: 'wrong host' } },
        { path: '/teapot', answer: { status: 418 } },
      ],
    });
    expect((await get(be.port, '/health')).status).toBe(404);
    expect((await get(be.port, '/teapot')).status).toBe(418);
    expect((await get(be.port, '/status', { host: 'good.example:8080' })).status).toBe(200);
    const wrong = await get(be.port, '/status', { host: 'other.example' });
    expect([wrong.status, wrong.body]).toEqual([403, 'wrong host']);
  });

  it('echoes the request headers as JSON (X-Forwarded-For checks)', async () => {
    const be = await httpBackend({ default: { echo: true } });
    const res = await get(be.port, '/x?y=1', {
      'x-forwarded-for': '203.0.113.7',
      'x-real-ip': '203.0.113.7',
    });
    const echoed = JSON.parse(res.body);
    expect(echoed.url).toBe('/x?y=1');
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.7');
    expect(echoed.headers['x-real-ip']).toBe('203.0.113.7');
    expect(echoed.remoteAddress).toBe('127.0.0.1');
  });

  it('sets a cookie', async () => {
    const be = await httpBackend({ default: { setCookie: 'SESSION=abc; Path=/' } });
    expect((await get(be.port, '/')).headers['set-cookie']).toEqual(['SESSION=abc; Path=/']);
  });

  it('delays its answer (a client that gives up first never sees it)', async () => {
    const be = await httpBackend({ rules: [{ path: '/slow', answer: { delayMs: 10_000 } }] });
    await expect(get(be.port, '/slow', {}, AbortSignal.timeout(200))).rejects.toThrow(/abort/i);
    // The fast path still answers on another connection meanwhile.
    expect((await get(be.port, '/fast')).status).toBe(200);
  });

  it('closes idle keep-alive connections after its own (short) keep-alive timeout', async () => {
    // Node's default is 5 s (plus 1 s); the test waits at most 3 s, so only the configured 150 ms can close it.
    const be = await httpBackend({ keepAliveTimeoutMs: 150 });
    const res = await raw(be.port, request1);
    expect(res.data).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(res.data).toMatch(/keep-alive/i);
    expect(res.ending).toBe('end');
  });

  it('sends an RST on connect', async () => {
    const be = await httpBackend({ onConnect: 'reset' });
    const res = await raw(be.port, request1);
    expect(res).toEqual({ data: '', ending: 'ECONNRESET' });
    await expect(get(be.port, '/')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('sends an RST in the middle of a response', async () => {
    const be = await httpBackend({ default: { fault: 'reset-mid-response' } });
    const res = await raw(be.port, request1);
    expect(res.data).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial/);
    expect(res.ending).toBe('ECONNRESET');
  });

  it('answers with a malformed status line that a real HTTP client rejects', async () => {
    const be = await httpBackend({ default: { fault: 'malformed-status' } });
    expect((await raw(be.port, request1)).data).toMatch(/^HTTP\/1\.1 TWO-HUNDRED/);
    await expect(get(be.port, '/')).rejects.toMatchObject({ code: expect.stringMatching(/^HPE_/) });
  });

  it('answers with an invalid header that a real HTTP client rejects', async () => {
    const be = await httpBackend({ default: { fault: 'invalid-header' } });
    await expect(get(be.port, '/')).rejects.toMatchObject({ code: expect.stringMatching(/^HPE_/) });
  });

  it('hangs: reads the request and never answers', async () => {
    const be = await httpBackend({ default: { fault: 'hang' } });
    const res = await raw(be.port, request1, 500);
    expect(res).toEqual({ data: '', ending: 'open' });
    expect(be.stats().requests).toBe(1);
  });

  it('closes without answering', async () => {
    const be = await httpBackend({ rules: [{ path: '/', answer: { fault: 'close' } }] });
    expect(await raw(be.port, request1)).toEqual({ data: '', ending: 'end' });
  });

  it('close() drops hung connections', async () => {
    const be = await httpBackend({ default: { fault: 'hang' } });
    const pending = raw(be.port, request1, 5000);
    while (be.stats().requests === 0) await new Promise((r) => setTimeout(r, 10));
    await be.close();
    expect((await pending).ending).not.toBe('open');
  });
});

describe('TCP backend', () => {
  it('echoes', async () => {
    const be = await tcpBackend({ banner: 'hi:' });
    const socket = connect(be.port, '127.0.0.1');
    socket.end('ping');
    let data = '';
    for await (const chunk of socket) data += String(chunk);
    expect(data).toBe('hi:ping');
  });

  it('resets every connection', async () => {
    const be = await tcpBackend({ mode: 'reset' });
    expect(await raw(be.port, 'ping')).toEqual({ data: '', ending: 'ECONNRESET' });
  });

  it('accepts and hangs', async () => {
    const be = await tcpBackend({ mode: 'hang' });
    expect(await raw(be.port, 'ping', 500)).toEqual({ data: '', ending: 'open' });
    expect(be.stats()).toEqual({ connections: 1, bytesIn: 4 });
  });
});

/** Sends one datagram on a connected UDP socket: the reply, `ECONNREFUSED` (ICMP port unreachable), or `silence`. */
function udpExchange(port: number, waitMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (what: string) => {
      clearTimeout(timer);
      socket.close();
      resolve(what);
    };
    const timer = setTimeout(() => done('silence'), waitMs);
    socket.on('message', (msg) => done(msg.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.connect(port, '127.0.0.1', () => socket.send('ping'));
  });
}

describe('UDP backend', () => {
  it('echoes', async () => {
    const be = await udpBackend({ prefix: 'u1:' });
    expect(await udpExchange(be.port)).toBe('u1:ping');
  });

  it('has no socket, so the kernel answers ICMP port unreachable', async () => {
    const be = await udpBackend({ mode: 'closed' });
    expect(await udpExchange(be.port)).toBe('ECONNREFUSED');
  });

  it('stays silent (no reply, no ICMP error)', async () => {
    const be = await udpBackend({ mode: 'silent' });
    expect(await udpExchange(be.port, 500)).toBe('silence');
    expect(be.stats().datagrams).toBe(1);
  });
});
