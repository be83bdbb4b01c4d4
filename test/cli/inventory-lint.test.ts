// `lbdoctor inventory lint` as a user runs it: the built bin/, no TTY, CI=true.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { LintReport } from '../../src/lint/report/schema.js';
import { lbdoctor } from '../helpers/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../shared/examples/inventory.yaml', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/inventory.yaml', import.meta.url));

// Shared HTTPS → HTTPS (5.7 Table 5-4) and cookie stickiness on a TCP pool (6.1).
const BAD = `loadbalancer: {name: lb, type: shared, vip_address: 10.0.0.10}
listeners:
  - {name: web, protocol: HTTPS, protocol_port: 443, default_pool_id: web, default_tls_container_ref: c}
  - {name: raw, protocol: TCP, protocol_port: 9000, default_pool_id: raw}
pools:
  - id: web
    protocol: HTTPS
    healthmonitor: {type: HTTP}
    members: [{name: be1, address: 10.0.1.1, protocol_port: 8443}]
  - id: raw
    protocol: TCP
    session_persistence: {type: HTTP_COOKIE}
    healthmonitor: {type: TCP}
    members: [{name: be2, address: 10.0.1.2, protocol_port: 9000}]
certificates: [{id: c, certificate: c.pem}]
`;

// Only a warning: a listener with policies and no default pool (1.6).
const WARN_ONLY = `loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
listeners:
  - {name: web, protocol: HTTP, protocol_port: 80}
pools:
  - id: web
    protocol: HTTP
    healthmonitor: {type: HTTP}
    members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
l7policies:
  - {listener: web, redirect_pool_id: web, rules: [{type: PATH, compare_type: STARTS_WITH, value: /api}]}
`;

// Not an inventory: port 0 (the loader's located error, exit 2).
const INVALID = `loadbalancer: {name: lb, type: dedicated}
listeners:
  - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
pools:
  - id: web
    protocol: HTTP
    members:
      - {address: 10.0.1.1, protocol_port: 0}
`;

let dir: string;
const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};
let bad: string;
let warnOnly: string;
let invalid: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-lint-'));
  bad = await file('bad.yaml', BAD);
  warnOnly = await file('warn.yaml', WARN_ONLY);
  invalid = await file('invalid.yaml', INVALID);
});

describe('lbdoctor inventory lint', () => {
  it('is listed in the root help', async () => {
    const r = await lbdoctor(['--help']);
    expect(r.stdout).toMatch(/^ {2}inventory +inventory files/m);
  });

  it('the shipped example: one warning (the empty pool), exit 0 with the default --fail-on error', async () => {
    const r = await lbdoctor(['inventory', 'lint', EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${EXAMPLE}:55:14  lint/pool-without-members  warn`);
    expect(r.stdout).toContain('0 errors, 1 warning, 0 info in 1 file');
    expect(r.stderr).toBe('');
    const fixture = await lbdoctor(['inventory', 'lint', FIXTURE, '--fail-on', 'warn']);
    expect(fixture.code).toBe(1);
    expect(fixture.stdout).toContain(':55:14  lint/pool-without-members  warn');
  });

  it('errors: exit 1, one block per finding, at most 80 columns', async () => {
    const r = await lbdoctor(['inventory', 'lint', 'bad.yaml'].map((a) => (a === 'bad.yaml' ? bad : a)));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:3:71  lint/protocol-pair  error`);
    expect(r.stdout).toContain(`${bad}:12:33  lint/stickiness-type  error`);
    expect(r.stdout).toContain('    field: listeners[0].default_pool_id');
    expect(r.stdout).toContain('    FAQ:   5.7, 3.6');
    // The file path is the one long part; with a short relative path every line fits 80 columns.
    const relative = await lbdoctor(['inventory', 'lint', '-'], { input: BAD });
    for (const line of relative.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('--fail-on: a warning passes by default and fails at warn', async () => {
    expect((await lbdoctor(['inventory', 'lint', warnOnly])).code).toBe(0);
    expect((await lbdoctor(['inventory', 'lint', warnOnly, '--fail-on', 'warn'])).code).toBe(1);
    expect((await lbdoctor(['inventory', 'lint', warnOnly, '--fail-on', 'bogus'])).code).toBe(2);
  });

  it('json: the versioned shape, codes and locations', async () => {
    const r = await lbdoctor(['inventory', 'lint', bad, warnOnly, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = LintReport.parse(JSON.parse(r.stdout));
    expect(report.verdict).toBe('failed');
    expect(report.files.map((f) => [f.status, f.counts])).toEqual([
      ['linted', { error: 2, warn: 0, info: 0 }],
      ['linted', { error: 0, warn: 1, info: 0 }],
    ]);
    expect(
      report.findings.map((f) => `${f.code} ${f.location.line}:${f.location.column} ${f.location.field}`),
    ).toEqual([
      'lint/protocol-pair 3:71 listeners[0].default_pool_id',
      'lint/stickiness-type 12:33 pools[1].session_persistence.type',
      'lint/listener-without-default-pool 3:5 listeners[0].default_pool_id',
    ]);
  });

  it("an invalid inventory: exit 2, the loader's located problems on stderr, the other files still linted", async () => {
    const r = await lbdoctor(['inventory', 'lint', invalid, bad, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lbdoctor: ${invalid} is not a valid inventory [LBD_ERR_INPUT]`);
    expect(r.stderr).toContain(`${invalid}:8:44: pools[0].members[0].protocol_port:`);
    const report = LintReport.parse(JSON.parse(r.stdout));
    expect(report.verdict).toBe('invalid');
    expect(report.files[0]?.error?.problems[0]?.field).toBe('pools[0].members[0].protocol_port');
    expect(report.files[1]?.counts.error).toBe(2);
  });

  it('a missing file is bad input too', async () => {
    const r = await lbdoctor(['inventory', 'lint', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[LBD_ERR_FILE]');
  });

  it('- reads standard input, shown as <stdin>', async () => {
    const r = await lbdoctor(['inventory', 'lint', '-'], { input: WARN_ONLY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<stdin>:3:5  lint/listener-without-default-pool  warn');
    const clean = await lbdoctor(['inventory', 'lint', '-'], {
      input: WARN_ONLY.replace('protocol_port: 80}', 'protocol_port: 80, default_pool_id: web}'),
    });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('<stdin>: no findings');
  });

  it('junit to a file beside text on stdout; an unknown format is a usage error', async () => {
    const out = join(dir, 'reports', 'lint.xml');
    const r = await lbdoctor(['inventory', 'lint', bad, '--format', `junit:${out}`, '--format', 'text']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('lint/protocol-pair');
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      await readFile(out, 'utf8'),
    );
    expect(Number(xml.testsuites.failures)).toBe(2);
    const u = await lbdoctor(['inventory', 'lint', bad, '--format', 'xml']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('[LBD_ERR_UNKNOWN_FORMAT]');
  });
});
