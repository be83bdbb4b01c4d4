// slow-response (FAQ 1.9) on real third-party software: nginx as the load
// balancer (its proxying, its limit_rate standing in for a saturated EIP, its
// 502) in front of Node backends with real slow handlers, diagnosed through
// the CLI as a user runs it (`lbdoctor run slow-response --inventory FILE
// --non-interactive --format json`), each test asserting one conclusion and
// no wrong one. The member's load is read through a host reader answering
// with an overloaded host's /proc (no SSH here: the load host probe's own
// tests cover the reading). The reference-LB scenarios (all-members-slow,
// one-member-slow, unhealthy-member-retries, slow-response-healthy) run in
// test/integration/lab/scenario-diagnosis.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/engine/result.js';
import { runPlaybook } from '../../../src/engine/engine.js';
import type { RunResult } from '../../../src/engine/result.js';
import { type HttpBackend, startHttpBackend } from '../../../src/lab/backends/index.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../../src/playbook/load.js';
import { loadProbe } from '../../../src/probes/registry.js';
import { createLocalVantage } from '../../../src/runners/local-vantage.js';
import type { Vantage } from '../../../src/runners/types.js';
import { lbdoctor } from '../../helpers/cli.js';
import { answered, elbLog } from '../../helpers/elb-log.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

