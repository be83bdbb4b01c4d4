// HTTPS listeners through startReference: certificates from the inventory
// (paths relative to it), SNI wildcard vs longest-suffix (FAQ 7.1), TLS
// policies (1.12), plain HTTP on the HTTPS port (1.5), hot certificate swap
// (7.3) and HTTPS to the backends (3.6).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { loadInventory } from '../../../src/model/load-inventory.js';
import { LB_PAGE_MARK } from '../../../src/reference/http/lb-responses.js';
import { startReference } from '../../../src/reference/server.js';
import { type Certificates, makeCertificates } from '../../helpers/certs.js';
import { backend, rawBackend, rawRequest } from './http-harness.js';

let dir: string;
let certs: Certificates;
let be: Awaited<ReturnType<typeof backend>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-tls-'));
  certs = await makeCertificates(dir, [
    { name: 'default', sans: ['default.test'] },
    { name: 'wild', sans: ['*.a.com'] },
    { name: 'exact', sans: ['b.com'] },
    { name: 'next', sans: ['default.test'], keyType: 'ec' },
    { name: 'backend', sans: ['127.0.0.1'] },
    { name: 'client', sans: ['client.test'] },
    { name: 'stranger', sans: ['client.test'], selfSigned: true },
  ]);
  be = await backend((req, res) => {
    res.setHeader('x-proto', String(req.headers['x-forwarded-proto']));
    res.end('hello over tls');
  });
}, 60_000);

afterAll(async () => {
  await be?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function inventory(
  opts: {
    lbType?: string;
    algo?: string;
    policy?: string;
    poolProtocol?: string;
    poolPort?: number;
    mutual?: boolean;
    clientTimeout?: number;
  } = {},
) {
  const file = join(dir, `inv-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(
    file,
    `loadbalancer: { name: lb-tls, type: ${opts.lbType ?? 'dedicated'} }
certificates:
  - { id: cert-default, certificate: default.crt, private_key: default.key }
  - { id: cert-wild, certificate: wild.crt, private_key: wild.key }
  - { id: cert-exact, certificate: ${join(dir, 'exact.crt')}, private_key: ${join(dir, 'exact.key')} }
  - { id: client-ca, type: client, certificate: ca.crt }
listeners:
  - name: tls
    protocol: HTTPS
    protocol_port: 443
    default_pool_id: web
    default_tls_container_ref: cert-default
    sni_container_refs: [cert-wild, cert-exact]
    sni_match_algo: ${opts.algo ?? 'wildcard'}
${opts.policy ? `    tls_ciphers_policy: ${opts.policy}\n` : ''}${opts.clientTimeout ? `    client_timeout: ${opts.clientTimeout}\n` : ''}${opts.mutual ? '    client_ca_tls_container_ref: client-ca\n' : ''}pools:
  - id: web
    protocol: ${opts.poolProtocol ?? 'HTTP'}
    members: [{ name: be, address: 127.0.0.1, protocol_port: ${opts.poolPort ?? be.port} }]
`,
  );
  return loadInventory(file);
}

async function start(opts: Parameters<typeof inventory>[0] = {}) {
  const sink = new PassThrough();
  const lines: string[] = [];
  sink.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  const h = await startReference(await inventory(opts), { anyPort: true, accessLog: sink });
  onTestFinished(() => h.close());
  const port = h.listeners[0]?.port ?? 0;
  return { h, port, lines };
}

interface Hello {
  names: string;
  fingerprint: string | undefined;
  keyType: string | undefined;
  protocol: string | null;
  socket: tls.TLSSocket;
}

function handshake(port: number, opts: tls.ConnectionOptions = {}): Promise<Hello> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: certs.ca.cert, rejectUnauthorized: false, ...opts });
    s.setTimeout(5000, () => s.destroy(new Error('handshake timed out')));
    s.once('secureConnect', () => {
      const peer = s.getPeerX509Certificate();
      resolve({
        names: peer?.subjectAltName ?? '',
        fingerprint: peer?.fingerprint256,
        keyType: peer?.publicKey.asymmetricKeyType,
        protocol: s.getProtocol(),
        socket: s,
      });
    });
    s.once('error', reject);
  });
}

async function sanFor(port: number, servername?: string): Promise<string> {
  const h = await handshake(port, servername ? { servername } : {});
  h.socket.destroy();
  return h.names;
}

function httpsGet(
  port: number,
  servername: string,
  agent?: https.Agent,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        servername,
        path: '/',
        ca: certs.ca.cert,
        headers: { host: servername },
        agent: agent ?? false,
      },
      (res) => {
        let b = '';
        res.on('data', (d: Buffer) => {
          b += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b, headers: res.headers }));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket-ish backend: answers the upgrade with 101 and the X-Forwarded-Proto it saw, then echoes. */
function rawBackendForWs() {
  return rawBackend((s) => {
    let head = '';
    s.on('data', (d: Buffer) => {
      if (!head.includes('\r\n\r\n')) {
        head += d.toString();
        if (head.includes('\r\n\r\n')) {
          const proto = /x-forwarded-proto: ([^\r\n]*)/i.exec(head)?.[1] ?? '';
          s.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Proto: ${proto}\r\n\r\n`,
          );
        }
        return;
      }
      s.write(`echo:${d.toString()}`);
    });
  });
}

