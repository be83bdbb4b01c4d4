import { describe, expect, it } from 'vitest';
import {
  clientPatternMatch,
  evaluateHostsAccess,
  parseHostsAccess,
} from '../../../src/probes/parsers/hosts-access.js';
import { fixture } from './fixture.js';

const LB = '100.125.0.0/16';

describe('hosts.deny captured in a namespace (/etc/netns/NAME/hosts.deny)', () => {
  const deny = fixture('netns-hosts.deny.txt');
  const allow = 'sshd: 192.168.0.0/24\n';

  it('parses entries with their lines', () => {
    expect(parseHostsAccess(deny, 'hosts.deny')).toEqual([
      {
        file: 'hosts.deny',
        line: 2,
        text: 'sshd: 100.125. : deny',
        daemons: ['sshd'],
        clients: ['100.125.'],
        options: ['deny'],
      },
      {
        file: 'hosts.deny',
        line: 3,
        text: 'ALL: 10.0.0.0/255.0.0.0',
        daemons: ['ALL'],
        clients: ['10.0.0.0/255.0.0.0'],
        options: [],
      },
    ]);
  });

  it('denies the shared-LB range to sshd by the "100.125." prefix', () => {
    expect(evaluateHostsAccess(allow, deny, LB, 'sshd')).toMatchObject({
      decision: 'denied',
      entry: { line: 2 },
    });
    expect(evaluateHostsAccess(allow, deny, '100.125.7.9')).toMatchObject({
      decision: 'denied',
      daemon: 'sshd',
    });
    expect(evaluateHostsAccess(allow, deny, '100.125.7.9', 'nginx').decision).toBe('allowed');
  });

  it('denies by net/mask for every daemon, and hosts.allow wins first', () => {
    expect(evaluateHostsAccess(allow, deny, '10.1.2.3', 'nginx')).toMatchObject({
      decision: 'denied',
      entry: { line: 3 },
    });
    expect(evaluateHostsAccess(allow, deny, '192.168.0.5', 'sshd')).toMatchObject({
      decision: 'allowed',
      entry: { file: 'hosts.allow', line: 1 },
    });
    expect(evaluateHostsAccess(allow, deny, '172.16.0.1')).toEqual({ decision: 'allowed', daemon: 'sshd' });
  });
});

describe('CentOS-style "ALL: ALL" deny with allow exceptions', () => {
  const deny = fixture('hosts.deny.centos.txt');
  const allow = fixture('hosts.allow.centos.txt');

  it('allows sshd from the LB prefix on a continued line, denies every other daemon', () => {
    expect(parseHostsAccess(allow, 'hosts.allow')[0]).toMatchObject({
      line: 7,
      clients: ['192.168.2.0/255.255.255.0', '100.125.'],
    });
    expect(evaluateHostsAccess(allow, deny, LB, 'sshd')).toMatchObject({
      decision: 'allowed',
      entry: { line: 7 },
    });
    expect(evaluateHostsAccess(allow, deny, LB)).toMatchObject({
      decision: 'denied',
      entry: { text: 'ALL: ALL' },
    });
  });

  it('cannot tell when a host-name pattern would decide', () => {
    expect(evaluateHostsAccess(allow, deny, '100.64.0.1', 'vsftpd')).toMatchObject({
      decision: 'unknown',
      entry: { line: 9 },
    });
  });
});

describe('patterns', () => {
  it('prefixes, net/mask, CIDR, IPv6, wildcards, EXCEPT and partial ranges', () => {
    expect(clientPatternMatch('100.125.', LB).r).toBe('yes');
    expect(clientPatternMatch('100.', LB).r).toBe('yes');
    expect(clientPatternMatch('100.125.1.', LB).r).toBe('partial');
    expect(clientPatternMatch('100.124.', LB).r).toBe('no');
    expect(clientPatternMatch('100.125.0.0/16', LB).r).toBe('yes');
    expect(clientPatternMatch('100.125.0.0/255.255.0.0', '100.125.9.9').r).toBe('yes');
    expect(clientPatternMatch('[fe80::]/10', 'fe80::1').r).toBe('yes');
    expect(clientPatternMatch('100.125.*', '100.125.3.4').r).toBe('yes');
    expect(clientPatternMatch('LOCAL', LB).r).toBe('unknown');
    const deny = 'ALL EXCEPT sshd: 100.125. EXCEPT 100.125.9.\n';
    expect(evaluateHostsAccess('', deny, '100.125.1.1', 'nginx').decision).toBe('denied');
    expect(evaluateHostsAccess('', deny, '100.125.9.1', 'nginx').decision).toBe('allowed');
    expect(evaluateHostsAccess('', deny, '100.125.1.1', 'sshd').decision).toBe('allowed');
    expect(evaluateHostsAccess('', deny, LB, 'nginx')).toMatchObject({ decision: 'partly-denied' });
  });

  it('honours allow/deny options (hosts_options) in either file', () => {
    expect(evaluateHostsAccess('ALL: 100.125. : deny\n', '', LB).decision).toBe('denied');
    expect(evaluateHostsAccess('', 'ALL: 100.125. : allow\nALL: ALL\n', LB).decision).toBe('allowed');
  });

  it('a partly allowed range still partly denied by ALL: ALL', () => {
    expect(evaluateHostsAccess('sshd: 100.125.1.\n', 'ALL: ALL\n', LB, 'sshd').decision).toBe(
      'partly-denied',
    );
  });
});