const dir = mkdtempSync(join(tmpdir(), 'lbd-slow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  findings: Pick<Finding, 'code' | 'severity' | 'title' | 'cause' | 'evidence' | 'chart'>[];
}

/** An inventory: listener `web` on `lbPort` in front of `members` (name → port), HTTP health check of /health. */
function inventoryYaml(lbPort: number, members: Record<string, number>, extra = ''): string {
  return `
loadbalancer: {name: nginx, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${lbPort}, default_pool_id: app}]
pools:
  - id: app
    protocol: HTTP
    healthmonitor: {type: HTTP, delay: 5, timeout: 2, max_retries: 3, url_path: /health}
    members:
${Object.entries(members)
  .map(([name, port]) => `      - {name: ${name}, address: 127.0.0.1, protocol_port: ${port}}`)
  .join('\n')}
${extra}`;
}

let n = 0;
async function run(yaml: string, extra: string[] = []) {
  const file = join(dir, `inventory-${n++}.yaml`);
  writeFileSync(file, yaml);
  const r = await lbdoctor(
    ['run', 'slow-response', '--inventory', file, ...extra, '--non-interactive', '--format', 'json'],
    { timeoutMs: 60_000 },
  );
  const report = JSON.parse(r.stdout) as Report;
  return { code: r.code, report, codes: report.findings.map((f) => f.code).sort() };
}

if (nginxMissing) console.warn(`skipping the slow-response nginx tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('slow-response on real nginx', { timeout: 90_000 }, () => {
  let nginx: RunningNginx;
  const be: Record<string, HttpBackend> = {};
  const lb: Record<string, number> = {};
  const port = (name: string) => be[name]!.port;

  beforeAll(async () => {
    const big = 'x'.repeat(32 * 1024);
    be.fast1 = await startHttpBackend({ name: 'fast1', healthPath: '/health' });
    be.fast2 = await startHttpBackend({ name: 'fast2', healthPath: '/health' });
    be.slow1 = await startHttpBackend({ name: 'slow1', healthPath: '/health', default: { delayMs: 1200 } });
    be.slow2 = await startHttpBackend({ name: 'slow2', healthPath: '/health', default: { delayMs: 1200 } });
    be.big1 = await startHttpBackend({ name: 'big1', healthPath: '/health', default: { body: big } });
    be.big2 = await startHttpBackend({ name: 'big2', healthPath: '/health', default: { body: big } });
    // Serves the page, but its health check path answers 500: ELB would call it unhealthy.
    be.sick = await startHttpBackend({
      name: 'sick',
      healthPath: '/health',
      healthStatus: 500,
      default: { body: big },
    });
    be.hung = await startHttpBackend({ name: 'hung', default: { fault: 'hang' } });
    for (const name of ['allSlow', 'oneSlow', 'throttled', 'throttledSick', 'retry', 'healthy', 'gone'])
      lb[name] = await closedPort();
    lb.dead = await closedPort();
    const up = (name: string, servers: string[], extra = '') =>
      `upstream ${name} { ${servers.map((s) => `server 127.0.0.1:${port(s)};`).join(' ')} ${extra} }`;
    const server = (listen: number, upstream: string, extra = '') =>
      `server { listen 127.0.0.1:${listen}; location / { proxy_pass http://${upstream}; ${extra} } }`;
    nginx = await startNginx(
      [
        up('all_slow', ['slow1', 'slow2']),
        up('one_slow', ['fast1', 'slow1']),
        up('big', ['big1', 'big2']),
        up('big_sick', ['big1', 'sick']),
        up('retry', ['hung', 'fast1']),
        up('healthy', ['fast1', 'fast2']),
        server(lb.allSlow!, 'all_slow'),
        server(lb.oneSlow!, 'one_slow'),
        // 16 KB/s to the client: the 32 KB answers crawl through the "load balancer" (a saturated EIP).
        // (No temp files: the workers cannot write under the private prefix; memory buffers are enough.)
        server(lb.throttled!, 'big', 'limit_rate 16k; proxy_max_temp_file_size 0;'),
        server(lb.throttledSick!, 'big_sick', 'limit_rate 16k; proxy_max_temp_file_size 0;'),
        // nginx waits 1 s on the member that never answers, then tries the next (FAQ 1.9 step 4).
        server(lb.retry!, 'retry', 'proxy_read_timeout 1s; proxy_next_upstream error timeout;'),
        server(lb.healthy!, 'healthy'),
        // Its upstream is gone: nginx answers 502 itself.
        `server { listen 127.0.0.1:${lb.gone}; location / { proxy_pass http://127.0.0.1:${lb.dead}; } }`,
      ].join('\n'),
      [lb.allSlow!, lb.oneSlow!, lb.throttled!, lb.throttledSick!, lb.retry!, lb.healthy!, lb.gone!],
    );
  });
  afterAll(async () => {
    await nginx?.close();
    await Promise.all(Object.values(be).map((b) => b.close()));
  });

  it('every member slow directly too: backend-slow, for each member, with the first byte named', async () => {
    const r = await run(inventoryYaml(lb.allSlow!, { slow1: port('slow1'), slow2: port('slow2') }));
    expect(r.codes).toEqual(['slow-response/backend-slow', 'slow-response/backend-slow']);
    expect(r.code).toBe(1);
    const f = r.report.findings[0]!;
    expect(f.title).toMatch(
      /The backend is slow: slow\d takes 12\d\d(\.\d)? ms directly too \(first byte 12\d\d/,
    );
    expect(f.cause).toMatch(/Through listener web the same request takes 12\d\d(\.\d)? ms/);
    expect(f.cause).toMatch(/Load over SSH: not read/);
  });

  it('one slow member among fast ones: slow-member for it, member-fast (info) for the other', async () => {
    const r = await run(inventoryYaml(lb.oneSlow!, { fast1: port('fast1'), slow1: port('slow1') }));
    expect(r.codes).toEqual(['slow-response/member-fast', 'slow-response/slow-member']);
    const slow = r.report.findings.find((f) => f.code === 'slow-response/slow-member')!;
    expect(slow.title).toMatch(
      /^slow1 is the slow member: 12\d\d(\.\d)? ms directly, where fast1 takes [\d.]+ ms/,
    );
    expect(r.report.findings.find((f) => f.code === 'slow-response/member-fast')!.severity).toBe('info');
    // The members' median times as a chart: the slow one stands out at a glance.
    expect(slow.chart).toMatchObject({ unit: 'ms', valueLabel: 'median' });
    const bars = Object.fromEntries(slow.chart!.bars.map((b) => [b.label, b.value]));
    expect(Object.keys(bars)).toEqual(['fast1', 'slow1']);
    expect(bars.slow1).toBeGreaterThanOrEqual(1200);
    expect(bars.fast1).toBeLessThan(500);
  });

  it('members fast, the listener throttled (limit_rate): lb-path-slow, the transfer named', async () => {
    const r = await run(inventoryYaml(lb.throttled!, { big1: port('big1'), big2: port('big2') }));
    expect(r.codes).toEqual(['slow-response/lb-path-slow']);
    const f = r.report.findings[0]!;
    expect(f.cause).toMatch(/first byte [\d.]+ against [\d.]+, transfer \d{4}(\.\d)? against [\d.]+\./);
    expect(f.cause).toMatch(/ELB's check: .*2 checks: 2 passed/);
  });

  it('the same, and the operator says the EIP bandwidth is saturated: bandwidth-saturated', async () => {
    const r = await run(inventoryYaml(lb.throttled!, { big1: port('big1'), big2: port('big2') }), [
      '--set',
      'eip_bandwidth_saturated=true',
    ]);
    expect(r.codes).toEqual(['slow-response/bandwidth-saturated']);
  });

  it('the same, with an access log full of retries: retries-unhealthy-members from the log', async () => {
    const log = join(dir, 'retries.log');
    writeFileSync(
      log,
      elbLog([
        ...answered(90, 0.05),
        ...Array.from({ length: 10 }, (_, i) => ({
          at: 100 + i,
          status: 200,
          rt: 1.05,
          up: [
            { status: null, connectTime: 0.001, responseTime: 1.0, addr: '10.0.1.13:8080' },
            { status: 200, headerTime: 0.04, responseTime: 0.05 },
          ],
        })),
      ]),
    );
    const r = await run(inventoryYaml(lb.throttled!, { big1: port('big1'), big2: port('big2') }), [
      '--input',
      `access_log=${log}`,
    ]);
    expect(r.codes).toEqual(['slow-response/retries-unhealthy-members']);
    const f = r.report.findings[0]!;
    expect(f.cause).toMatch(/retried lines in the access log: 10 \(share 0\.1\)/);
    expect(f.evidence.join('\n')).toMatch(
      /most common retry: 10\.0\.1\.13:8080 → 10\.0\.1\.12:8080 \(10 lines\)/,
    );
  });

  it("the same, with a member failing ELB's health check: its finding, and retries-unhealthy-members", async () => {
    const r = await run(inventoryYaml(lb.throttledSick!, { big1: port('big1'), sick: port('sick') }));
    expect(r.codes).toEqual([
      'slow-response/member-fails-health-check',
      'slow-response/retries-unhealthy-members',
    ]);
  });

  it('nginx waiting on a member that never answers, then retrying: retries-unhealthy-members', async () => {
    const r = await run(inventoryYaml(lb.retry!, { hung: port('hung'), fast1: port('fast1') }));
    expect(r.codes).toEqual(['slow-response/retries-unhealthy-members']);
    expect(r.report.findings[0]!.cause).toMatch(
      /1 of 2 members gave no answer directly \(hung \(response-timeout\)\)/,
    );
  });

  it('healthy twin: fast both ways, response-fast (info), no error finding, exit 0', async () => {
    const r = await run(inventoryYaml(lb.healthy!, { fast1: port('fast1'), fast2: port('fast2') }));
    expect(r.codes).toEqual(['slow-response/response-fast']);
    expect(r.report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("nginx's own 502 while the members answer: listener-errors, not a fast answer", async () => {
    const r = await run(inventoryYaml(lb.gone!, { fast1: port('fast1') }));
    expect(r.codes).toEqual(['slow-response/listener-errors']);
  });

  it('no member answers directly: members-unreachable', async () => {
    const r = await run(inventoryYaml(lb.healthy!, { a: await closedPort(), b: await closedPort() }));
    expect(r.codes).toEqual(['slow-response/members-unreachable']);
  });

  it('the listener gives no answer while the members do: listener-no-answer', async () => {
    const r = await run(inventoryYaml(await closedPort(), { fast1: port('fast1') }));
    expect(r.codes).toEqual(['slow-response/listener-no-answer']);
  });

  it('--target only (no members): cannot-compare when slow, response-fast when not', async () => {
    const slow = await lbdoctor(
      [
        'run',
        'slow-response',
        '--target',
        `127.0.0.1:${lb.allSlow}`,
        '--non-interactive',
        '--format',
        'json',
      ],
      { timeoutMs: 60_000 },
    );
    expect((JSON.parse(slow.stdout) as Report).findings.map((f) => f.code)).toEqual([
      'slow-response/cannot-compare',
    ]);
    const fast = await lbdoctor([
      'run',
      'slow-response',
      '--target',
      `127.0.0.1:${lb.healthy}`,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const fastReport = JSON.parse(fast.stdout) as Report;
    expect(fastReport.findings.map((f) => f.code)).toEqual(['slow-response/response-fast']);
    // No members were timed directly: no chart rather than an empty one.
    expect(fastReport.findings[0]!.chart).toBeUndefined();
  });
});

describe('slow-response: the slow member read over the host reader (FAQ 1.9 step 3)', {
  timeout: 60_000,
}, () => {
  let slow: HttpBackend;
  let fast: HttpBackend;
  beforeAll(async () => {
    slow = await startHttpBackend({ name: 'be2', default: { delayMs: 1100 } });
    fast = await startHttpBackend({ name: 'be1' });
  });
  afterAll(async () => {
    await slow?.close();
    await fast?.close();
  });

  /** Runs the playbook from here, with be2's host read from `proc` (loadavg, cpus, meminfo) instead of over SSH. */
  async function withHost(proc: { loadavg: string; cpus: string }): Promise<RunResult> {
    const { playbook } = await findPlaybook('slow-response', [BUNDLED_PLAYBOOKS]);
    const local = createLocalVantage();
    const meminfo = readFileSync(
      join(import.meta.dirname, '..', '..', 'fixtures', 'host-outputs', 'meminfo.debian.txt'),
      'utf8',
    );
    const host = (name: string): Vantage => ({
      name,
      dialer: { vantage: `ssh://${name}`, connect: () => Promise.reject(new Error('no SSH here')) },
      host: {
        host: name,
        read: async (requests) =>
          requests.map((r) => ({
            id: r.id,
            args: r.args ?? [],
            exitCode: 0,
            stdout:
              ({ loadavg: proc.loadavg, cpus: proc.cpus, meminfo } as Record<string, string>)[r.id] ?? '',
            stderr: '',
          })),
      },
      timings: { connectMs: 1, readMs: 1 },
    });
    const inventory = parseInventory(`
loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${fast.port}, default_pool_id: app}]
pools:
  - id: app
    protocol: HTTP
    members:
      - {name: be1, address: 127.0.0.1, protocol_port: ${fast.port}}
      - {name: be2, address: 127.0.0.1, protocol_port: ${slow.port}}
hosts:
  be2: {ssh: root@127.0.0.1}
`);
    return runPlaybook({
      playbook,
      inventory,
      loadProbe,
      vantages: { local: () => local, forHost: async (name) => host(name), close: async () => {} },
      facts: { set: new Map(), answers: {} },
      timeoutMs: 5000,
      toolVersion: 'test',
    });
  }

  it('overloaded (load 7.9 on 2 CPUs): backend-overloaded for the slow member', async () => {
    const r = await withHost({ loadavg: '7.90 6.10 4.00 9/300 1234', cpus: '2' });
    expect(r.findings.map((f) => f.code).sort()).toEqual([
      'slow-response/backend-overloaded',
      'slow-response/member-fast',
    ]);
    const f = r.findings.find((x) => x.code === 'slow-response/backend-overloaded')!;
    expect(f.title).toMatch(/^be2 is slow \(11\d\d(\.\d)? ms to the first byte\) and overloaded/);
    expect(f.cause).toMatch(/load/i);
  });

  it('not overloaded: slow-member, with the load read and named', async () => {
    const r = await withHost({ loadavg: '0.10 0.20 0.20 1/300 1234', cpus: '2' });
    expect(r.findings.map((f) => f.code).sort()).toEqual([
      'slow-response/member-fast',
      'slow-response/slow-member',
    ]);
    const f = r.findings.find((x) => x.code === 'slow-response/slow-member')!;
    expect(f.cause).not.toMatch(/Load over SSH: not read/);
  });
});
