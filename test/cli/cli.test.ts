// The CLI as a user meets it: the built bin/, no TTY, CI=true.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

let dir: string;
const server = createServer((_req, res) => {
  res.writeHead(503, { 'x-router-code': '50000' });
  res.end();
});
let port = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-cli-'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

describe('lbdoctor, as a user runs it', () => {
  it('--version and --help', async () => {
    const v = await lbdoctor(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await lbdoctor(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('run [options] <playbook>');
    expect(h.stdout).toContain('Examples:');
  });

  it('list --format json', async () => {
    const r = await lbdoctor(['list', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.find((p: { id: string }) => p.id === 'router-code')).toMatchObject({ faq: ['1.6'] });
  });

  it('list WORDS: the playbooks that fit a symptom, best first, and how to run the first', async () => {
    const r = await lbdoctor(['list', '502', 'gateway']);
    expect(r.code).toBe(0);
    const ids = r.stdout.split('\n').filter((l) => /^[a-z0-9-]+$/.test(l));
    expect(ids[0]).toBe('gateway-errors');
    expect(r.stdout).toContain('  lbdoctor run gateway-errors --inventory FILE');
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const json = await lbdoctor(['list', '1.6', '--format', 'json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as { id: string; conclusions: { id: string }[] }[];
    expect(rows.map((p) => p.id)).toEqual(['router-code']);
    expect(rows[0]!.conclusions.map((c) => c.id)).toContain('all-members-unhealthy');
  });

  it('list WORDS that fit no playbook: exit 2, with the explain topic or the word meant', async () => {
    const typo = await lbdoctor(['list', 'helth']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(
      /^lbdoctor: no playbook fits "helth" \[LBD_ERR_USAGE\]\n {2}hint: did you mean "health"\?/,
    );
    const question = await lbdoctor(['list', 'ipv6']);
    expect(question.code).toBe(2);
    expect(question.stderr.replace(/\s+/g, ' ')).toContain('`lbdoctor explain ipv6-unbind` answers');
    // The hint wraps under itself at 80 columns.
    for (const line of question.stderr.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('show router-code --graph mermaid', async () => {
    const r = await lbdoctor(['show', 'router-code', '--graph', 'mermaid']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart/m);
    expect(r.stdout).toContain('s_default_pool_empty');
  });

  it('show marks a conclusion reported once per pool or listener', async () => {
    const r = await lbdoctor(['show', 'unhealthy-backend']);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\n {4}(?=\S)/g, ' ');
    expect(text).toMatch(/^ {2}pool-not-attached: .*\[conclude \(error\), once per pool\]$/m);
    expect(text).toMatch(/^ {2}weight-zero: .*\[conclude \(error\)\]$/m);
  });

  it('show names an empty default as empty, not "(default )"', async () => {
    const r = await lbdoctor(['show', 'sticky-session']);
    expect(r.code).toBe(0);
    // Each item hangs under its first line: join them back to read one input per line.
    const text = r.stdout.replace(/\n {4}(?=\S)/g, ' ');
    expect(text).toMatch(/^ {2}member_header: .*\(default: empty\)$/m);
    expect(text).toMatch(/^ {2}path: .*\(default: \/\)$/m);
    expect(text).not.toContain('(default )');
  });

  it('run router-code --target … --non-interactive --format json: a diagnosis and exit 1', async () => {
    const r = await lbdoctor([
      'run',
      'router-code',
      '--target',
      `127.0.0.1:${port}`,
      '--non-interactive',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('fail');
    expect(report.findings[0].code).toBe('router-code/all-members-unhealthy');
    expect(report.findings[0].faq).toEqual(['1.6']);
  });

  it('writes several formats at once', async () => {
    const json = join(dir, 'out', 'r.json');
    const junit = join(dir, 'out', 'r.xml');
    const r = await lbdoctor([
      'run',
      'router-code',
      '-t',
      `127.0.0.1:${port}`,
      '--format',
      `json:${json}`,
      '--format',
      `junit:${junit}`,
      '--format',
      'text',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('x-router-code 50000');
    expect(r.stdout).not.toContain('\u001b[');
    const { readFile } = await import('node:fs/promises');
    expect(JSON.parse(await readFile(json, 'utf8')).playbook.id).toBe('router-code');
    expect(await readFile(junit, 'utf8')).toContain('<testsuites');
  });
});

describe('bad input: one line per problem with its location, exit 2, no stack trace', () => {
  const expectBad = (r: { code: number; stderr: string }, ...patterns: RegExp[]) => {
    expect(r.code).toBe(2);
    for (const p of patterns) expect(r.stderr).toMatch(p);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  };

  it('unknown playbook: suggests the closest id', async () => {
    expectBad(
      await lbdoctor(['run', 'router-cdoe', '--target', '127.0.0.1:1']),
      /unknown playbook "router-cdoe"/,
      /did you mean "router-code"/,
    );
  });

  it('unknown format', async () => {
    expectBad(
      await lbdoctor(['run', 'router-code', '--target', '127.0.0.1:1', '--format', 'jsno']),
      /unknown report format "jsno"/,
      /did you mean "json"/,
    );
  });

  it('malformed YAML inventory', async () => {
    const inv = await file('broken.yaml', 'loadbalancer:\n  name: x\n  type: [shared\n');
    expectBad(
      await lbdoctor(['run', 'router-code', '--inventory', inv]),
      /broken\.yaml is not valid YAML/,
      /broken\.yaml:\d+:\d+/,
    );
  });

  it('schema violations, each with file:line:column and field', async () => {
    const inv = await file(
      'bad.yaml',
      'loadbalancer: {name: x, type: shared}\nlisteners:\n  - {name: web, protocol: HTTPX, protocol_port: 80}\npools: []\n',
    );
    expectBad(
      await lbdoctor(['run', 'router-code', '--inventory', inv]),
      /bad\.yaml:3:\d+: listeners\[0\]\.protocol: invalid value \(expected one of TCP, UDP, HTTP, HTTPS, QUIC\)/,
    );
  });

  it('a listener referencing a missing pool', async () => {
    const inv = await file(
      'pool.yaml',
      'loadbalancer: {name: x, type: shared}\nlisteners:\n  - name: web\n    protocol: HTTP\n    protocol_port: 80\n    default_pool_id: nope\npools:\n  - {id: web-pool, protocol: HTTP}\n',
    );
    expectBad(
      await lbdoctor(['run', 'router-code', '--inventory', inv]),
      /pool\.yaml:6:22: listeners\[0\]\.default_pool_id: no pool with id "nope" \(expected one of web-pool\)/,
    );
  });

  it('--set without "="', async () => {
    expectBad(
      await lbdoctor(['run', 'router-code', '--target', '127.0.0.1:1', '--set', 'health_check_enabled']),
      /--set "health_check_enabled" has no "="/,
    );
  });

  it('a bad --target and a missing inventory file', async () => {
    expectBad(
      await lbdoctor(['run', 'router-code', '--target', 'nohost']),
      /--target "nohost" is not host:port/,
    );
    expectBad(
      await lbdoctor(['run', 'router-code', '--inventory', join(dir, 'missing.yaml')]),
      /cannot read inventory .*missing\.yaml: no such file/,
    );
  });

  it('validate reports playbook graph errors with locations', async () => {
    const pb = await file(
      'pb.yaml',
      'id: x\ntitle: x\nfaq: ["1.6"]\nstart: a\nsteps:\n  a: {kind: probe, title: a, probe: http, default: b}\n',
    );
    expectBad(await lbdoctor(['validate', pb]), /pb\.yaml:6:\d+: steps\.a\.default: step "b" does not exist/);
  });

  it('--debug shows the stack trace', async () => {
    const r = await lbdoctor(['--debug', 'run', 'nope', '--target', '127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
