// The uneven-distribution and sticky-session lab scenarios (reference LB +
// lab backends), each diagnosed with exactly its conclusion and nothing else;
// the statistical ones 20 times over, which must give the same answer every
// time (docs/distribution.md says how N and the significance were chosen);
// and cookie values, which the backends set, never reaching a report.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import { scenarios } from '../../../src/lab/scenarios/index.js';
import { lbdoctor } from '../../helpers/cli.js';
import { diagnose } from '../../helpers/diagnose.js';

const byId = (id: string) => {
  const s = scenarios.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};

/** Each scenario's findings, exactly (the health-check fragment adds its per-member finding). */
const expected: Record<string, string[]> = {
  'uneven-weights': ['unequal-weights'],
  'even-round-robin': ['distribution-even'],
  'source-ip-hash': ['source-ip-hash'],
  'keepalive-on-tcp': ['keepalive-concentrates'],
  'sticky-few-clients': ['stickiness-few-clients'],
  'unhealthy-member-share': ['member-fails-health-check', 'member-health-flapping'],
  'all-weights-zero': ['all-weights-zero'],
  'member-down-share': ['member-no-direct-answer'],
  'stickiness-off': ['stickiness-off'],
  'sticky-cookie': ['stickiness-working'],
  'source-ip-sticky': ['stickiness-working'],
  'app-cookie-missing': ['cookie-missing'],
  'cookie-changing': ['cookie-changing'],
  'sticky-member-unhealthy': ['member-fails-health-check', 'member-unhealthy'],
};
/**
 * Nothing at error, exit 0: the healthy twins (info), and the causes FAQ 1.8
 * calls expected behaviour (warn: weights, source-IP hash, kept-alive connections).
 */
const noError = new Set([
  'even-round-robin',
  'sticky-cookie',
  'source-ip-sticky',
  'uneven-weights',
  'source-ip-hash',
  'keepalive-on-tcp',
  'sticky-few-clients',
]);

describe('distribution and sticky-session scenarios', { timeout: 180_000 }, () => {
  it.each(Object.entries(expected))('%s: exactly its conclusion', async (id, conclusions) => {
    const scenario = byId(id);
    const running = await scenario.start();
    onTestFinished(() => running.close());
    const result = await diagnose(scenario.playbook, { inventory: running.inventory });
    expect(result.findings.map((f) => f.conclusion).sort()).toEqual(conclusions);
    expect(result.inconclusive).toEqual([]);
    expect(exitCodeFor(result, 'error')).toBe(noError.has(id) ? 0 : 1);
  });

  /** The fresh series' verdict behind each statistical conclusion. */
  const verdicts: Record<string, string> = {
    'uneven-weights': 'as-weighted',
    'even-round-robin': 'as-weighted',
    'source-ip-hash': 'one-member',
    'keepalive-on-tcp': 'as-weighted',
  };
  it.each(Object.keys(verdicts))('%s: 20 runs, the same answer every time', async (id) => {
    const scenario = byId(id);
    const running = await scenario.start();
    onTestFinished(() => running.close());
    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const result = await diagnose(scenario.playbook, { inventory: running.inventory });
      const data = result.checks.find((c) => c.step === 'measure')?.observation.data as
        | { fresh?: { verdict: string } }
        | undefined;
      answers.add(`${result.findings.map((f) => f.code).join(' ')} (${data?.fresh?.verdict})`);
    }
    expect([...answers]).toEqual([`uneven-distribution/${expected[id]![0]} (${verdicts[id]})`]);
  });
});

describe('reports of the distribution playbooks', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-dist-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('text fits 80 columns with the shares chart; markdown puts it in a fenced block', async () => {
    const running = await byId('uneven-weights').start();
    onTestFinished(() => running.close());
    const file = join(dir, 'uneven.yaml');
    await writeFile(file, running.inventoryYaml);
    const text = await lbdoctor(['run', 'uneven-distribution', '--inventory', file, '--non-interactive']);
    expect(text.code).toBe(0);
    const chart = text.stdout.split('\n').filter((l) => /^\s+be[12]\s+\d+\s+\d+%/.test(l));
    expect(chart).toHaveLength(2);
    for (const line of chart) expect(line.length).toBeLessThanOrEqual(80);
    expect(chart[0]).toMatch(/be1 +\d+ +75% +75% +#+\|/);
    const md = await lbdoctor([
      'run',
      'uneven-distribution',
      '--inventory',
      file,
      '--non-interactive',
      '--format',
      'markdown',
    ]);
    expect(md.stdout).toMatch(/```text\n[^`]*member +n +got +want[^`]*be2 [^`]*```/);
  });

  it('cookie names are evidence, cookie values never appear (json, text, markdown)', async () => {
    const running = await byId('stickiness-off').start();
    onTestFinished(() => running.close());
    const file = join(dir, 'sticky.yaml');
    await writeFile(file, running.inventoryYaml);
    for (const format of ['json', 'text', 'markdown']) {
      const r = await lbdoctor([
        'run',
        'sticky-session',
        '--inventory',
        file,
        '--non-interactive',
        '--format',
        format,
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('APPSESSION');
      // The backends set APPSESSION=s3ss-be1-7f2c and s3ss-be2-91ad.
      expect(r.stdout).not.toContain('s3ss-');
    }
  });
});
