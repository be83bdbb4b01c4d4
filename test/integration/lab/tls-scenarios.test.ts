// The TLS lab scenarios through the CLI, stricter than scenario-diagnosis:
// each reaches its conclusion and no other error, the healthy twin none; and
// the one-verdict bug of issue 12 stays fixed on tls-expired-certificate:
// `probe tls` and `probe http` both say FAIL, and `run router-code` (which
// requests the listener with certificate checks off) does not pass.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { scenarios } from '../../../src/lab/scenarios/index.js';
import type { RunningScenario } from '../../../src/lab/scenarios/types.js';
import { TLS_LAB_HOST } from '../../../src/lab/tls-fixtures.js';
import { lbdoctor } from '../../helpers/cli.js';

interface Finding {
  code: string;
  severity: string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-tls-scenarios-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function start(id: string): Promise<{ running: RunningScenario; inventory: string }> {
  const scenario = scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  const running = await scenario.start();
  onTestFinished(() => running.close());
  const inventory = join(dir, `${id}.yaml`);
  await writeFile(inventory, running.inventoryYaml);
  return { running, inventory };
}

async function run(playbook: string, inventory: string, extra: readonly string[] = []) {
  const r = await lbdoctor([
    'run',
    playbook,
    '--inventory',
    inventory,
    ...extra,
    '--non-interactive',
    '--format',
    'json',
  ]);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
}

const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === 'error').map((f) => f.code);

describe('TLS lab scenarios', { timeout: 60_000 }, () => {
  const tls = scenarios.filter((s) => s.playbook === 'tls-handshake');

  it.each(tls.map((s) => [s.id, s.conclusion] as const))(
    '%s: tls-handshake reaches %s and no other error',
    async (id, conclusion) => {
      const { running, inventory } = await start(id);
      const { code, findings } = await run('tls-handshake', inventory, running.runArgs);
      if (conclusion === 'tls-healthy') {
        expect(errorsOf(findings)).toEqual([]);
        expect(findings.map((f) => f.code)).toContain('tls-handshake/tls-healthy');
        expect(code).toBe(0);
      } else {
        expect(errorsOf(findings)).toEqual([`tls-handshake/${conclusion}`]);
        expect(code).toBe(1);
      }
    },
  );

  it('tls-expired-certificate: probe tls and probe http give the same FAIL, router-code does not pass', async () => {
    const { running, inventory } = await start('tls-expired-certificate');
    const listener = running.listeners[0]!;
    const ca = running.inventory.certificates.find((c) => c.id === 'lab-ca')!.certificate;
    const target = `${listener.address}:${listener.port}`;
    const tlsProbe = await lbdoctor([
      'probe',
      'tls',
      '--target',
      target,
      '--servername',
      TLS_LAB_HOST,
      '--ca',
      ca,
      '--format',
      'json',
    ]);
    const httpProbe = await lbdoctor([
      'probe',
      'http',
      '--url',
      `https://${TLS_LAB_HOST}:${listener.port}/`,
      '--with',
      `connectTo=${target}`,
      '--ca',
      ca,
      '--format',
      'json',
    ]);
    const t = (JSON.parse(tlsProbe.stdout) as { observation: unknown }).observation as {
      outcome: string;
      data: { daysLeft: number; verdict: { chain: string } };
    };
    const h = (JSON.parse(httpProbe.stdout) as { observation: unknown }).observation as {
      outcome: string;
      data: { tls: { chain: string; daysLeft: number } };
    };
    expect(t.outcome).toBe('fail');
    expect(h.outcome).toBe('fail');
    expect(t.data.verdict.chain).toBe('expired');
    expect(h.data.tls.chain).toBe('expired');
    // Expired one day ago (and a few seconds): -1, not -2.
    expect(t.data.daysLeft).toBe(-1);
    expect(h.data.tls.daysLeft).toBe(-1);

    const routerCode = await run('router-code', inventory);
    expect(routerCode.code).toBe(1);
    expect(errorsOf(routerCode.findings)).toEqual(['router-code/listener-tls-failed']);
  });

  it.each(['gateway-errors', 'abnormal-status', 'backend-unreachable', 'slow-response'])(
    'tls-expired-certificate: %s does not pass over the expired certificate either',
    async (playbook) => {
      const { inventory } = await start('tls-expired-certificate');
      const { code, findings } = await run(playbook, inventory);
      expect(code).toBe(1);
      expect(errorsOf(findings)).toContain(`${playbook}/listener-tls-failed`);
    },
  );

  it.each(['router-code', 'slow-response'])(
    'tls-healthy: %s still passes over a good certificate',
    async (playbook) => {
      const { inventory } = await start('tls-healthy');
      const { code, findings } = await run(playbook, inventory);
      expect(errorsOf(findings)).toEqual([]);
      expect(findings.map((f) => f.code)).not.toContain(`${playbook}/listener-tls-failed`);
      expect(code).toBe(0);
    },
  );
});
