// The contract between scenarios and playbooks: pointed at a scenario's
// inventory, `lbdoctor run <playbook>` reaches the scenario's conclusion.
// Covers every scenario of every shipped playbook; more join as playbooks land. Needs `npm run build` (npm test does it).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { scenarios } from '../../../src/lab/scenarios/index.js';
import { BUNDLED_PLAYBOOKS, loadAllPlaybooks } from '../../../src/playbook/load.js';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'bin', 'lbdoctor.js');
/** Every playbook lbdoctor ships: each of its scenarios must be diagnosed. */
const diagnosed = new Set((await loadAllPlaybooks([BUNDLED_PLAYBOOKS])).map((p) => p.playbook.id));
let dir: string;

function runPlaybook(
  playbook: string,
  inventory: string,
): Promise<{ code: number; report: { findings: { code: string }[] } }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, 'run', playbook, '--inventory', inventory, '--non-interactive', '--format', 'json'],
      { timeout: 60_000 },
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

  it.each(scenarios.filter((s) => diagnosed.has(s.playbook)).map((s) => [s.id, s] as const))(
    '%s: the playbook reaches the expected conclusion',
    async (id, scenario) => {
      const running = await scenario.start();
      onTestFinished(() => running.close());
      const inventory = join(dir, `${id}.yaml`);
      writeFileSync(inventory, running.inventoryYaml);
      const { report } = await runPlaybook(scenario.playbook, inventory);
      expect(report.findings.map((f) => f.code)).toContain(`${scenario.playbook}/${scenario.conclusion}`);
    },
  );
});
