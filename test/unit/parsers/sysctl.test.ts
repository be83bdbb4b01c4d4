import { describe, expect, it } from 'vitest';
import { parseSysctl, parseSysctlMissing, sysctlNumber } from '../../../src/probes/parsers/sysctl.js';
import { fixture } from './fixture.js';

describe('parseSysctl', () => {
  it('reads Debian procps-ng output, defaults included (FAQ 2.4: ratelimit 1000, ratemask 6168)', () => {
    const v = parseSysctl(fixture('sysctl.debian.txt'));
    expect(v['net.ipv4.icmp_ratelimit']).toBe('1000');
    expect(sysctlNumber(v, 'net.ipv4.icmp_ratemask')).toBe(6168);
    expect(v['net.ipv4.ip_local_port_range']).toBe('32768 60999');
    expect(sysctlNumber(v, 'net.netfilter.nf_conntrack_max')).toBe(262144);
  });

  it('reads values changed inside a namespace', () => {
    const v = parseSysctl(fixture('netns-sysctl.txt'));
    expect(v['net.ipv4.icmp_echo_ignore_all']).toBe('1');
    expect(v['net.ipv4.icmp_ratemask']).toBe('6160');
    expect(v['net.core.somaxconn']).toBe('4');
  });

  it('reads the grep -H /proc/sys fallback', () => {
    expect(parseSysctl(fixture('netns-sysctl-grep.txt'))).toEqual({
      'net.ipv4.icmp_ratemask': '6160',
      'net.ipv4.icmp_echo_ignore_all': '1',
      'net.ipv4.ip_local_port_range': '32768 60999',
    });
  });

  it('reads busybox-style "key=value" lines', () => {
    expect(parseSysctl('net.core.somaxconn=128\nnet.ipv4.icmp_ratemask = 6168\n')).toEqual({
      'net.core.somaxconn': '128',
      'net.ipv4.icmp_ratemask': '6168',
    });
  });

  it('names unknown keys from procps-ng, older procps and grep errors', () => {
    expect(parseSysctlMissing(fixture('netns-sysctl.stderr.txt'))).toEqual(['net.ipv4.no_such_key']);
    expect(parseSysctlMissing(fixture('sysctl.centos6.stderr.txt'))).toEqual(['net.ipv4.tcp_tw_recycle_x']);
    expect(
      parseSysctlMissing('grep: /proc/sys/net/netfilter/nf_conntrack_max: No such file or directory\n'),
    ).toEqual(['net.netfilter.nf_conntrack_max']);
    expect(sysctlNumber({ a: '1 2' }, 'a')).toBeUndefined();
  });
});
