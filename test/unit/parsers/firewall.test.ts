import { describe, expect, it } from 'vitest';
import { evaluateChains, type Traffic } from '../../../src/probes/parsers/firewall-eval.js';
import {
  evaluateIptables,
  iptablesNftTables,
  parseIptablesSave,
  ruleCount,
} from '../../../src/probes/parsers/iptables.js';
import { evaluateNft, parseNftRuleset } from '../../../src/probes/parsers/nft.js';
import { fixture } from './fixture.js';

const LB = '100.125.0.0/16';
const tcp = (port: number, source = LB): Traffic => ({ source, protocol: 'tcp', port });

describe('iptables-save from a namespace (nf_tables backend)', () => {
  const save = parseIptablesSave(fixture('netns-iptables-save.txt'));
  const ev = (t: Traffic) => evaluateIptables(save, t)!;

  it('reads backend, chains, policies and rules', () => {
    expect(save.backend).toBe('nf_tables');
    expect(save.tables.get('filter')!.chains.get('INPUT')!.policy).toBe('drop');
    expect(ruleCount(save)).toBe(9);
    expect(iptablesNftTables(save)).toEqual(['ip filter']);
  });

  it('finds the DROP of the LB range in a user chain (FAQ 2.2 firewall check)', () => {
    expect(ev(tcp(8080))).toMatchObject({
      verdict: 'drop',
      chain: 'LB-CHECKS',
      rule: { text: '-A LB-CHECKS -s 100.125.0.0/16 -p tcp -m tcp --dport 8080 -j DROP', line: 14 },
    });
  });

  it('accepts, rejects and falls to the policy like the kernel', () => {
    expect(ev(tcp(80))).toMatchObject({ verdict: 'accept', chain: 'LB-CHECKS' });
    expect(ev(tcp(8443)).verdict).toBe('reject');
    expect(ev(tcp(9050))).toMatchObject({ verdict: 'reject', rule: { line: 10 } });
    expect(ev(tcp(9101))).toEqual({ verdict: 'drop', chain: 'INPUT' });
    expect(ev({ source: LB, protocol: 'udp', port: 53 }).verdict).toBe('accept');
    expect(ev({ source: LB, protocol: 'udp', port: 5353 })).toEqual({ verdict: 'drop', chain: 'INPUT' });
    expect(ev({ source: LB, protocol: 'icmp', port: 0 }).verdict).toBe('accept');
    expect(ev({ source: LB, protocol: 'icmp', port: 0, icmpType: 3 }).verdict).toBe('drop');
  });

  it('honours negation and RETURN from a user chain', () => {
    expect(ev(tcp(8080, '10.1.0.0/16'))).toMatchObject({ verdict: 'accept', rule: { line: 12 } });
    expect(ev(tcp(22, '10.1.2.3')).verdict).toBe('drop');
  });

  it('reports a range that is only partly dropped', () => {
    expect(ev(tcp(8080, '10.0.0.0/7'))).toMatchObject({ verdict: 'drop', partial: true });
  });

  it('treats loopback-only rules as not matching LB traffic unless the interface is given', () => {
    expect(ev({ ...tcp(9101), inInterface: 'lo' }).verdict).toBe('accept');
  });
});

describe('iptables-save, legacy variants', () => {
  it('CentOS 7 iptables-services default rejects everything but ssh', () => {
    const save = parseIptablesSave(fixture('iptables-save.centos7-legacy.txt'));
    expect(save.backend).toBe('legacy');
    expect(iptablesNftTables(save)).toEqual([]);
    expect(evaluateIptables(save, tcp(8080))).toMatchObject({
      verdict: 'reject',
      rule: { text: '-A INPUT -j REJECT --reject-with icmp-host-prohibited' },
    });
    expect(evaluateIptables(save, tcp(22))!.verdict).toBe('accept');
    expect(evaluateIptables(save, { source: LB, protocol: 'icmp', port: 0 })!.verdict).toBe('accept');
  });

  it('-c counters; cannot tell when an unmodelled match decides, but can when both paths agree', () => {
    const save = parseIptablesSave(fixture('iptables-save-c.legacy.txt'));
    const v = evaluateIptables(save, tcp(8080))!;
    expect(v.verdict).toBe('unknown');
    expect(v).toMatchObject({ rule: { text: expect.stringContaining('-m recent --rcheck') } });
    expect((v as { reason: string }).reason).toContain('recent');
    // Port 22: accepted in the user chain before the unknown rule is reached.
    expect(evaluateIptables(save, tcp(22))).toMatchObject({ verdict: 'accept', chain: 'ufw-user-input' });
    // Port 80: half the LB range accepted, the other half returns and hits the policy.
    expect(evaluateIptables(save, tcp(80))).toMatchObject({ verdict: 'drop', partial: true });
    expect(evaluateIptables(save, tcp(80, '100.125.1.0/24'))!.verdict).toBe('accept');
  });

  it('reads --tcp-flags spelled as --syn', () => {
    const save = parseIptablesSave(
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 8080 --tcp-flags FIN,SYN,RST,ACK SYN -j DROP\n-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK ACK -j DROP\nCOMMIT\n',
    );
    expect(evaluateIptables(save, tcp(8080))).toMatchObject({ verdict: 'drop', rule: { line: 3 } });
    expect(evaluateIptables(save, tcp(80))!.verdict).toBe('unknown');
  });

  it('has no answer without a filter table', () => {
    expect(evaluateIptables(parseIptablesSave(''), tcp(80))).toBeUndefined();
  });

  it('gives up on jump loops instead of spinning', () => {
    const save = parseIptablesSave(
      '*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -j A\n-A A -j A\nCOMMIT\n',
    );
    const filter = save.tables.get('filter')!;
    expect(evaluateChains(filter.chains, 'INPUT', tcp(1)).verdict).toBe('unknown');
  });
});