describe('HTTPS listener', () => {
  it('terminates TLS with the default certificate, proxies, and logs certificate, protocol and SNI', async () => {
    const { port, lines } = await start();
    const r = await httpsGet(port, 'default.test');
    expect([r.status, r.body, r.headers['x-proto']]).toEqual([200, 'hello over tls', 'https']);
    const line = parseElbAccessLogLine(lines[0] ?? '');
    expect(line.scheme).toBe('https');
    expect(line.certificateId).toBe('cert-default');
    expect(line.sslProtocol).toMatch(/^TLSv1\.[23]$/);
    expect(line.sslCipher).toMatch(/^TLS_|^ECDHE/);
    expect(line.sniDomainName).toBe('default.test');
  });

  it('wildcard SNI matches one label only; longest suffix matches any depth (FAQ 7.1)', async () => {
    const w = await start({ algo: 'wildcard' });
    expect(await sanFor(w.port, 'x.a.com')).toBe('DNS:*.a.com');
    expect(await sanFor(w.port, 'y.x.a.com')).toBe('DNS:default.test');
    expect(await sanFor(w.port, 'b.com')).toBe('DNS:b.com');
    expect(await sanFor(w.port, 'zz.b.com')).toBe('DNS:default.test');
    expect(await sanFor(w.port)).toBe('DNS:default.test');
    const s = await start({ algo: 'longest_suffix' });
    expect(await sanFor(s.port, 'y.x.a.com')).toBe('DNS:*.a.com');
    expect(await sanFor(s.port, 'zz.b.com')).toBe('DNS:b.com');
    // Shared load balancers always match the longest suffix.
    const shared = await start({ lbType: 'shared', algo: 'wildcard' });
    expect(await sanFor(shared.port, 'y.x.a.com')).toBe('DNS:*.a.com');
  });

  it('answers plain HTTP on the HTTPS port with 400 (FAQ 1.5)', async () => {
    const { port } = await start();
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: default.test\r\n\r\n');
    expect(r.status).toBe(400);
    expect(r.body).toContain(LB_PAGE_MARK);
    expect(r.closed).toBe(true);
  });

  it('enforces the TLS security policy versions (FAQ 1.12 cause 4)', async () => {
    const strict = await start({ policy: 'tls-1-2' });
    await expect(
      handshake(strict.port, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
    ).rejects.toThrow();
    await expect(handshake(strict.port, { minVersion: 'TLSv1.3' })).rejects.toThrow();
    const ok12 = await handshake(strict.port);
    expect(ok12.protocol).toBe('TLSv1.2');
    ok12.socket.destroy();
    const legacy = await start({ policy: 'tls-1-0' });
    const ok11 = await handshake(legacy.port, {
      maxVersion: 'TLSv1.1',
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    expect(ok11.protocol).toBe('TLSv1.1');
    ok11.socket.destroy();
    const modern = await start({ policy: 'tls-1-2-fs-with-1-3' });
    const ok13 = await handshake(modern.port, { minVersion: 'TLSv1.3' });
    expect(ok13.protocol).toBe('TLSv1.3');
    ok13.socket.destroy();
    // tls-1-2-strict-no-cbc offers no CBC suite: a CBC-only client is refused.
    const noCbc = await start({ policy: 'tls-1-2-strict-no-cbc' });
    await expect(
      handshake(noCbc.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256' }),
    ).rejects.toThrow();
  });

  it('swaps the certificate for new connections and leaves established ones alone (FAQ 7.3)', async () => {
    const { h, port } = await start();
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const before = await handshake(port, { servername: 'default.test' });
    const res = await fetch(`${h.admin.url}/listeners/tls/certificate`, {
      method: 'POST',
      body: JSON.stringify({ certificate: certs.get('next').cert, private_key: certs.get('next').key }),
    });
    expect(res.status).toBe(200);
    const after = await handshake(port, { servername: 'default.test' });
    expect(before.fingerprint).toBeDefined();
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect([before.keyType, after.keyType]).toEqual(['rsa', 'ec']);
    // The old connection still works, on the old certificate.
    const oldStillWorks = await new Promise<string>((resolve, reject) => {
      before.socket.write('GET / HTTP/1.1\r\nHost: default.test\r\nConnection: close\r\n\r\n');
      let buf = '';
      before.socket.on('data', (d: Buffer) => {
        buf += d.toString();
      });
      before.socket.on('end', () => resolve(buf));
      before.socket.on('error', reject);
    });
    expect(oldStillWorks).toMatch(/^HTTP\/1\.1 200/);
    expect(oldStillWorks).toContain('hello over tls');
    after.socket.destroy();
    // Clients without SNI get the new default too.
    const noSni = await handshake(port);
    expect(noSni.fingerprint).toBe(after.fingerprint);
    noSni.socket.destroy();
    // Back to a certificate the inventory names.
    const back = await fetch(`${h.admin.url}/listeners/tls/certificate`, {
      method: 'POST',
      body: JSON.stringify({ certificate_id: 'cert-default' }),
    });
    expect(back.status).toBe(200);
    const again = await handshake(port, { servername: 'default.test' });
    expect(again.fingerprint).toBe(before.fingerprint);
    again.socket.destroy();
    const unknown = await fetch(`${h.admin.url}/listeners/tls/certificate`, {
      method: 'POST',
      body: JSON.stringify({ certificate_id: 'nope' }),
    });
    expect(unknown.status).toBe(404);
  });

  it('passes encrypted WebSocket (wss) through an HTTPS listener (FAQ 5.5)', async () => {
    const ws = await rawBackendForWs();
    onTestFinished(ws.close);
    const { port } = await start({ poolPort: ws.port });
    const hello = await handshake(port, { servername: 'default.test' });
    const out = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const t = setTimeout(() => reject(new Error(`no echo; got ${JSON.stringify(buf)}`)), 5000);
      hello.socket.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\r\n\r\n') && !buf.includes('echo:')) hello.socket.write('ping');
        if (buf.includes('echo:ping')) {
          clearTimeout(t);
          resolve(buf);
        }
      });
      hello.socket.write(
        'GET /ws HTTP/1.1\r\nHost: default.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    hello.socket.destroy();
    expect(out).toMatch(/^HTTP\/1\.1 101 /);
    expect(out).toContain('X-Proto: https');
  });

  it("asks for a client certificate signed by the listener's client CA (mutual TLS, FAQ 1.12 cause 3)", async () => {
    const { port } = await start({ mutual: true });
    const withCert = (name?: string) =>
      new Promise<string>((resolve) => {
        const opts: tls.ConnectionOptions = {
          host: '127.0.0.1',
          port,
          servername: 'default.test',
          ca: certs.ca.cert,
          ...(name ? { cert: certs.get(name).cert, key: certs.get(name).key } : {}),
        };
        const s = tls.connect(opts, () =>
          s.write('GET / HTTP/1.1\r\nHost: default.test\r\nConnection: close\r\n\r\n'),
        );
        let buf = '';
        s.setTimeout(5000, () => s.destroy());
        s.on('data', (d: Buffer) => {
          buf += d.toString();
        });
        s.on('error', (e: Error) => resolve(`error: ${e.message}`));
        s.on('close', () => resolve(buf));
      });
    expect(await withCert('client')).toMatch(/^HTTP\/1\.1 200/);
    // TLS 1.2 (the default tls-1-0 policy) refuses in the handshake: alert 40.
    expect(await withCert()).toMatch(/^error: .*(certificate|handshake failure)/i);
    expect(await withCert('stranger')).toMatch(/^error: /);
  });

  it('speaks HTTPS to the backends when the pool protocol is HTTPS (FAQ 3.6)', async () => {
    const tlsBackend = https.createServer(
      { cert: certs.get('backend').cert, key: certs.get('backend').key },
      (req, res) => {
        res.end(`backend saw tls ${(req.socket as tls.TLSSocket).getProtocol()}`);
      },
    );
    await new Promise<void>((r) => tlsBackend.listen(0, '127.0.0.1', r));
    onTestFinished(
      () =>
        new Promise<void>((r) => {
          tlsBackend.closeAllConnections();
          tlsBackend.close(() => r());
        }),
    );
    const address = tlsBackend.address();
    const { port } = await start({
      poolProtocol: 'HTTPS',
      poolPort: typeof address === 'object' && address ? address.port : 0,
    });
    const r = await httpsGet(port, 'default.test');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^backend saw tls TLSv1\.[23]$/);
  });
});

describe('a TLS client that stops reading', () => {
  it('is closed after client_timeout, counted and logged with the status sent', async () => {
    // More than the kernel buffers hold, so the rest waits in the load balancer.
    const size = 48 * 1024 * 1024;
    const payload = Buffer.alloc(size, 0x63);
    const member = await rawBackend((s) => {
      s.once('data', () => {
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
        s.write(payload);
      });
    });
    onTestFinished(member.close);
    const { h, port, lines } = await start({ poolPort: member.port, clientTimeout: 1 });
    const client = tls.connect({
      port,
      host: '127.0.0.1',
      servername: 'default.test',
      rejectUnauthorized: false,
    });
    onTestFinished(() => {
      client.destroy();
    });
    client.on('error', () => {});
    await new Promise<void>((r) => client.once('secureConnect', () => r()));
    client.write('GET /big HTTP/1.1\r\nHost: default.test\r\n\r\n');
    await new Promise<void>((r) =>
      client.once('data', () => {
        client.pause();
        r();
      }),
    );
    const t0 = Date.now();
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(Date.now() - t0).toBeLessThan(6000);
    const line = parseElbAccessLogLine(lines[0] ?? '');
    expect(line).toMatchObject({ status: 200, upstream: [{ status: 200 }] });
    expect(line.bodyBytesSent).toBeLessThan(size);
    expect(h.metrics.get('lbdoctor_client_send_timeouts_total', { listener: 'tls' })).toBe(1);
    expect(h.metrics.get('lbdoctor_active_connections', { listener: 'tls' })).toBe(0);
    client.resume();
    await closed;
  }, 30_000);
});
