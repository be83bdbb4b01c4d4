import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthMonitor, Pool as PoolSchema } from '../../../src/model/inventory.js';
import { HealthChecker } from '../../../src/reference/health/checker.js';
import { RiseFall } from '../../../src/reference/health/rise-fall.js';
import type { CheckResult } from '../../../src/reference/health/types.js';
import { Pool } from '../../../src/reference/pool.js';
import type { ReferenceLogger } from '../../../src/reference/types.js';

const pass: CheckResult = { outcome: 'pass', reason: 'TCP connect succeeded', durationMs: 1 };
const fail: CheckResult = { outcome: 'fail', reason: 'TCP connect refused', durationMs: 1 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Advances fake time, then lets the checks' promise chains finish. */
async function settle(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup(
  monitor: Record<string, unknown> | null,
  options: { nodes?: number; random?: () => number; lbType?: 'shared' | 'dedicated'; members?: number } = {},
) {
  const hm = monitor === null ? null : HealthMonitor.parse({ type: 'TCP', delay: 2, timeout: 1, ...monitor });
  const members = Array.from({ length: options.members ?? 1 }, (_, i) => ({
    address: `10.0.0.${i + 1}`,
    protocol_port: 80,
  }));
  const pool = new Pool(PoolSchema.parse({ id: 'p', protocol: 'TCP', healthmonitor: hm, members }), {
    lbType: options.lbType ?? 'dedicated',
  });
  const script: CheckResult[] = [];
  const calls: { key: string; at: number }[] = [];
  const runCheck = vi.fn(async (member: { address: string; port: number }) => {
    calls.push({ key: `${member.address}:${member.port}`, at: Date.now() });
    return script.shift() ?? pass;
  });
  const logs: string[] = [];
  const logger: ReferenceLogger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
  };
  const checker = new HealthChecker(pool, hm, {
    lbType: options.lbType ?? 'dedicated',
    checkerNodes: options.nodes ?? 1,
    random: options.random ?? (() => 0),
    runCheck,
    logger,
  });
  const health: [string, boolean, string][] = [];
  pool.on('health', (m, healthy, reason) => health.push([m.key, healthy, reason]));
  return { pool, checker, script, calls, health, logs, runCheck };
}

describe('RiseFall', () => {
  it('first result decides, then rise/fall consecutive results flip it', () => {
    const rf = new RiseFall(3, 2);
    expect(rf.record(true)).toBe(true);
    expect(rf.record(false)).toBeUndefined();
    expect(rf.record(true)).toBeUndefined(); // streak broken
    expect(rf.record(false)).toBeUndefined();
    expect(rf.record(false)).toBe(false);
    expect(rf.record(true)).toBeUndefined();
    expect(rf.record(true)).toBeUndefined();
    expect(rf.record(true)).toBe(true);
  });
});

describe('HealthChecker', () => {
  it('first check at a random time within the first interval, then every delay (FAQ 2.6)', async () => {
    const { checker, calls } = setup({ delay: 10 }, { random: () => 0.5 });
    const start = Date.now();
    checker.start();
    await settle(4_999);
    expect(calls).toHaveLength(0);
    await settle(1);
    expect(calls).toHaveLength(1);
    await settle(20_000);
    expect(calls.map((c) => c.at - start)).toEqual([5_000, 15_000, 25_000]);
    checker.stop();
  });

  it('a member is unhealthy until its first check, then rise and fall follow max_retries / max_retries_down', async () => {
    const { pool, checker, script, health, logs } = setup({ max_retries: 3, max_retries_down: 2 });
    expect(pool.members()[0]?.healthy).toBe(false);
    script.push(pass, fail, fail, pass, pass, pass);
    checker.start();
    await settle(1); // Node runs a 0 ms timer after 1 ms
    expect(health).toEqual([['10.0.0.1:80', true, 'TCP connect succeeded']]);
    await settle(2_000); // fail 1
    expect(pool.members()[0]?.healthy).toBe(true);
    await settle(2_000); // fail 2 → down
    expect(health.at(-1)).toEqual([
      '10.0.0.1:80',
      false,
      'TCP connect refused (2 consecutive failed checks)',
    ]);
    await settle(4_000); // pass 1, 2
    expect(pool.members()[0]?.healthy).toBe(false);
    await settle(2_000); // pass 3 → up
    expect(health.at(-1)).toEqual([
      '10.0.0.1:80',
      true,
      'TCP connect succeeded (3 consecutive passed checks)',
    ]);
    expect(health).toHaveLength(3);
    expect(logs.filter((l) => l.includes('is unhealthy'))).toEqual([
      'warn pool p: member 10.0.0.1:80 is unhealthy: TCP connect refused (2 consecutive failed checks)',
    ]);
    checker.stop();
  });

  it('max_retries_down defaults to max_retries', async () => {
    const { pool, checker, script } = setup({ max_retries: 2 });
    script.push(pass, fail, fail);
    checker.start();
    await settle(2_000);
    expect(pool.members()[0]?.healthy).toBe(true);
    await settle(2_000);
    expect(pool.members()[0]?.healthy).toBe(false);
    checker.stop();
  });

  it('every checker node probes every member on the interval (FAQ 2.3, 2.5)', async () => {
    const { checker, calls } = setup({ delay: 5 }, { nodes: 3, members: 2, random: Math.random });
    checker.start();
    await settle(5_000 + 4 * 5_000 - 1);
    // Each of 3 nodes checks each of 2 members once per 5 s interval: 5 intervals begun.
    expect(calls.filter((c) => c.key === '10.0.0.1:80')).toHaveLength(15);
    expect(calls.filter((c) => c.key === '10.0.0.2:80')).toHaveLength(15);
    checker.stop();
  });

  it('with several nodes, the member is healthy while at least half of them say so', async () => {
    // Node order is fixed by random(): node 0 at 0 ms, node 1 at 500 ms, node 2 at 1000 ms.
    const starts = [0, 0.25, 0.5];
    let i = 0;
    const { pool, checker, script, health } = setup(
      { delay: 2, max_retries: 1 },
      { nodes: 3, random: () => starts[i++ % 3] ?? 0 },
    );
    script.push(fail, pass, pass, fail, fail);
    checker.start();
    await settle(1); // Node runs a 0 ms timer after 1 ms
    expect(pool.members()[0]?.healthy).toBe(false); // node 0 alone: fail
    await settle(500);
    expect(pool.members()[0]?.healthy).toBe(true); // 1 of 2 decided nodes healthy
    await settle(500);
    expect(pool.members()[0]?.healthy).toBe(true); // 2 of 3
    await settle(1_000); // node 0 fails again: still 2 of 3
    expect(pool.members()[0]?.healthy).toBe(true);
    await settle(500); // node 1 fails: 1 of 3
    expect(pool.members()[0]?.healthy).toBe(false);
    expect(health.at(-1)?.[2]).toContain('[checker node 2 of 3]');
    checker.stop();
  });

  it('a disabled or missing monitor runs no check and members stay healthy (FAQ 2.1)', async () => {
    for (const monitor of [null, { admin_state_up: false }]) {
      const { pool, checker, runCheck } = setup(monitor);
      expect(checker.enabled).toBe(false);
      checker.start();
      await settle(60_000);
      expect(runCheck).not.toHaveBeenCalled();
      expect(pool.members()[0]?.healthy).toBe(true);
      checker.stop();
    }
  });

  it('checks members added later and stops checking removed ones', async () => {
    const { pool, checker, calls } = setup({});
    checker.start();
    await settle(1); // Node runs a 0 ms timer after 1 ms
    pool.addMember({ address: '10.0.0.9', protocol_port: 81, weight: 1, admin_state_up: true });
    await settle(1); // Node runs a 0 ms timer after 1 ms
    expect(pool.member('10.0.0.9:81')?.healthy).toBe(true);
    pool.removeMember('10.0.0.1:80');
    const before = calls.filter((c) => c.key === '10.0.0.1:80').length;
    await settle(10_000);
    expect(calls.filter((c) => c.key === '10.0.0.1:80')).toHaveLength(before);
    expect(calls.filter((c) => c.key === '10.0.0.9:81').length).toBeGreaterThan(3);
    checker.stop();
    const after = calls.length;
    await settle(10_000);
    expect(calls).toHaveLength(after);
  });

  it('a shared load balancer reports a weight-0 member unhealthy without probing it (FAQ 2.1)', async () => {
    const { pool, checker, runCheck } = setup({}, { lbType: 'shared' });
    pool.setWeight('10.0.0.1:80', 0);
    checker.start();
    await settle(1); // Node runs a 0 ms timer after 1 ms
    expect(runCheck).not.toHaveBeenCalled();
    expect(pool.members()[0]?.healthReason).toContain('weight 0 on a shared load balancer');
    checker.stop();
  });

  it('counts checks and failures for metrics', async () => {
    const { checker, script } = setup({});
    script.push(pass, fail, pass);
    const seen: string[] = [];
    checker.on('check', (_m, node, r: CheckResult) => seen.push(`${node}:${r.outcome}`));
    checker.start();
    await settle(4_000);
    expect(checker.stats()).toEqual({ checks: 3, failures: 1 });
    expect(seen).toEqual(['0:pass', '0:fail', '0:pass']);
    checker.stop();
  });
});
