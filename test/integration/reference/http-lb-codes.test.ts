// The load balancer's own answers and timeouts (FAQ 1.5 Table 1-5, 5.6):
// 400 header section > 64 KB, 414, 413, 408, idle timeout, and access control.
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { LB_PAGE_MARK } from '../../../src/reference/http/lb-responses.js';
import type { HttpTimeouts } from '../../../src/reference/http/listener.js';
import { backend, get, poolConfig, rawRequest, startHarness } from './http-harness.js';

const timeouts = (t: Partial<HttpTimeouts>): HttpTimeouts => ({
  keepaliveSeconds: 60,
  clientSeconds: 60,
  memberSeconds: 60,
  connectMs: 5000,
  ...t,
});

async function setup(listener: Parameters<typeof startHarness>[0]['listener'] = {}) {
  let reached = 0;
  const be = await backend((req, res) => {
    reached++;
    req.resume();
    req.on('end', () => res.end('backend-ok'));
  });
  onTestFinished(be.close);
  const h = await startHarness({ pools: [poolConfig('p1', [be.port])], listener });
  onTestFinished(h.close);
  return { h, reached: () => reached };
}

describe('load balancer status codes', () => {
  it('400 for a header section over 64 KB, 414 for a long URI, below it the request passes', async () => {
    const { h, reached } = await setup();
    const big = await rawRequest(
      h.port,
      `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`,
    );
    expect(big.status).toBe(400);
    expect(big.body).toContain(LB_PAGE_MARK);
    const longUri = await rawRequest(h.port, `GET /${'u'.repeat(40 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    expect(longUri.status).toBe(414);
    const hugeUri = await rawRequest(h.port, `GET /${'u'.repeat(70 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    expect(hugeUri.status).toBe(414);
    expect(reached()).toBe(0);
    const fine = await rawRequest(
      h.port,
      `GET /${'u'.repeat(8 * 1024)} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
    );
    expect(fine.status).toBe(200);
    expect(reached()).toBe(1);
    const codes = h.log.map((l) => parseElbAccessLogLine(l).status);
    expect(codes).toEqual([400, 414, 414, 200]);
  });

  it('413 when Content-Length or a chunked body exceeds client_body_limit', async () => {
    const { h, reached } = await setup({ bodyLimit: 100 });
    const declared = await rawRequest(
      h.port,
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n${'x'.repeat(101)}`,
    );
    expect(declared.status).toBe(413);
    expect(reached()).toBe(0);
    const chunk = 'x'.repeat(60);
    const chunked = await rawRequest(
      h.port,
      `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n${chunk}\r\n3c\r\n${chunk}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
    expect(chunked.closed).toBe(true);
    const ok = await rawRequest(
      h.port,
      `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\nConnection: close\r\n\r\n${'x'.repeat(100)}`,
    );
    expect(ok.status).toBe(200);
  });

  it('answers Expect: 100-continue with 413 at once for a body over the limit, with 100 otherwise', async () => {
    const { h, reached } = await setup({ bodyLimit: 100 });
    const refused = await rawRequest(
      h.port,
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(refused.status).toBe(413);
    expect(refused.raw).not.toContain('100 Continue');
    expect(reached()).toBe(0);
    const go = await new Promise<string>((resolve, reject) => {
      const s = net.connect(h.port, '127.0.0.1');
      let buf = '';
      const t = setTimeout(() => reject(new Error(`stuck: ${buf}`)), 5000);
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        buf += d;
        if (buf.startsWith('HTTP/1.1 100') && !buf.includes('backend-ok') && buf.endsWith('\r\n\r\n'))
          s.write('12345');
        if (buf.includes('backend-ok')) {
          clearTimeout(t);
          s.destroy();
          resolve(buf);
        }
      });
      s.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    });
    expect(go).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(reached()).toBe(1);
  });

  it('408 when the client is too slow with its headers or its body (client_timeout)', async () => {
    const { h, reached } = await setup({ timeouts: timeouts({ clientSeconds: 1 }) });
    const slowHead = await rawRequest(h.port, 'GET / HTTP/1.1\r\nHost: a\r\n', {
      maxMs: 10_000,
      quietMs: 5000,
    });
    expect(slowHead.status).toBe(408);
    expect(slowHead.body).toContain(LB_PAGE_MARK);
    expect(reached()).toBe(0);
    const slowBody = await rawRequest(h.port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc', {
      maxMs: 10_000,
      quietMs: 5000,
    });
    expect(slowBody.status).toBe(408);
    expect(slowBody.closed).toBe(true);
  });

  it('closes an idle keep-alive connection after keepalive_timeout, and every connection when it is 0', async () => {
    const { h } = await setup({ timeouts: timeouts({ keepaliveSeconds: 1 }) });
    const idle = await rawRequest(h.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', {
      maxMs: 10_000,
      quietMs: 8000,
    });
    expect(idle.status).toBe(200);
    expect(idle.closed).toBe(true);
    const zero = await setup({ timeouts: timeouts({ keepaliveSeconds: 0 }) });
    const r = await rawRequest(zero.h.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', {
      maxMs: 10_000,
      quietMs: 8000,
    });
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('HEAD gets LB answers without a body', async () => {
    const h = await startHarness({ pools: [poolConfig('empty', [])] });
    onTestFinished(h.close);
    const r = await rawRequest(h.port, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(r.status).toBe(503);
    expect(r.headers['x-router-code']).toBe('40000');
    expect(r.body).toBe('');
  });

  it('refuses clients a whitelist leaves out and admits listed ones (FAQ 1.1)', async () => {
    const denied = await setup({ ipgroup: { type: 'white', ip_list: ['10.0.0.0/8'], enable: true } });
    const r = await rawRequest(denied.h.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(r.status).toBeNull();
    expect(r.closed).toBe(true);
    expect(denied.reached()).toBe(0);
    expect(
      denied.h.metrics.get('lbdoctor_connections_refused_total', {
        listener: 'web',
        reason: 'access-control',
      }),
    ).toBe(1);
    const allowed = await setup({ ipgroup: { type: 'white', ip_list: ['127.0.0.0/8'], enable: true } });
    expect((await get(allowed.h.port, '/')).status).toBe(200);
  });

  it('drains: close({ drain: true }) lets an in-flight request finish', async () => {
    let release: () => void = () => {};
    const be = await backend((_req, res) => {
      release = () => res.end('finished');
    });
    onTestFinished(be.close);
    const h = await startHarness({ pools: [poolConfig('p1', [be.port])] });
    const pending = get(h.port, '/slow');
    for (let i = 0; i < 100 && h.metrics.get('lbdoctor_active_connections', { listener: 'web' }) === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
    const closing = h.listener.close({ drain: true, drainMs: 10_000 });
    // New connections are refused once closing started.
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(h.port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    release();
    const r = await pending;
    expect([r.status, r.body]).toEqual([200, 'finished']);
    await closing;
  });
});
