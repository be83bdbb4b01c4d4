import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { explainMemberHealth } from '../../../src/reference/health/index.js';
import type { CheckResult } from '../../../src/reference/health/types.js';
import { closedTcpPort, closedUdpPort, httpServer, udpServer } from './helpers.js';

describe('explainMemberHealth', () => {
  it('says why ELB would mark an HTTP member unhealthy', async () => {
    const { port } = await httpServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    const r = await explainMemberHealth({
      member: { address: '127.0.0.1', protocol_port: port },
      monitor: { type: 'HTTP', url_path: '/health', timeout: 1 },
      lbType: 'dedicated',
    });
    expect(r).toMatchObject({
      healthy: false,
      outcome: 'fail',
      target: { address: '127.0.0.1', port, type: 'HTTP' },
    });
    expect(r.reason).toBe(
      `ELB would mark this member unhealthy because HTTP 404 on /health (Host 127.0.0.1:${port}), expected 200 (FAQ 2.8)`,
    );
    expect(r.checks).toHaveLength(1);
  });

  it('the same 202 is healthy for a shared load balancer and not for a dedicated one', async () => {
    const { port } = await httpServer((_req, res) => {
      res.statusCode = 202;
      res.end();
    });
    const ask = (lbType: 'shared' | 'dedicated') =>
      explainMemberHealth({
        member: { address: '127.0.0.1', port },
        monitor: { type: 'HTTP', timeout: 1 },
        lbType,
      });
    expect((await ask('shared')).healthy).toBe(true);
    expect((await ask('dedicated')).healthy).toBe(false);
  });

  it('UDP: a closed port is unhealthy, a silent one healthy (FAQ 2.4)', async () => {
    const closed = await explainMemberHealth({
      member: { address: '127.0.0.1', port: await closedUdpPort() },
      monitor: { type: 'UDP_CONNECT', timeout: 1 },
      lbType: 'shared',
    });
    expect(closed.healthy).toBe(false);
    expect(closed.reason).toContain('ICMP port unreachable');
    const silent = await udpServer(() => null);
    const ok = await explainMemberHealth({
      member: { address: '127.0.0.1', port: silent.port },
      monitor: { type: 'UDP_CONNECT', timeout: 1 },
      lbType: 'shared',
    });
    expect(ok.healthy).toBe(true);
  });

  it('checks the monitor port rather than the member port', async () => {
    const r = await explainMemberHealth({
      member: { address: '127.0.0.1', port: 80 },
      monitor: { type: 'TCP', timeout: 1, monitor_port: await closedTcpPort() },
      lbType: 'dedicated',
    });
    expect(r.target.port).not.toBe(80);
    expect(r.reason).toContain('refused');
  });

  it('a disabled monitor means healthy whatever the member does (FAQ 2.1)', async () => {
    for (const monitor of [null, { type: 'TCP' as const, admin_state_up: false }]) {
      const r = await explainMemberHealth({
        member: { address: '127.0.0.1', port: 1 },
        monitor,
        lbType: 'dedicated',
      });
      expect(r).toMatchObject({ healthy: true, outcome: 'pass', checks: [] });
      expect(r.reason).toContain('disabled');
    }
  });

  it('weight 0: unhealthy on shared, healthy but idle on dedicated (FAQ 2.1)', async () => {
    const runCheck = async (): Promise<CheckResult> => ({
      outcome: 'pass',
      reason: 'TCP connect succeeded',
      durationMs: 0,
    });
    const member = { address: '127.0.0.1', port: 1, weight: 0 };
    const shared = await explainMemberHealth({
      member,
      monitor: { type: 'TCP' },
      lbType: 'shared',
      runCheck,
    });
    expect(shared).toMatchObject({ healthy: false, checks: [] });
    const dedicated = await explainMemberHealth({
      member,
      monitor: { type: 'TCP' },
      lbType: 'dedicated',
      runCheck,
    });
    expect(dedicated.healthy).toBe(true);
    expect(dedicated.reason).toContain('weight is 0');
  });

  it('several attempts reveal a flapping member; a check that cannot run is an error, not a failure', async () => {
    const results: CheckResult[] = [
      { outcome: 'pass', reason: 'ok', durationMs: 0 },
      { outcome: 'fail', reason: 'no ICMP echo reply', durationMs: 0 },
    ];
    const flapping = await explainMemberHealth({
      member: { address: '127.0.0.1', port: 1 },
      monitor: { type: 'UDP_CONNECT' },
      lbType: 'dedicated',
      attempts: 2,
      intervalMs: 0,
      runCheck: async () => results.shift() ?? { outcome: 'pass', reason: 'ok', durationMs: 0 },
    });
    expect(flapping).toMatchObject({ healthy: false, outcome: 'fail' });
    expect(flapping.reason).toContain('flap');
    const broken = await explainMemberHealth({
      member: { address: '127.0.0.1', port: 1 },
      monitor: { type: 'UDP_CONNECT' },
      lbType: 'dedicated',
      runCheck: async () => ({ outcome: 'error', reason: 'ping missing', durationMs: 0 }),
    });
    expect(broken).toMatchObject({ outcome: 'error' });
  });

  it('rejects bad input with InputError', async () => {
    await expect(
      explainMemberHealth({ member: { address: '127.0.0.1' }, monitor: { type: 'TCP' }, lbType: 'shared' }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      explainMemberHealth({
        member: { address: '127.0.0.1', port: 1 },
        monitor: { type: 'TCP', delay: 0 },
        lbType: 'shared',
      }),
    ).rejects.toBeInstanceOf(InputError);
  });
});