describe('nft list ruleset', () => {
  it('reads a namespace ruleset holding an iptables-nft table and a native inet table', () => {
    const rs = parseNftRuleset(fixture('netns-nft-ruleset.txt'));
    expect(rs.inputChains.map((c) => `${c.family} ${c.table} ${c.chain}`)).toEqual([
      'ip filter INPUT',
      'inet lbd input',
    ]);
    const native = (t: Traffic) => evaluateNft(rs, t, { skipTables: ['ip filter'] })!;
    expect(native(tcp(8080))).toMatchObject({
      verdict: 'drop',
      rule: { text: 'ip saddr 100.125.0.0/16 tcp dport 8080 drop' },
      chain: 'inet lbd input',
    });
    expect(native(tcp(443)).verdict).toBe('accept');
    expect(native({ source: LB, protocol: 'udp', port: 5050 }).verdict).toBe('reject');
    const policy = native({ source: LB, protocol: 'udp', port: 53 });
    expect(policy.verdict).toBe('accept');
    expect(policy.rule).toBeUndefined();
    // Both tables: the iptables-nft one rejects 8443 although the native one accepts by policy.
    expect(evaluateNft(rs, tcp(8443))).toMatchObject({ verdict: 'reject', chain: 'ip filter INPUT' });
    expect(evaluateNft(rs, tcp(8080))!.verdict).toBe('drop');
  });

  it('reads Debian’s default ruleset style: named services, sets, limits, log', () => {
    const rs = parseNftRuleset(fixture('nft-ruleset.debian-default.txt'));
    expect(rs.inputChains).toHaveLength(1);
    expect(evaluateNft(rs, tcp(22))!.verdict).toBe('accept');
    expect(evaluateNft(rs, tcp(443))).toMatchObject({
      verdict: 'accept',
      rule: { text: expect.stringContaining('http, https') },
    });
    expect(evaluateNft(rs, tcp(9999))).toMatchObject({
      verdict: 'drop',
      rule: { text: expect.stringContaining('log prefix') },
    });
    const viaSet = evaluateNft(rs, tcp(8080))!;
    expect(viaSet.verdict).toBe('unknown');
    expect((viaSet as { reason: string }).reason).toContain('@lb_ranges');
    const ping = evaluateNft(rs, { source: LB, protocol: 'icmp', port: 0 })!;
    expect(ping.verdict).toBe('unknown');
    expect((ping as { reason: string }).reason).toContain('limit rate');
  });

  it('walks a firewalld (CentOS/RHEL 8+) ruleset: zones, goto, ct status, ip6 rules, final reject', () => {
    const rs = parseNftRuleset(fixture('nft-ruleset.firewalld.txt'));
    expect(rs.inputChains.map((c) => [c.chain, c.priority])).toEqual([['filter_INPUT', 10]]);
    expect(evaluateNft(rs, tcp(8080, '100.125.1.0/24'))).toMatchObject({
      verdict: 'accept',
      rule: { text: 'tcp dport 8080 ct state { new, untracked } accept' },
    });
    // A deny rule in the zone covers a quarter of the shared range.
    expect(evaluateNft(rs, tcp(8080))).toMatchObject({
      verdict: 'drop',
      partial: true,
      rule: { text: 'ip saddr 100.125.64.0/18 drop' },
    });
    expect(evaluateNft(rs, tcp(9000, '10.0.0.0/8'))).toMatchObject({
      verdict: 'reject',
      rule: { text: 'reject with icmpx admin-prohibited' },
    });
    expect(evaluateNft(rs, { source: '10.0.0.0/8', protocol: 'udp', port: 546 })!.verdict).toBe('reject');
    expect(evaluateNft(rs, { source: '10.0.0.0/8', protocol: 'icmp', port: 0 })!.verdict).toBe('accept');
  });

  it('reads ct state vmaps', () => {
    const text =
      'table inet t {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tct state vmap { established : accept, related : accept, invalid : drop }\n\t\ttcp dport 80 accept\n\t}\n}\n';
    const rs = parseNftRuleset(text);
    expect(evaluateNft(rs, tcp(80))!.verdict).toBe('accept');
    expect(evaluateNft(rs, tcp(81))!.verdict).toBe('drop');
    const withNew = parseNftRuleset(text.replace('invalid : drop', 'new : drop'));
    expect(evaluateNft(withNew, tcp(80))).toMatchObject({
      verdict: 'drop',
      rule: { text: expect.stringContaining('vmap') },
    });
  });

  it('has no answer when nothing filters input', () => {
    expect(evaluateNft(parseNftRuleset(''), tcp(80))).toBeUndefined();
  });
});
