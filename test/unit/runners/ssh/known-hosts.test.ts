import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostFieldMatches,
  knownHostsLine,
  knownKeyTypes,
  lookupName,
  parseKnownHosts,
  sha256Fingerprint,
  verifyHostKey,
} from '../../../../src/runners/ssh/known-hosts.js';

let dir: string;
let keyA: string; // "ssh-ed25519 AAAA…"
let keyB: string;
let fpA: string;
const blob = (line: string) => Buffer.from(line.split(' ')[1]!, 'base64');

async function newKey(name: string): Promise<{ line: string; fp: string }> {
  const path = join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path], { stdin: 'ignore' });
  const line = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const fp = (await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`])).stdout.split(' ')[1]!;
  return { line, fp };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-kh-'));
  const a = await newKey('a');
  const b = await newKey('b');
  keyA = a.line;
  keyB = b.line;
  fpA = a.fp;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('known_hosts patterns', () => {
  it('builds the lookup name OpenSSH uses', () => {
    expect(lookupName('Web1.Example', 22)).toBe('web1.example');
    expect(lookupName('10.0.0.2', 2222)).toBe('[10.0.0.2]:2222');
  });

  it('matches lists, wildcards and negations', () => {
    expect(hostFieldMatches('web1,10.0.0.2', '10.0.0.2', 22)).toBe(true);
    expect(hostFieldMatches('web1,10.0.0.2', '10.0.0.3', 22)).toBe(false);
    expect(hostFieldMatches('10.0.0.*', '10.0.0.77', 22)).toBe(true);
    expect(hostFieldMatches('10.0.0.?', '10.0.0.77', 22)).toBe(false);
    expect(hostFieldMatches('10.0.0.*,!10.0.0.66', '10.0.0.66', 22)).toBe(false);
    expect(hostFieldMatches('!10.0.0.66,10.0.0.*', '10.0.0.65', 22)).toBe(true);
    expect(hostFieldMatches('WEB1', 'web1', 22)).toBe(true);
    // Dots are literal, not regex wildcards.
    expect(hostFieldMatches('10.0.0.2', '10x0x0x2', 22)).toBe(false);
  });

  it('keeps ports apart: [host]:port only matches that port', () => {
    expect(hostFieldMatches('[10.0.0.2]:2222', '10.0.0.2', 2222)).toBe(true);
    expect(hostFieldMatches('[10.0.0.2]:2222', '10.0.0.2', 22)).toBe(false);
    expect(hostFieldMatches('10.0.0.2', '10.0.0.2', 2222)).toBe(false);
    expect(hostFieldMatches('[10.0.0.*]:*', '10.0.0.9', 2200)).toBe(true);
  });

  it('matches hashed names written by ssh-keygen -H, port form included', async () => {
    const file = join(dir, 'hashed');
    await writeFile(file, `10.1.2.3 ${keyA}\n[10.1.2.3]:2222 ${keyB}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const { entries, malformed } = parseKnownHosts(await readFile(file, 'utf8'), file);
    expect(malformed).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.hostField.startsWith('|1|'))).toBe(true);
    expect(verifyHostKey(entries, '10.1.2.3', 22, blob(keyA)).status).toBe('match');
    expect(verifyHostKey(entries, '10.1.2.3', 2222, blob(keyB)).status).toBe('match');
    expect(verifyHostKey(entries, '10.1.2.3', 2222, blob(keyA)).status).toBe('changed');
    expect(verifyHostKey(entries, '10.1.2.4', 22, blob(keyA)).status).toBe('unknown');
  });
});

describe('host key verdicts', () => {
  it('accepts the recorded key, reports a changed one with what was expected', () => {
    const { entries } = parseKnownHosts(`# comment\n\nweb1,10.0.0.2 ${keyA}\n`, 'kh');
    expect(verifyHostKey(entries, 'web1', 22, blob(keyA))).toMatchObject({
      status: 'match',
      entry: { line: 3 },
    });
    const changed = verifyHostKey(entries, '10.0.0.2', 22, blob(keyB));
    expect(changed.status).toBe('changed');
    if (changed.status === 'changed') expect(sha256Fingerprint(changed.expected[0]!.key)).toBe(fpA);
  });

  it('computes the fingerprint exactly as ssh-keygen -l prints it', () => {
    expect(sha256Fingerprint(blob(keyA))).toBe(fpA);
  });

  it('refuses @revoked keys even when a plain line also lists them', () => {
    const { entries } = parseKnownHosts(`10.0.0.2 ${keyA}\n@revoked * ${keyA}\n`, 'kh');
    expect(verifyHostKey(entries, '10.0.0.2', 22, blob(keyA)).status).toBe('revoked');
    expect(verifyHostKey(entries, '10.0.0.2', 22, blob(keyB)).status).toBe('changed');
  });

  it('reports a host trusted only via @cert-authority as such (never accepted)', () => {
    const { entries } = parseKnownHosts(`@cert-authority *.corp ${keyA}\n`, 'kh');
    expect(verifyHostKey(entries, 'db.corp', 22, blob(keyB)).status).toBe('cert-authority');
    expect(verifyHostKey(entries, 'db.corp', 22, blob(keyA)).status).toBe('cert-authority');
    expect(verifyHostKey(entries, 'db.other', 22, blob(keyA)).status).toBe('unknown');
  });

  it('sets aside malformed lines instead of trusting them', () => {
    const { entries, malformed } = parseKnownHosts(
      `10.0.0.2 ssh-ed25519 bm90IGEga2V5\n@weird 10.0.0.2 ${keyA}\nonlyhost\n10.0.0.3 ${keyA}\n`,
      'kh',
    );
    expect(malformed.map((m) => m.line)).toEqual([1, 2, 3]);
    expect(entries).toHaveLength(1);
  });

  it('lists known key types and writes accept-new lines OpenSSH reads back', () => {
    const { entries } = parseKnownHosts(`10.0.0.2 ${keyA}\n@revoked 10.0.0.2 ${keyB}\n`, 'kh');
    expect(knownKeyTypes(entries, '10.0.0.2', 22)).toEqual(['ssh-ed25519']);
    expect(knownHostsLine('10.0.0.9', 2222, blob(keyB))).toBe(`[10.0.0.9]:2222 ${keyB}`);
  });
});
