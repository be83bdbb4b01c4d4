// `lbdoctor cert check` through the built CLI, as a user runs it before an
// upload (FAQ 7.4): exit 0 ready, 1 a problem, 2 unreadable input with a
// clear message and no stack trace; the private key never printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsFixtures, type TlsFixtureSet } from '../../src/lab/tls-fixtures.js';
import { lbdoctor } from '../helpers/cli.js';

let dir: string;
let set: TlsFixtureSet;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-cert-cli-'));
  set = await makeTlsFixtures(dir);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('lbdoctor cert check', () => {
  it('a good chain with its key: exit 0, text within 80 columns, key not printed', async () => {
    const f = set.get('good');
    const r = await lbdoctor(['cert', 'check', f.certPath, '--key', f.keyPath, '--ca', set.root.certPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('matches the certificate');
    expect(r.stdout).toContain('[cert/');
    for (const line of r.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(r.stdout + r.stderr).not.toContain(f.key.split('\n')[1]!);
  });

  it('a key that does not match: exit 1 and key-mismatch in JSON', async () => {
    const r = await lbdoctor([
      'cert',
      'check',
      set.get('good').certPath,
      '--key',
      set.get('wrong-host').keyPath,
      '--ca',
      set.root.certPath,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { code: string }[]; key: { matches: boolean } };
    expect(report.findings.map((x) => x.code)).toContain('key-mismatch');
    expect(report.key.matches).toBe(false);
    expect(r.stdout).not.toContain(set.get('wrong-host').key.split('\n')[1]!);
  });

  it('names from the inventory: the listener that binds the file and its HOST_NAME rules', async () => {
    const f = set.get('wildcard');
    const inventory = join(dir, 'inventory.yaml');
    await writeFile(
      inventory,
      [
        'loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}',
        'listeners:',
        '  - {name: https, protocol: HTTPS, protocol_port: 443, default_pool_id: web, default_tls_container_ref: star}',
        'pools: [{id: web, protocol: HTTP, members: []}]',
        'l7policies:',
        '  - {listener: https, redirect_pool_id: web, rules: [{type: HOST_NAME, compare_type: EQUAL_TO, value: api.eu.lab.example}]}',
        'certificates:',
        `  - {id: star, certificate: ${f.certPath}, private_key: ${f.keyPath}, domain: "www.lab.example"}`,
      ].join('\n'),
    );
    const r = await lbdoctor([
      'cert',
      'check',
      f.certPath,
      '--inventory',
      inventory,
      '--ca',
      set.root.certPath,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✔ www\.lab\.example/);
    expect(r.stdout).toMatch(/✖ api\.eu\.lab\.example/);
    expect(r.stdout).toContain('wildcard level');
  });

  it('not PEM, a missing file, a key that is not a key: exit 2, a clear message, no stack trace', async () => {
    const notPem = join(dir, 'not.pem');
    await writeFile(notPem, 'hello, this is not a certificate\n');
    for (const args of [
      ['cert', 'check', notPem],
      ['cert', 'check', join(dir, 'missing.pem')],
      ['cert', 'check', set.get('good').certPath, '--key', notPem],
    ]) {
      const r = await lbdoctor(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/not PEM text|cannot read the certificate|is not a private key/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
