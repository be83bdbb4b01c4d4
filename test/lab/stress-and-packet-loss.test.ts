// FAQ 1.1 and 1.10 on the registered lab scenarios, through the CLI as a user
// runs it (`lbdoctor run ID --inventory FILE --non-interactive --format json`):
// each fault reaches its conclusion and no other error finding, each healthy
// twin raises no error finding. The host scenarios run real nginx, real
// iptables and real per-namespace sysctls (somaxconn, ip_local_port_range);
// they need root and are skipped with the reason printed otherwise.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
