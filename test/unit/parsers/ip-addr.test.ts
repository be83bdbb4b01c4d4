import { describe, expect, it } from 'vitest';
import { parseIpAddr } from '../../../src/probes/parsers/ip-addr.js';
import { fixture } from './fixture.js';

describe('parseIpAddr', () => {
  it('parses this machine and a namespace', () => {
    const a = parseIpAddr(fixture('ip-addr.debian.txt'));
    expect(a.find((x) => x.ifname === 'eth0' && x.family === 'inet')).toMatchObject({
      address: '192.0.2.2',
      prefix: 24,
      scope: 'global',
      label: 'eth0',
    });
    expect(a.find((x) => x.address === 'fd00::2')?.flags).toEqual(['nodad']);
    const n = parseIpAddr(fixture('netns-ip-addr.txt'));
    expect(n.map((x) => x.address)).toEqual([
      '127.0.0.1',
      '::1',
      '192.168.0.242',
      'fe80::b0fb:30ff:fe63:a615',
    ]);
    expect(n[3]!.flags).toContain('tentative');
  });

  it('parses CentOS 7 output with dynamic and secondary addresses', () => {
    const a = parseIpAddr(fixture('ip-addr.centos7.txt'));
    expect(a[2]).toMatchObject({
      ifname: 'eth0',
      address: '192.168.2.124',
      flags: ['noprefixroute', 'dynamic'],
      label: 'eth0',
    });
    expect(a[3]).toMatchObject({ address: '192.168.2.200', flags: ['secondary'], label: 'eth0:1' });
  });

  it('strips the veth peer suffix from the name', () => {
    expect(
      parseIpAddr('5: veth0@if4    inet 10.0.0.2/24 scope global veth0\\  valid_lft forever')[0]!.ifname,
    ).toBe('veth0');
  });
});
