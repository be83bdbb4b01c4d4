import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthMonitor } from '../../../src/model/inventory.js';
import { runHealthCheck } from '../../../src/reference/health/run-check.js';
import { udpCheck, udpProbe } from '../../../src/reference/health/udp-check.js';
import { makeCertificates, type Certificates } from '../../helpers/certs.js';
import { closedTcpPort, closedUdpPort, httpServer, tcpEcho, udpServer } from './helpers.js';

const local = (port: number) => ({ address: '127.0.0.1', port });
const monitor = (m: Record<string, unknown>) => HealthMonitor.parse({ delay: 1, timeout: 1, ...m });

describe('TCP health check', () => {
  it('passes when the port accepts', async () => {
    const { port } = await tcpEcho();
    const r = await runHealthCheck(local(port), monitor({ type: 'TCP' }), 'dedicated');
    expect(r.outcome).toBe('pass');
  });

  it('fails with "refused" when nothing listens', async () => {
    const port = await closedTcpPort();
    const r = await runHealthCheck(local(port), monitor({ type: 'TCP' }), 'dedicated');
    expect(r.outcome).toBe('fail');
    expect(r.reason).toMatch(/refused.*nothing listens on port/);
  });

  it('checks monitor_port instead of the member port', async () => {
    const { port } = await tcpEcho();
    const closed = await closedTcpPort();
    const r = await runHealthCheck(local(closed), monitor({ type: 'TCP', monitor_port: port }), 'dedicated');
    expect(r.outcome).toBe('pass');
  });
});

describe('HTTP health check (FAQ 2.8)', () => {
  it('dedicated accepts only 200 by default; shared also 202 and 401', async () => {
    for (const [status, shared, dedicated] of [
      [200, 'pass', 'pass'],
      [202, 'pass', 'fail'],
      [401, 'pass', 'fail'],
      [404, 'fail', 'fail'],
      [503, 'fail', 'fail'],
    ] as const) {
      const { port } = await httpServer((_req, res) => {
        res.statusCode = status;
        res.end();
      });
      const m = monitor({ type: 'HTTP', url_path: '/health' });
      expect((await runHealthCheck(local(port), m, 'shared')).outcome, `shared ${status}`).toBe(shared);
      const d = await runHealthCheck(local(port), m, 'dedicated');
      expect(d.outcome, `dedicated ${status}`).toBe(dedicated);
      expect(d.statusCode).toBe(status);
      if (dedicated === 'fail') expect(d.reason).toContain(`HTTP ${status} on /health`);
      if (dedicated === 'fail') expect(d.reason).toContain('expected 200 (FAQ 2.8)');
    }
  });

  it('honours expected_codes, the method and sends domain_name as Host', async () => {
    const { port, seen } = await httpServer((req, res) => {
      res.statusCode = req.headers.host === 'app.example.com' ? 204 : 421;
      res.end();
    });
    const m = monitor({
      type: 'HTTP',
      url_path: '/ping?x=1',
      domain_name: 'app.example.com',
      expected_codes: '200-204',
      http_method: 'HEAD',
    });
    const r = await runHealthCheck(local(port), m, 'dedicated');
    expect(r.outcome).toBe('pass');
    expect(seen).toEqual([{ method: 'HEAD', url: '/ping?x=1', host: 'app.example.com' }]);
    const noHost = await runHealthCheck(
      local(port),
      monitor({ type: 'HTTP', expected_codes: '200-204' }),
      'dedicated',
    );
    expect(noHost.outcome).toBe('fail');
    expect(noHost.reason).toContain(`HTTP 421 on / (Host 127.0.0.1:${port}), expected 200-204`);
    expect(seen[1]?.host).toBe(`127.0.0.1:${port}`);
  });

  it('fails when the member does not answer within the timeout', async () => {
    const { port } = await httpServer(() => {
      /* never answers */
    });
    const r = await runHealthCheck(local(port), monitor({ type: 'HTTP' }), 'dedicated');
    expect(r.outcome).toBe('fail');
    expect(r.reason).toContain('no response within 1 s');
  });

  it('fails when nothing listens', async () => {
    const r = await runHealthCheck(local(await closedTcpPort()), monitor({ type: 'HTTP' }), 'shared');
    expect(r.outcome).toBe('fail');
    expect(r.reason).toContain('connection refused');
  });
});

describe('HTTPS health check', () => {
  let dir = '';
  let certs: Certificates;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-hc-'));
    certs = await makeCertificates(dir, [{ name: 'member', sans: ['app.example.com'], selfSigned: true }]);
  }, 30_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('does not verify the member certificate and sends SNI from domain_name', async () => {
    const c = certs.get('member');
    let sni: string | undefined;
    const server = https.createServer({ cert: c.cert, key: c.key }, (req, res) => {
      sni = (req.socket as import('node:tls').TLSSocket).servername || undefined;
      res.statusCode = 200;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.address() as import('node:net').AddressInfo).port;
      const r = await runHealthCheck(
        local(port),
        monitor({ type: 'HTTPS', domain_name: 'app.example.com' }),
        'dedicated',
      );
      expect(r.outcome).toBe('pass');
      expect(sni).toBe('app.example.com');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('UDP_CONNECT health check (FAQ 2.4)', () => {
  it('passes when a UDP server answers', async () => {
    const { port, received } = await udpServer((m) => m);
    const r = await runHealthCheck(local(port), monitor({ type: 'UDP_CONNECT' }), 'dedicated');
    expect(r.outcome).toBe('pass');
    expect(r.phase).toBe('udp');
    expect(received).toHaveLength(1);
  });

  it('passes when the UDP server stays silent: only port unreachable fails', async () => {
    const { port, received } = await udpServer(() => null);
    const r = await runHealthCheck(local(port), monitor({ type: 'UDP_CONNECT' }), 'dedicated');
    expect(r.outcome).toBe('pass');
    expect(r.reason).toContain('no ICMP port unreachable');
    expect(received).toHaveLength(1);
  });

  it('fails on ICMP port unreachable from a closed port', async () => {
    const port = await closedUdpPort();
    const r = await runHealthCheck(local(port), monitor({ type: 'UDP_CONNECT' }), 'dedicated');
    expect(r.outcome).toBe('fail');
    expect(r.phase).toBe('udp');
    expect(r.reason).toContain('ICMP port unreachable');
  });

  it('fails before the UDP probe when ICMP echo gets no reply', async () => {
    const { port, received } = await udpServer((m) => m);
    const r = await udpCheck(local(port), { timeoutSeconds: 1, echo: async () => ({ replied: false }) });
    expect(r.outcome).toBe('fail');
    expect(r.phase).toBe('icmp-echo');
    expect(r.reason).toContain('no ICMP echo reply');
    expect(received).toHaveLength(0);
  });

  it('says it could not check when ping cannot run', async () => {
    const r = await udpCheck(local(1), {
      timeoutSeconds: 1,
      echo: async () => ({ replied: false, error: 'no ping' }),
    });
    expect(r.outcome).toBe('error');
  });

  it('the UDP half alone reports port unreachable as fail', async () => {
    expect((await udpProbe(local(await closedUdpPort()), 1)).outcome).toBe('fail');
  });
});
