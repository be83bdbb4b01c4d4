import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Pool as PoolSchema } from '../../../src/model/inventory.js';
import { HealthChecker } from '../../../src/reference/health/checker.js';
import { Pool } from '../../../src/reference/pool.js';
import { httpServer, waitFor } from './helpers.js';

describe('HealthChecker against real members', () => {
  it('marks an HTTP member healthy, then unhealthy when its path starts failing, then healthy again', async () => {
    let status = 200;
    const { port, seen } = await httpServer((_req, res) => {
      res.statusCode = status;
      res.end();
    });
    const pool = new Pool(
      PoolSchema.parse({
        id: 'web',
        protocol: 'HTTP',
        healthmonitor: {
          type: 'HTTP',
          delay: 1,
          timeout: 1,
          max_retries: 1,
          url_path: '/health',
          domain_name: 'web.test',
        },
        members: [{ address: '127.0.0.1', protocol_port: port }],
      }),
      { lbType: 'dedicated' },
    );
    const logs: string[] = [];
    const checker = new HealthChecker(pool, pool.config.healthmonitor, {
      lbType: 'dedicated',
      checkerNodes: 2,
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    });
    onTestFinished(() => {
      checker.stop();
      pool.close();
    });
    const next = () =>
      waitFor<[boolean, string]>(
        (done) => pool.once('health', (_m, h, r) => done([h, r])),
        4000,
        'health change',
      );
    const up = next();
    checker.start();
    expect((await up)[0]).toBe(true);
    const down = next();
    status = 404;
    const [healthy, reason] = await down;
    expect(healthy).toBe(false);
    expect(reason).toMatch(/^HTTP 404 on \/health \(Host web.test\), expected 200 \(FAQ 2.8\)/);
    expect(pool.pick({ clientIp: '127.0.0.1', clientPort: 1, now: Date.now() })).toEqual({
      member: null,
      reason: 'unavailable',
    });
    const again = next();
    status = 200;
    expect((await again)[0]).toBe(true);
    expect(seen.every((s) => s.host === 'web.test' && s.url === '/health')).toBe(true);
    expect(logs.some((l) => l.includes('is unhealthy: HTTP 404'))).toBe(true);
  });

  it('marks a TCP member unhealthy when its port closes', async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const pool = new Pool(
      PoolSchema.parse({
        id: 'tcp',
        protocol: 'TCP',
        healthmonitor: { type: 'TCP', delay: 1, timeout: 1, max_retries: 1 },
        members: [{ address: '127.0.0.1', protocol_port: port }],
      }),
      { lbType: 'shared' },
    );
    const checker = new HealthChecker(pool, pool.config.healthmonitor, { lbType: 'shared' });
    onTestFinished(() => {
      checker.stop();
      pool.close();
      server.close();
    });
    const up = waitFor<boolean>((done) => pool.once('health', (_m, h) => done(h)), 4000);
    checker.start();
    expect(await up).toBe(true);
    const down = waitFor<[boolean, string]>((done) => pool.once('health', (_m, h, r) => done([h, r])), 4000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const [healthy, reason] = await down;
    expect(healthy).toBe(false);
    expect(reason).toContain('refused');
  });
});
