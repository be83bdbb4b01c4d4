import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, LbdError } from '../../../../src/errors.js';
import { parseSshReach, resolveSshTarget, targetUrl } from '../../../../src/runners/ssh/config.js';

let dir: string;
let config: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-sshcfg-'));
  config = join(dir, 'config');
  await writeFile(
    config,
    [
      'Host be1',
      '  HostName 10.0.0.11',
      '  User admin',
      '  Port 2200',
      '  IdentityFile ~/.ssh/be_%h',
      '  IdentityFile /keys/second',
      '  ProxyJump bastion',
      'Host bastion',
      '  HostName 192.0.2.10',
      '  User jump',
      'Host deep',
      '  ProxyJump hop1,ops@hop2:2022',
      'Host hop2',
      '  HostName 192.0.2.22',
      'Host loop1',
      '  ProxyJump loop2',
      'Host loop2',
      '  ProxyJump loop1',
      'Host viacmd',
      '  ProxyCommand nc %h %p',
      'Match exec "touch /tmp/lbd-should-never-exist"',
      '  User wrong',
      'Host *',
      '  User fallback',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SSH reach parsing', () => {
  it('reads ssh:// URLs, user@host:port and bare aliases', () => {
    expect(parseSshReach('ssh://root@10.0.0.2:2222')).toEqual({ user: 'root', host: '10.0.0.2', port: 2222 });
    expect(parseSshReach('ssh://10.0.0.2')).toEqual({ host: '10.0.0.2' });
    expect(parseSshReach('ssh://root@[fd00::2]:22')).toEqual({ user: 'root', host: 'fd00::2', port: 22 });
    expect(parseSshReach('be1')).toEqual({ host: 'be1' });
  });

  it('refuses bad ports, paths, other schemes and option-looking hosts', () => {
    expect(() => parseSshReach('ssh://h:0', 'hosts.x.ssh')).toThrow(InputError);
    expect(() => parseSshReach('ssh://h:70000')).toThrow(/invalid SSH port/);
    expect(() => parseSshReach('ssh://h/path')).toThrow(/no path/);
    expect(() => parseSshReach('http://h')).toThrow(/unsupported scheme/);
    expect(() => parseSshReach('-oProxyCommand=x')).toThrow(/invalid SSH host/);
  });
});

describe('~/.ssh/config resolution', () => {
  it('applies HostName, User, Port, IdentityFile and a ProxyJump hop', () => {
    const t = resolveSshTarget('be1', { configFile: config });
    expect(t).toMatchObject({ alias: 'be1', host: '10.0.0.11', port: 2200, user: 'admin' });
    expect(t.identityFiles).toEqual([join(homedir(), '.ssh', 'be_10.0.0.11'), '/keys/second']);
    expect(t.jumps.map(targetUrl)).toEqual(['ssh://jump@192.0.2.10:22']);
    expect(targetUrl(t)).toBe('ssh://admin@10.0.0.11:2200');
  });

  it('lets an ssh:// URL override user and port but still use the config', () => {
    const t = resolveSshTarget('ssh://root@be1:22', { configFile: config });
    expect(targetUrl(t)).toBe('ssh://root@10.0.0.11:22');
    expect(t.jumps).toHaveLength(1);
  });

  it('chains several jumps in order and resolves each hop through the config', () => {
    const t = resolveSshTarget('deep', { configFile: config });
    expect(t.jumps.map(targetUrl)).toEqual(['ssh://fallback@hop1:22', 'ssh://ops@192.0.2.22:2022']);
  });

  it('never runs Match exec, refuses ProxyCommand and jump loops', () => {
    expect(resolveSshTarget('plain', { configFile: config }).user).toBe('fallback');
    expect(() => resolveSshTarget('viacmd', { configFile: config })).toThrow(/ProxyCommand/);
    expect(() => resolveSshTarget('loop1', { configFile: config })).toThrow(LbdError);
  });

  it('says which file it could not read', () => {
    expect(() => resolveSshTarget('be1', { configFile: join(dir, 'missing') })).toThrow(
      /cannot read the SSH config/,
    );
  });
});
