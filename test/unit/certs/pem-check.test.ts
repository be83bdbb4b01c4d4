// checkPem on real certificates (the TLS fixture set, made with openssl) and
// on the ways a PEM goes wrong on its way to the ELB console (FAQ 7.4).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPem } from '../../../src/certs/pem-check.js';
import { InputError } from '../../../src/errors.js';
import { makeTlsFixtures, type TlsFixtureName, type TlsFixtureSet } from '../../../src/lab/tls-fixtures.js';

let dir: string;
let set: TlsFixtureSet;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-pem-check-'));
  set = await makeTlsFixtures(dir);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function check(name: TlsFixtureName, extra: Partial<Parameters<typeof checkPem>[0]> = {}) {
  const f = set.get(name);
  return checkPem({ file: f.certPath, text: f.cert, ca: set.root.cert, warnDays: 0, ...extra });
}
const codes = (r: ReturnType<typeof checkPem>) => r.findings.map((f) => f.code);

describe('cert check', () => {
  it('a complete, ordered chain with its key and the names it covers is ready to upload', () => {
    const f = set.get('good');
    const r = check('good', { key: { file: f.keyPath, text: f.key }, names: ['www.lab.example'] });
    expect(codes(r)).toEqual(['ok']);
    expect(r.key).toEqual({ file: f.keyPath, matches: true });
    expect(r.certificates.map((c) => c.subject)).toEqual([
      'CN=www.lab.example',
      'CN=lbdoctor lab intermediate',
    ]);
  });

  it.each([
    ['incomplete-chain', ['incomplete-chain']],
    ['reversed-chain', ['wrong-order']],
    ['leaf-last', ['wrong-order']],
    ['expired', ['expired']],
    ['not-yet-valid', ['not-yet-valid']],
  ] as [TlsFixtureName, string[]][])('%s → %j', (name, expected) => {
    expect(codes(check(name))).toEqual(expected);
  });

  it('without the private root, a chain ending in it is reported incomplete and says how to name the root', () => {
    const f = set.get('good');
    const r = checkPem({ file: f.certPath, text: f.cert, warnDays: 0 });
    expect(codes(r)).toEqual(['incomplete-chain']);
    expect(r.findings[0]!.fix.join(' ')).toContain('--ca');
  });

  it('a self-signed certificate is a complete chain of one', () => {
    expect(codes(check('self-signed'))).toEqual(['ok']);
  });

  it('leading and trailing spaces, as pasted from an e-mail (FAQ 7.4)', () => {
    const f = set.get('good');
    expect(codes(check('good', { text: `  ${f.cert}` }))).toEqual(['leading-spaces']);
    expect(codes(check('good', { text: `${f.cert.trimEnd()}   \n` }))).toEqual(['trailing-spaces']);
    const indented = f.cert.replace(/\n(?=[A-Za-z0-9+/])/g, '\n    ');
    expect(codes(check('good', { text: indented }))).toContain('leading-spaces');
    // One final newline, or none, is fine.
    expect(codes(check('good', { text: f.cert.trimEnd() }))).toEqual(['ok']);
  });

  it('a key of another certificate does not match; an encrypted one cannot be compared', async () => {
    const other = set.get('wrong-host');
    const r = check('good', { key: { file: other.keyPath, text: other.key } });
    expect(codes(r)).toEqual(['key-mismatch']);
    expect(r.key?.matches).toBe(false);
    const encrypted = join(dir, 'encrypted.key');
    execFileSync('openssl', [
      'pkey',
      '-in',
      other.keyPath,
      '-aes256',
      '-passout',
      'pass:secret',
      '-out',
      encrypted,
    ]);
    expect(
      codes(check('good', { key: { file: encrypted, text: await readFile(encrypted, 'utf8') } })),
    ).toEqual(['key-encrypted']);
  });

  it('never repeats the private key, even when the key is pasted into the certificate file', () => {
    const f = set.get('good');
    const r = check('good', { text: f.cert + f.key, key: { file: f.keyPath, text: f.key } });
    expect(codes(r)).toContain('private-key-in-certificate');
    const body = f.key.split('\n')[1]!;
    expect(JSON.stringify(r)).not.toContain(body);
  });

  it('names: a wildcard covers one label only (FAQ 7.1)', () => {
    const r = check('wildcard', { names: ['www.lab.example', 'api.eu.lab.example'] });
    expect(r.names.map((n) => [n.name, n.covered])).toEqual([
      ['www.lab.example', true],
      ['api.eu.lab.example', false],
    ]);
    expect(codes(r)).toEqual(['name-not-covered']);
    expect(r.findings[0]!.fix[0]).toContain('*.eu.lab.example');
  });

  it('a certificate near its end date is a warning, not an error', () => {
    expect(codes(check('good', { warnDays: 30 }))).toEqual(['expires-soon', 'ok']);
  });

  it('what is not a PEM certificate is bad input (exit 2), said plainly', async () => {
    const der = execFileSync('openssl', ['x509', '-in', set.get('good').leafPath, '-outform', 'der']);
    const bad = (text: string) => () => checkPem({ file: 'x.pem', text });
    expect(bad(der.toString('latin1'))).toThrow(/not PEM text/);
    expect(bad(set.get('good').key)).toThrow(/private key but no certificate/);
    expect(bad('-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n')).toThrow(InputError);
    expect(bad('')).toThrow(InputError);
    expect(() =>
      checkPem({ file: 'x.pem', text: set.get('good').cert, key: { file: 'k.pem', text: 'hello' } }),
    ).toThrow(/k.pem is not a private key/);
  });
});
