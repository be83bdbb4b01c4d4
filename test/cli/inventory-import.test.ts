// `lbdoctor inventory import` through the built CLI (run `npm run build`
// first): the pipe the issue asks for, and bad input answered with exit 2,
// the file named, no stack trace.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, lbdoctor } from '../helpers/cli.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/import');

describe('lbdoctor inventory import', () => {
  it('terraform show -json … | import --from terraform - | inventory lint - checks a plan before deploy', async () => {
    // `terraform show -json` stands in as cat: the plan JSON is its output.
    const pipe = await execa('cat', [resolve(fixtures, 'terraform/huaweicloud-plan.json')])
      .pipe('node', [BIN, 'inventory', 'import', '--from', 'terraform', '-'])
      .pipe('node', [BIN, 'inventory', 'lint', '-', '--format', 'json'], { reject: false });
    const report = JSON.parse(String(pipe.stdout)) as {
      files: { file: string; status: string }[];
      findings: [];
    };
    expect(report.files).toEqual([expect.objectContaining({ file: '<stdin>', status: 'linted' })]);
    expect(report.findings).toEqual([]);
    expect(pipe.exitCode).toBe(0);
  });

  it('lint finds the FAQ rule a plan breaks', async () => {
    // A UDP listener in front of an HTTP pool: the protocols do not pair (FAQ 5.7).
    const state = JSON.parse(readFileSync(resolve(fixtures, 'terraform/openstack-state.json'), 'utf8'));
    state.values.root_module.child_modules[0].resources[1].values.protocol = 'UDP';
    const imported = await lbdoctor(['inventory', 'import', '--from', 'terraform', '-', '-q'], {
      input: JSON.stringify(state),
    });
    expect(imported.code).toBe(0);
    const lint = await lbdoctor(['inventory', 'lint', '-', '--format', 'json'], { input: imported.stdout });
    const report = JSON.parse(lint.stdout) as { findings: { code: string; severity: string }[] };
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'lint/protocol-pair', severity: 'error' }),
    );
    expect(lint.code).toBe(1);
  });

  it.each([
    [
      'a JSON of the wrong resource type',
      ['--from', 'elb-json', 'octavia/shop/pool-show.json'],
      /pool-show\.json is not a saved ELB v3 API response/,
    ],
    [
      'a plan without load balancers',
      ['--from', 'octavia', 'terraform/huaweicloud-plan.json'],
      /huaweicloud-plan\.json is not a saved Octavia CLI output/,
    ],
    ['a missing file', ['--from', 'terraform', 'nosuch.json'], /cannot read .*nosuch\.json: no such file/],
  ])('%s: exit 2, the file named, no stack trace', async (_what, args, message) => {
    const r = await lbdoctor([
      'inventory',
      'import',
      ...args.map((a) => (a.includes('/') || a.endsWith('.json') ? resolve(fixtures, a) : a)),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('a truncated file: exit 2 with its line', async () => {
    const r = await lbdoctor(['inventory', 'import', '--from', 'terraform', '-'], {
      input: '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<stdin>:1:\d+/);
  });

  it('--from is required and its choices listed', async () => {
    const r = await lbdoctor(['inventory', 'import', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from/);
  });

  it.each([
    [['--from', 'cloud:x.json'], /--from "cloud:x.json" is not SOURCE:INPUT/],
    [['--from', 'terraform:'], /is not SOURCE:INPUT/],
    [['--from', 'terraform:plan.json', '--inventory', 'i.yaml'], /give --inventory or --from, not both/],
    [['--hosts', 'hosts.yaml', '--target', '127.0.0.1:1'], /--hosts goes with --from/],
  ])('run %j: exit 2 with what to give', async (args, message) => {
    const r = await lbdoctor(['run', 'unhealthy-backend', ...args, '--non-interactive']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
