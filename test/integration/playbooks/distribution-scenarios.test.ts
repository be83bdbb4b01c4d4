// The uneven-distribution and sticky-session lab scenarios (reference LB +
// lab backends), each diagnosed with exactly its conclusion and nothing else;
// the statistical ones 20 times over, which must give the same answer every
// time (docs/distribution.md says how N and the significance were chosen);
// and cookie values, which the backends set, never reaching a report.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
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

  it('the shares chart: data in JSON, drawn in text (ASCII piped, Unicode in colour) and as Mermaid in markdown', async () => {
    const running = await byId('uneven-weights').start();
    onTestFinished(() => running.close());
    const file = join(dir, 'uneven.yaml');
    await writeFile(file, running.inventoryYaml);
    const run = (format: string, env: Record<string, string> = {}) =>
      lbdoctor(['run', 'uneven-distribution', '--inventory', file, '--non-interactive', '--format', format], {
        env,
      });

    const json = await run('json');
    expect(json.code).toBe(0);
    const finding = (JSON.parse(json.stdout) as RunResult).findings.find(
      (f) => f.conclusion === 'unequal-weights',
    );
    // Weights 3:1 and a deterministic weighted round robin: shares within a request of the weights.
    expect(finding?.chart).toMatchObject({
      kind: 'bars',
      unit: 'share',
      valueLabel: 'share',
      referenceLabel: 'weight',
    });
    expect(finding?.chart?.bars.map((b) => b.label)).toEqual(['be1', 'be2']);
    expect(finding?.chart?.bars.map((b) => b.reference)).toEqual([0.75, 0.25]);
    expect(finding?.chart?.bars[0]?.value).toBeCloseTo(0.75, 1);
    // The drawing is the reporters' job: the evidence keeps the numbers, not a picture.
    expect(finding?.evidence.join('\n')).not.toMatch(/#{5}/);
    expect(finding?.evidence.join('\n')).toMatch(/be1 \d+ \(75%, weight 75%\)/);

    const text = await run('text');
    const lines = text.stdout.split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const rows = lines.filter((l) => /^ {6}be[12] +\d+% +\d+% /.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/be1 +75% +75% +#{20,}\|$/);
    expect(rows[1]).toMatch(/be2 +25% +25% +#+\|$/);
    expect(text.stdout).not.toMatch(/[█│]/);

    const colour = await run('text', { FORCE_COLOR: '1', NO_COLOR: '' });
    const plain = stripVTControlCharacters(colour.stdout);
    expect(plain).toMatch(/be1 +75% +75% +█+│/);
    for (const line of plain.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    const md = await run('markdown');
    expect(md.stdout).toContain(
      '```mermaid\nxychart-beta\n  title "Shares of new connections against the weights',
    );
    expect(md.stdout).toContain('x-axis ["be1", "be2"]');
    expect(md.stdout).toMatch(/ {2}bar \[75, 25\]\n {2}line \[75, 25\]/);
  });

  it('sticky-session draws where the client that sent its cookies back went', async () => {
    const off = await byId('stickiness-off').start();
    onTestFinished(() => off.close());
    const file = join(dir, 'sticky-chart.yaml');
    await writeFile(file, off.inventoryYaml);
    const r = await lbdoctor([
      'run',
      'sticky-session',
      '--inventory',
      file,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const finding = (JSON.parse(r.stdout) as RunResult).findings.find(
      (f) => f.conclusion === 'stickiness-off',
    );
    expect(finding?.chart?.unit).toBe('count');
    expect(finding?.chart?.referenceLabel).toBeUndefined();
    // No stickiness: the cookie-returning client still reached both members.
    expect(finding?.chart?.bars.filter((b) => b.value > 0)).toHaveLength(2);
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
