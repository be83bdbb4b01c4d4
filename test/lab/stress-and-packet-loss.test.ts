// FAQ 1.1 and 1.10 on the registered lab scenarios, through the CLI as a user
// runs it (`lbdoctor run ID --inventory FILE --non-interactive --format json`):
// each fault reaches its conclusion and no other error finding, each healthy
// twin raises no error finding. The host scenarios run real nginx, real
// iptables and real per-namespace sysctls (somaxconn, ip_local_port_range);
// they need root and are skipped with the reason printed otherwise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { lbdoctor } from '../helpers/cli.js';

interface Report {
  findings: Array<{ code: string; severity: string; explain?: string[] }>;
}

const dir = mkdtempSync(join(tmpdir(), 'lbd-stress-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: Array<[id: string, healthy: boolean]> = [
  ['packet-loss-client-blocked', false],
  ['packet-loss-ip-backend-capacity', false],
  ['packet-loss-ping-only', false],
  ['packet-loss-healthy', true],
  ['stress-backlog-overflow', false],
  ['stress-backlog-nginx', false],
  ['stress-client-ports-exhausted', false],
  ['stress-test-healthy', true],
];

const unsupported = new Map<string, string>();
for (const [id] of cases) {
  const s = await findScenario(id).support?.();
  if (s && !s.ok) unsupported.set(id, s.reason);
}
if (unsupported.size)
  console.warn(`skipping: ${[...unsupported].map(([id, why]) => `${id} (${why})`).join('; ')}`);

describe('FAQ 1.1 and 1.10 on lab scenarios, through the CLI', { timeout: 90_000 }, () => {
  it.each(cases.filter(([id]) => !unsupported.has(id)))('%s', async (id, healthy) => {
    const scenario = findScenario(id);
    const running = await scenario.start();
    onTestFinished(() => running.close());
    const inventory = join(dir, `${id}.yaml`);
    writeFileSync(inventory, running.inventoryYaml);
    const args = [
      'run',
      scenario.playbook,
      '--inventory',
      inventory,
      ...(running.runArgs ?? []),
      '--non-interactive',
    ];
    const r = await lbdoctor([...args, '--format', 'json'], {
      timeoutMs: 60_000,
      env: { SSH_AUTH_SOCK: '' },
    });
    const report = JSON.parse(r.stdout) as Report;
    const expected = `${scenario.playbook}/${scenario.conclusion}`;
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect(report.findings.map((f) => f.code)).toContain(expected);
    if (healthy) {
      expect(errors).toEqual([]);
      expect(r.code).toBe(0);
    } else {
      expect(errors).toEqual([expected]);
      expect(r.code).toBe(1);
    }
    // The text report links the background of a conclusion that has one.
    const linked = report.findings.find((f) => f.explain?.length);
    if (linked) {
      const text = await lbdoctor(args, { timeoutMs: 60_000, env: { SSH_AUTH_SOCK: '' } });
      expect(text.stdout).toContain(`lbdoctor explain ${linked.explain![0]}`);
    }
  });
  for (const [id, why] of unsupported) it.skip(`${id}: cannot run here: ${why}`, () => {});

  it.skipIf(unsupported.has('stress-backlog-nginx'))(
    "stress-backlog-nginx, the operator's own burst: --input burst=0 --input watch_seconds=8",
    async () => {
      const scenario = findScenario('stress-backlog-nginx');
      const running = await scenario.start();
      onTestFinished(() => running.close());
      const inventory = join(dir, 'operator-burst.yaml');
      writeFileSync(inventory, running.inventoryYaml);
      const member = running.inventory.loadbalancers[0]!.pools[0]!.members[0]!;
      const run = lbdoctor(
        [
          'run',
          'stress-test',
          '--inventory',
          inventory,
          ...(running.runArgs ?? []),
          '--non-interactive',
        ].concat(['--input', 'burst=0', '--input', 'watch_seconds=8', '--format', 'json']),
        { timeoutMs: 60_000, env: { SSH_AUTH_SOCK: '' } },
      );
      // The operator's load test while the playbook watches: waves of 300 connections at once from another
      // process, the first a moment after the run starts, so at least one lands between the two readings
      // however long the run takes to read the member the first time.
      for (let wave = 0; wave < 3; wave++) {
        await new Promise((r) => setTimeout(r, 1500));
        await execa(process.execPath, ['-e', OPERATOR_BURST, member.address, String(member.protocol_port)], {
          timeout: 20_000,
        });
      }
      const report = JSON.parse((await run).stdout) as Report;
      expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual([
        'stress-test/backlog-overflow',
      ]);
    },
  );

  it.skipIf(unsupported.has('stress-test-healthy'))(
    'stress-test-healthy, Cloud Eye counting other connections than the members (answered): expected behind HTTP',
    async () => {
      const scenario = findScenario('stress-test-healthy');
      const running = await scenario.start();
      onTestFinished(() => running.close());
      const inventory = join(dir, 'active-connections.yaml');
      writeFileSync(inventory, running.inventoryYaml);
      const r = await lbdoctor(
        [
          'run',
          'stress-test',
          '--inventory',
          inventory,
          ...(running.runArgs ?? []),
          '--non-interactive',
          '--set',
          'active_connections_differ=true',
          '--format',
          'json',
        ],
        { timeoutMs: 60_000, env: { SSH_AUTH_SOCK: '' } },
      );
      const report = JSON.parse(r.stdout) as Report;
      // The CPU reading follows the machine's load average (shared with other tests): left out.
      const codes = report.findings
        .map((f) => f.code)
        .filter((c) => c !== 'stress-test/backend-cpu-saturated');
      expect(codes).toEqual(['stress-test/l7-connections-unrelated']);
      expect(report.findings.find((f) => f.code === 'stress-test/l7-connections-unrelated')?.explain).toEqual(
        ['active-connections'],
      );
    },
  );
});

/** 300 connections at once, held until each has opened or failed, then closed. */
const OPERATOR_BURST = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const socks = [];
Promise.all(Array.from({ length: 300 }, () => new Promise((done) => {
  const s = net.connect({ host, port: Number(port), timeout: 3000 });
  socks.push(s);
  s.on('connect', done); s.on('error', done); s.on('timeout', done);
}))).then(() => { for (const s of socks) s.destroy(); });
`;
