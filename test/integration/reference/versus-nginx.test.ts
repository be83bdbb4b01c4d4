// Hostile members behind real nginx and behind the reference load balancer.
// A member that cuts its body short: the client must see the same thing
// (status, the bytes relayed, a normal close it can tell from a whole body),
// except where nginx's normal close hides the cut — an HTTP/1.0 client whose
// body ends with the connection — and the reference load balancer resets
// instead. A Content-Length with leading zeros: nginx re-reads it as decimal
// and forwards another spelling; the reference load balancer refuses it.
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';
import {
  closedPort,
  type Harness,
  poolConfig,
  rawBackend,
  rawRequest,
  startHarness,
} from './http-harness.js';

/** What the member does once it has read a request head (`head`: all bytes read so far). */
type Misbehaviour = (s: net.Socket, head: string) => void;

if (nginxMissing) console.warn(`skipping the nginx comparison of hostile members: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('hostile members: reference LB vs nginx', { timeout: 30_000 }, () => {
  let behave: Misbehaviour = () => {};
  let member: Awaited<ReturnType<typeof rawBackend>>;
  let h: Harness;
  let nginx: RunningNginx;
  let nginxPort = 0;

  beforeAll(async () => {
    member = await rawBackend((s) => {
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        s.off('data', onData);
        behave(s, head);
      };
      s.on('data', onData);
    });
    h = await startHarness({ pools: [poolConfig('p1', [member.port])] });
    nginxPort = await closedPort();
    nginx = await startNginx(
      `server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://127.0.0.1:${member.port}; proxy_http_version 1.1; } }`,
      [nginxPort],
    );
  });

  afterAll(async () => {
    await nginx?.close();
    await h?.close();
    await member?.close();
  });

  async function both(misbehave: Misbehaviour, payload: string) {
    behave = misbehave;
    const viaNginx = await rawRequest(nginxPort, payload, { quietMs: 2000 });
    const viaReference = await rawRequest(h.port, payload, { quietMs: 2000 });
    return { viaNginx, viaReference };
  }

  const GET = 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n';
  const truncated: Misbehaviour = (s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`);
    setTimeout(() => s.end(), 50);
  };
  const midChunk: Misbehaviour = (s) => {
    s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${'y'.repeat(50)}`);
    setTimeout(() => s.end(), 50);
  };

  it('Content-Length 1000, 100 bytes: both send 200, Content-Length 1000, 100 bytes, then close', async () => {
    const { viaNginx, viaReference } = await both(truncated, GET);
    for (const r of [viaNginx, viaReference]) {
      expect(r).toMatchObject({ status: 200, closed: true, reset: false });
      expect(r.headers['content-length']).toBe('1000');
      expect(r.body).toBe('x'.repeat(100));
    }
  });

  it('closed mid-chunk: both close with the chunk unfinished and no last chunk', async () => {
    const { viaNginx, viaReference } = await both(midChunk, GET);
    for (const r of [viaNginx, viaReference]) {
      expect(r).toMatchObject({ status: 200, closed: true, reset: false });
      expect(r.headers['transfer-encoding']).toBe('chunked');
      expect(r.body).not.toMatch(/\r\n0\r\n\r\n$/);
    }
  });

  it('Content-Length 005 from a member: nginx forwards it re-read as 5, the reference LB answers 502', async () => {
    const zeros: Misbehaviour = (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 005\r\n\r\nhello');
    const { viaNginx, viaReference } = await both(
      zeros,
      'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    expect(viaNginx).toMatchObject({ status: 200, body: 'hello' });
    expect(viaNginx.headers['content-length']).toBe('5');
    expect(viaReference.status).toBe(502);
  });

  it('Content-Length 007 from a client: nginx forwards it re-read as 7, the reference LB answers 400', async () => {
    let forwarded = '';
    behave = (s, head) => {
      forwarded = head;
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    };
    const post = 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\nConnection: close\r\n\r\n1234567';
    const viaNginx = await rawRequest(nginxPort, post, { quietMs: 2000 });
    expect(viaNginx.status).toBe(200);
    expect(forwarded).toMatch(/\r\nContent-Length: 7\r\n/);
    forwarded = '';
    const viaReference = await rawRequest(h.port, post, { quietMs: 2000 });
    expect(viaReference.status).toBe(400);
    expect(forwarded).toBe('');
  });

  it('HTTP/1.0 client: nginx closes normally (50 bytes look whole), the reference LB resets', async () => {
    const { viaNginx, viaReference } = await both(midChunk, 'GET /x HTTP/1.0\r\nHost: a\r\n\r\n');
    expect(viaNginx).toMatchObject({ status: 200, body: 'y'.repeat(50), closed: true, reset: false });
    expect(viaNginx.headers['content-length']).toBeUndefined();
    expect(viaReference).toMatchObject({ status: 200, reset: true });
  });
});
