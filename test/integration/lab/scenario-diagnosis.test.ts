// The contract between scenarios and playbooks: pointed at a scenario's
// inventory, `lbdoctor run <playbook>` reaches the scenario's conclusion and no
// wrong one (no other warn/error finding than those the scenario names).
// Covers every scenario of every shipped playbook; more join as playbooks land. Needs `npm run build` (npm test does it).
// Host scenarios (lab namespaces, sshd, nginx, iptables) need root and those
// packages: where they cannot run they are skipped with the reason printed (CI
// runs as root with them installed). Their inventories reach the members over
// SSH, so the run gets the scenario's runArgs (--known-hosts FILE).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { scenarios } from '../../../src/lab/scenarios/index.js';
import { BUNDLED_PLAYBOOKS, loadAllPlaybooks } from '../../../src/playbook/load.js';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'bin', 'lbdoctor.js');
/** Every playbook lbdoctor ships: each of its scenarios must be diagnosed. */
const diagnosed = new Set((await loadAllPlaybooks([BUNDLED_PLAYBOOKS])).map((p) => p.playbook.id));
const runnable = scenarios.filter((s) => diagnosed.has(s.playbook));
/** Why a scenario cannot run on this machine (host scenarios without root, say), by id. */
const cannot = new Map<string, string>();
for (const s of runnable) {
  const support = await s.support?.();
  if (support && !support.ok) cannot.set(s.id, support.reason);
}
if (cannot.size > 0) {
  console.warn(
    `skipping ${cannot.size} lab scenario diagnosis test(s): ${[...cannot].map(([id, why]) => `${id} (${why})`).join('; ')}`,
  );
}
/** Conclusions drawn from the (machine-wide) load average by the `load` probe. */
const READ_FROM_LOAD_AVERAGE = ['host-overloaded', 'backend-cpu-saturated'];
let dir: string;

function runPlaybook(
  playbook: string,
  inventory: string,
  extra: readonly string[] = [],
): Promise<{ code: number; report: { findings: { code: string; severity: string }[] } }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, 'run', playbook, '--inventory', inventory, ...extra, '--non-interactive', '--format', 'json'],
      // No agent: the lab's client key (identity_file) is the only one offered.
      { timeout: 60_000, env: { ...process.env, SSH_AUTH_SOCK: '' } },
      (err, stdout, stderr) => {
        try {
          resolve({ code: err ? Number(err.code) : 0, report: JSON.parse(stdout) });
        } catch {
          reject(new Error(`lbdoctor run ${playbook} printed no JSON report: ${stderr || stdout}`));
        }
      },
    );
  });
}

describe('lbdoctor run on lab scenarios', { timeout: 60_000 }, () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'lbdoctor-lab-diagnosis-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(runnable.filter((s) => !cannot.has(s.id)).map((s) => [s.id, s] as const))(
    '%s: the playbook reaches the expected conclusion and no wrong one',
    async (id, scenario) => {
      const running = await scenario.start();
      onTestFinished(() => running.close());
      const inventory = join(dir, `${id}.yaml`);
      writeFileSync(inventory, running.inventoryYaml);
      const { code, report } = await runPlaybook(scenario.playbook, inventory, running.runArgs);
      const expected = `${scenario.playbook}/${scenario.conclusion}`;
      const found = report.findings.find((f) => f.code === expected);
      expect(report.findings.map((f) => f.code)).toContain(expected);
      // No wrong answer: every other warn/error finding is one the scenario
      // names as rightly found alongside; a healthy twin finds nothing wrong.
      const allowed = new Set([
        expected,
        ...(scenario.alsoFinds ?? []).map((c) => `${scenario.playbook}/${c}`),
      ]);
      // Lab hosts are namespaces of this machine and read its load average: a
      // test machine busy running the suite is truly overloaded, so that
      // finding is excused while (and only while) the machine is.
      const machineBusy = (loadavg()[0] ?? 0) / availableParallelism() > 0.75;
      const excused = (f: { code: string }) =>
        machineBusy && READ_FROM_LOAD_AVERAGE.some((c) => f.code.endsWith(`/${c}`));
      const wrong = report.findings.filter(
        (f) => f.severity !== 'info' && !allowed.has(f.code) && !excused(f),
      );
      expect(wrong.map((f) => `${f.severity} ${f.code}`)).toEqual([]);
      if (found?.severity === 'info' && !report.findings.some(excused))
        expect(code, 'a healthy twin exits 0').toBe(0);
    },
  );
  for (const [id, why] of cannot) it.skip(`${id}: cannot run here: ${why}`, () => {});
});
