// health-check-noise on lab hosts, beyond "the expected conclusion is there"
// (scenario-diagnosis): what be1's real nginx logged and what the probe
// measured from it. The reference LB in the lb namespace runs 3 checker nodes,
// all sending from the lb host's one address: be1 sees one source checking
// about 3 times per interval, and the report says so next to the configured
// checker_nodes. Needs root, ip netns, sshd and nginx; skipped with the reason otherwise.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hostScenarioSupport } from '../../src/lab/scenarios/define-host.js';
import { NOISE_CHECKER_NODES } from '../../src/lab/scenarios/host-noise.js';
import { findScenario, type RunningScenario } from '../../src/lab/scenarios/index.js';
import { lbdoctor } from '../helpers/cli.js';

const support = await hostScenarioSupport(['nginx']);
const why = support.ok ? undefined : support.reason;
if (why) console.warn(`skipping the health-check-noise lab tests: ${why}`);

interface Report {
  findings: { code: string; severity: string; cause: string; evidence: string[] }[];
  checks: { step: string; observation: { outcome: string; data: Measured } }[];
}

/** The health-check-log data these tests read (src/probes/contracts/health-check-log.ts). */
interface Measured {
  share: number;
  healthChecks: number;
  linesRead: number;
  sourceCount: number;
  checksPerInterval: number | null;
  sources: { address: string }[];
}

let dir: string;

async function diagnose(id: string): Promise<{ running: RunningScenario; report: Report; log: string }> {
  const running = await findScenario(id).start();
  onTestFinished(() => running.close());
  const inventory = join(dir, `${id}.yaml`);
  writeFileSync(inventory, running.inventoryYaml);
  const args = running.runArgs ?? [];
  const log = args[args.indexOf('--input') + 1]!.replace(/^backend_log=/, '');
  const r = await lbdoctor(
    ['run', 'health-check-noise', '--inventory', inventory, ...args, '--non-interactive', '--format', 'json'],
    { env: { SSH_AUTH_SOCK: '' }, timeoutMs: 60_000 },
  );
  return { running, report: JSON.parse(r.stdout) as Report, log: readFileSync(log, 'utf8') };
}

const lbAddress = (r: RunningScenario) => r.hosts!.find((h) => h.name === 'lb')!.address;
const measured = (report: Report) => report.checks.find((c) => c.step === 'read-log')!.observation;

describe.skipIf(why !== undefined)('health-check-noise on lab hosts', { timeout: 90_000 }, () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-hcn-lab-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('health-check-noisy: only checks in the log, one source (the lb host) about 3 times a second', async () => {
    const { running, report, log } = await diagnose('health-check-noisy');
    expect(report.findings.map((f) => f.code)).toEqual(['health-check-noise/check-log-share-high']);
    const obs = measured(report);
    expect(obs.outcome).toBe('fail');
    expect(obs.data.share).toBe(1);
    // Every line of the real log is a GET /health from the lb host (the reference LB's checker nodes).
    // The checks go on after lbdoctor read the log: compare with the lines it read, the first ones.
    const lines = log.trim().split('\n').slice(0, obs.data.linesRead);
    expect(lines.length).toBe(obs.data.linesRead);
    expect(
      lines.every(
        (l) => l.startsWith(`${lbAddress(running)} - - [`) && l.includes('"GET /health HTTP/1.1" 200'),
      ),
    ).toBe(true);
    expect(obs.data.healthChecks).toBe(lines.length);
    expect(obs.data.sources.map((s) => s.address)).toEqual([lbAddress(running)]);
    // 3 nodes every 1 s: about 3 checks per interval (whole-second timestamps over a few seconds: roughly).
    expect(obs.data.checksPerInterval).toBeGreaterThanOrEqual(2);
    expect(obs.data.checksPerInterval).toBeLessThanOrEqual(4.5);
    expect(report.findings[0]!.evidence).toContain(
      `checker nodes configured (reference load balancer only): ${NOISE_CHECKER_NODES}`,
    );
  });

  it('health-check-interval-short: client traffic outweighs the checks, but 1 s from 3 nodes is many', async () => {
    const { report } = await diagnose('health-check-interval-short');
    expect(report.findings.map((f) => f.code)).toEqual(['health-check-noise/interval-short']);
    const obs = measured(report);
    expect(obs.outcome).toBe('pass');
    expect(obs.data.share).toBeLessThan(0.5);
    expect(obs.data.sourceCount).toBe(1);
    expect(obs.data.checksPerInterval).toBeGreaterThanOrEqual(2);
  });

  it('health-check-quiet: real traffic dominates at a 5 s interval, no warning, the checks explained', async () => {
    const { running, report, log } = await diagnose('health-check-quiet');
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
      ['health-check-noise/checks-from-several-nodes', 'info'],
    ]);
    const obs = measured(report);
    expect(obs.data.share).toBeLessThan(0.2);
    // The client requests went through the listener: the proxied lines come from the lb host too.
    expect(log).toContain(`${lbAddress(running)} - - [`);
    expect(log).toMatch(/"GET \/products\?page=2 HTTP\/1\.1" 200/);
    expect(obs.data.sources.map((s) => s.address)).toEqual([lbAddress(running)]);
  });
});
