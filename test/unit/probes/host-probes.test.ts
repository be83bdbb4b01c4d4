// Host probes evaluated on captured outputs (pure: no host involved), including
// the ways a read can fail: not installed, permission denied, cut off.
import { describe, expect, it } from 'vitest';
import { accessLogTailProbe } from '../../../src/probes/access-log-tail.js';
import { conntrackProbe } from '../../../src/probes/conntrack.js';
import { ephemeralPortsProbe } from '../../../src/probes/ephemeral-ports.js';
import { establishedConnectionsProbe } from '../../../src/probes/established-connections.js';
import { firewallProbe } from '../../../src/probes/firewall.js';
import { hostsDenyProbe } from '../../../src/probes/hosts-deny.js';
import { icmpSettingsProbe } from '../../../src/probes/icmp-settings.js';
import { interfaceAddressProbe } from '../../../src/probes/interface-address.js';
import { FOLLOW_UP_ROUNDS, withFollowUps } from '../../../src/probes/host-probe-support.js';
import { kernelModuleProbe } from '../../../src/probes/kernel-module.js';
import { loggedClientAddressProbe } from '../../../src/probes/logged-client-address.js';
import { sourcePortReuseProbe } from '../../../src/probes/source-port-reuse.js';
import { synChallengeProbe } from '../../../src/probes/syn-challenge.js';
import { listenOverflowsProbe } from '../../../src/probes/listen-overflows.js';
import { listeningProbe } from '../../../src/probes/listening.js';
import { loadProbe } from '../../../src/probes/load.js';
import { realIpConfigProbe } from '../../../src/probes/real-ip-config.js';
import { routeProbe } from '../../../src/probes/route.js';
import { sysctlProbe } from '../../../src/probes/sysctl.js';
import type { HostProbe, Observation } from '../../../src/probes/types.js';
import type { SectionOutput, SectionRequest } from '../../../src/transport/types.js';
import { expectDataMatchesContract } from '../../helpers/contracts.js';
import { fixture } from '../parsers/fixture.js';

type Out = Partial<SectionOutput> & { stdout?: string };

/** A table key: section id, plus the file for `file`/`config-part` and folder and pattern for `config-glob`. */
function keyOf(s: SectionRequest): string {
  if (s.id === 'file') return `file ${s.args?.[0]}`;
  if (s.id === 'config-part') return `part ${s.args?.[0]}`;
  if (s.id === 'config-glob') return `glob ${s.args?.join(' ')}`;
  return s.id;
}

type Table = Record<string, Out> | ((key: string) => Out | undefined);

/**
 * Answers each section the probe asks for from a table keyed by keyOf (or a
 * function of the key), follow-up reads included, in rounds as a run reads
 * them; every observation is checked against the probe's contract.
 */
async function runAsync<P>(probe: HostProbe<P>, params: unknown, table: Table): Promise<Observation> {
  const p = probe.params.parse(params);
  const answer = (requests: SectionRequest[]) => requests.map((s) => outputFor(s, table));
  const outputs = await withFollowUps(probe, p, answer(probe.sections(p)), async (more) => answer(more));
  return expectDataMatchesContract(probe.kind, probe.evaluate(p, outputs));
}

function outputFor(s: SectionRequest, table: Table): SectionOutput {
  const row = typeof table === 'function' ? table(keyOf(s)) : table[keyOf(s)];
  return {
    id: s.id,
    args: s.args ?? [],
    ...(s.reading ? { reading: s.reading } : {}),
    exitCode: row ? (row.exitCode ?? 0) : -1,
    stdout: row?.stdout ?? '',
    stderr: row?.stderr ?? (row ? '' : 'lbdoctor: this section did not run'),
  };
}

/** The same, for probes without follow-up reads (synchronous). */
function run<P>(probe: HostProbe<P>, params: unknown, table: Record<string, Out>): Observation {
  const p = probe.params.parse(params);
  const outputs = probe.sections(p).map((s) => outputFor(s, table));
  return expectDataMatchesContract(probe.kind, probe.evaluate(p, outputs));
}

const notInstalled: Out = { exitCode: 127, stderr: 'lbdoctor: not installed on this host: nft\n' };

describe('route', () => {
  it('passes via the gateway, fails off it (FAQ 2.1 figures 2-5/2-6), works from route -n', () => {
    expect(
      run(
        routeProbe,
        { gateway: '192.168.2.1' },
        { 'ip-route': { stdout: fixture('ip-route.centos-faq.txt') } },
      ).outcome,
    ).toBe('pass');
    const bad = run(
      routeProbe,
      { gateway: '192.168.0.1' },
      { 'ip-route': { stdout: fixture('netns-route-n.txt') } },
    );
    expect(bad).toMatchObject({ outcome: 'fail', actual: 'default via 192.168.0.134 dev eth0' });
    expect(
      run(routeProbe, { subnet: '192.168.0.0/24' }, { 'ip-route': { stdout: fixture('netns-ip-route.txt') } })
        .outcome,
    ).toBe('pass');
    expect(
      run(routeProbe, { interface: 'eth1' }, { 'ip-route': { stdout: fixture('netns-ip-route.txt') } })
        .outcome,
    ).toBe('fail');
  });

  it("the route back to the load balancer's range must use the subnet gateway too (captured in a namespace)", () => {
    const table = { 'ip-route': { stdout: fixture('netns-ip-route.lb-range-elsewhere.txt') } };
    const bad = run(routeProbe, { destination: '100.125.0.0/16' }, table);
    expect(bad.outcome).toBe('fail');
    expect(bad.summary).toContain(
      'sends replies to 100.125.0.0/16 via 192.168.0.99 (route 100.125.0.0/16), not the subnet gateway 192.168.0.1 that the default route uses',
    );
    expect(bad.data).toMatchObject({
      gatewayEvidence: 'default-route',
      destinationRoute: { gateway: '192.168.0.99' },
    });
    // The backend subnet itself is on-link: replies go straight to the load balancer.
    expect(run(routeProbe, { destination: '192.168.0.0/24' }, table).outcome).toBe('pass');
    const plain = { 'ip-route': { stdout: fixture('netns-ip-route.txt') } };
    expect(run(routeProbe, { destination: '100.125.0.0/16' }, plain).outcome).toBe('pass');
  });

  it('is an error, never a fail, when ip is missing or the read was cut off', () => {
    const missing = run(
      routeProbe,
      {},
      { 'ip-route': { exitCode: 127, stderr: 'lbdoctor: not installed on this host: ip, route\n' } },
    );
    expect(missing.outcome).toBe('error');
    expect(missing.reason).toContain('not installed');
    expect(run(routeProbe, {}, {}).outcome).toBe('error');
  });
});

describe('icmp-settings (FAQ 2.4)', () => {
  const sys = (t: string) => ({ sysctl: { stdout: t } });
  it('fails on the default ratemask, passes on 6160, fails when ping is ignored', () => {
    expect(run(icmpSettingsProbe, {}, sys(fixture('sysctl.debian.txt'))).outcome).toBe('fail');
    const ns = run(icmpSettingsProbe, {}, sys(fixture('netns-sysctl.txt')));
    expect(ns.outcome).toBe('fail');
    expect(ns.summary).toContain('icmp_echo_ignore_all = 1');
    expect(ns.summary).not.toContain('rate limited');
    expect(run(icmpSettingsProbe, { echo: false }, sys(fixture('netns-sysctl.txt'))).outcome).toBe('pass');
    expect(
      run(icmpSettingsProbe, { portUnreachable: false }, sys(fixture('sysctl.debian.txt'))).outcome,
    ).toBe('pass');
    // icmp_ratelimit 0 turns rate limiting off whatever the mask.
    const off =
      'net.ipv4.icmp_echo_ignore_all = 0\nnet.ipv4.icmp_ratelimit = 0\nnet.ipv4.icmp_ratemask = 6168\n';
    expect(run(icmpSettingsProbe, {}, sys(off)).outcome).toBe('pass');
  });
});

describe('sysctl', () => {
  it('compares expected values, port ranges included', () => {
    const t = { sysctl: { stdout: fixture('netns-sysctl.txt') } };
    expect(
      run(
        sysctlProbe,
        { keys: ['net.core.somaxconn'], expect: { 'net.ipv4.ip_local_port_range': '32768 60999' } },
        t,
      ).outcome,
    ).toBe('pass');
    expect(
      run(sysctlProbe, { keys: ['net.core.somaxconn'], expect: { 'net.core.somaxconn': 4096 } }, t),
    ).toMatchObject({
      outcome: 'fail',
      actual: 'net.core.somaxconn = 4',
    });
    expect(() => sysctlProbe.params.parse({ keys: ['net.core.somaxconn; reboot'] })).toThrow();
  });
});

describe('listening', () => {
  const ss = { listening: { stdout: fixture('netns-ss-ltnup.txt') } };
  it('tells not listening, loopback-only, wrong address and listening apart', () => {
    expect(run(listeningProbe, { port: 9090 }, ss).outcome).toBe('pass');
    expect(run(listeningProbe, { port: 8443, address: '192.168.0.242' }, ss).outcome).toBe('pass');
    expect(run(listeningProbe, { port: 5353, protocol: 'udp' }, ss).outcome).toBe('pass');
    const loop = run(listeningProbe, { port: 8081 }, ss);
    expect(loop.outcome).toBe('fail');
    expect(loop.summary).toContain('loopback only (127.0.0.1:8081 (python3/15393))');
    const none = run(listeningProbe, { port: 8080 }, ss);
    expect(none.summary).toBe('nothing listens on tcp/8080 (listening tcp ports: 8081, 8443, 9090)');
    expect(
      run(listeningProbe, { port: 8080 }, { listening: { stdout: fixture('netstat-anlp.faq.txt') } }).outcome,
    ).toBe('fail');
  });
});

describe('firewall', () => {
  const ipt = { stdout: fixture('netns-iptables-save.txt') };
  const nft = { stdout: fixture('netns-nft-ruleset.txt') };
  it('fails with the rule that drops the LB range; iptables-nft tables are not counted twice', () => {
    const obs = run(firewallProbe, { port: 8080 }, { 'iptables-save': ipt, 'nft-ruleset': nft });
    expect(obs.outcome).toBe('fail');
    expect(obs.summary).toBe(
      'tcp/8080 from 100.125.0.0/16 is dropped by -A LB-CHECKS -s 100.125.0.0/16 -p tcp -m tcp --dport 8080 -j DROP (iptables filter LB-CHECKS, line 14)',
    );
    expect(run(firewallProbe, { port: 80 }, { 'iptables-save': ipt, 'nft-ruleset': nft }).outcome).toBe(
      'pass',
    );
    expect(run(firewallProbe, { port: 9050 }, { 'iptables-save': ipt, 'nft-ruleset': nft }).actual).toBe(
      'rejected',
    );
  });

  it('a policy drop is named as such', () => {
    const obs = run(
      firewallProbe,
      { port: 5353, protocol: 'udp' },
      { 'iptables-save': ipt, 'nft-ruleset': notInstalled },
    );
    expect(obs.summary).toContain('dropped by the iptables filter INPUT chain policy');
  });

  it('cannot tell (error with the rule) for an unmodelled match', () => {
    const obs = run(
      firewallProbe,
      { port: 8080 },
      { 'iptables-save': { stdout: fixture('iptables-save-c.legacy.txt') }, 'nft-ruleset': notInstalled },
    );
    expect(obs.outcome).toBe('error');
    expect(obs.reason).toContain('-m recent --rcheck');
  });

  it('permission denied is an error; a drop seen in the readable half still fails', () => {
    const denied = {
      exitCode: 1,
      stderr:
        'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n',
    };
    const obs = run(
      firewallProbe,
      { port: 443 },
      { 'iptables-save': denied, 'nft-ruleset': { stdout: fixture('nft-ruleset.debian-default.txt') } },
    );
    expect(obs.outcome).toBe('error');
    expect(obs.reason).toContain('Permission denied');
    expect(
      run(
        firewallProbe,
        { port: 9999 },
        { 'iptables-save': denied, 'nft-ruleset': { stdout: fixture('nft-ruleset.debian-default.txt') } },
      ).outcome,
    ).toBe('fail');
    expect(
      run(firewallProbe, { port: 80 }, { 'iptables-save': notInstalled, 'nft-ruleset': notInstalled })
        .outcome,
    ).toBe('error');
  });

  it('legacy iptables without a filter table counts as no rules', () => {
    const noTable = {
      exitCode: 1,
      stderr: 'iptables-save v1.4.21: Table does not exist (do you need to insmod?)\n',
    };
    expect(
      run(firewallProbe, { port: 80 }, { 'iptables-save': noTable, 'nft-ruleset': notInstalled }).outcome,
    ).toBe('pass');
  });

  it('IPv6 sources read ip6tables-save', () => {
    const save6 =
      '# Generated by ip6tables-save v1.8.9 (nf_tables)\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 443 -j DROP\nCOMMIT\n';
    const p = firewallProbe.params.parse({ source: '2001:db8:1::/48', port: 443 });
    expect(firewallProbe.sections(p).map((s) => s.id)).toEqual(['ip6tables-save', 'nft-ruleset']);
    const obs = run(
      firewallProbe,
      { source: '2001:db8:1::/48', port: 443 },
      { 'ip6tables-save': { stdout: save6 }, 'nft-ruleset': { stdout: '' } },
    );
    expect(obs).toMatchObject({ outcome: 'fail', data: { chain: 'ip6tables filter INPUT' } });
  });

  it('no rules at all: accepted', () => {
    expect(
      run(firewallProbe, { port: 80 }, { 'iptables-save': { stdout: '' }, 'nft-ruleset': { stdout: '' } }),
    ).toMatchObject({
      outcome: 'pass',
      summary: 'tcp/80 from 100.125.0.0/16 is accepted (no input filtering rules)',
    });
  });

  it('validates its parameters', () => {
    expect(() => firewallProbe.params.parse({ port: 80, source: '100.125.0.0/33' })).toThrow();
    expect(() => firewallProbe.params.parse({ protocol: 'tcp' })).toThrow(/port is required/);
    expect(firewallProbe.params.parse({ protocol: 'icmp' })).toMatchObject({ source: '100.125.0.0/16' });
  });
});

describe('hosts-deny', () => {
  it('fails on a deny entry, treats missing files as empty, errors on unreadable ones', () => {
    const t = {
      'file /etc/hosts.allow': { exitCode: 1, stderr: 'cat: /etc/hosts.allow: No such file or directory\n' },
      'file /etc/hosts.deny': { stdout: fixture('netns-hosts.deny.txt') },
    };
    const obs = run(hostsDenyProbe, {}, t);
    expect(obs.outcome).toBe('fail');
    expect(obs.summary).toBe(
      '100.125.0.0/16 for sshd is denied by /etc/hosts.deny:2 "sshd: 100.125. : deny"',
    );
    expect(run(hostsDenyProbe, { client: '172.16.0.0/12' }, t).outcome).toBe('pass');
    const unreadable = {
      ...t,
      'file /etc/hosts.deny': { exitCode: 1, stderr: 'cat: /etc/hosts.deny: Permission denied\n' },
    };
    expect(run(hostsDenyProbe, {}, unreadable).outcome).toBe('error');
  });
});

describe('load, ephemeral ports, overflows, conntrack, modules', () => {
  it('load', () => {
    const t = {
      loadavg: { stdout: '7.92 6.10 5.33 3/200 999\n' },
      cpus: { stdout: '2\n' },
      meminfo: { stdout: fixture('meminfo.centos6.txt') },
    };
    const obs = run(loadProbe, {}, t);
    expect(obs.outcome).toBe('fail');
    expect(obs.summary).toContain('load 7.92 is 3.96 per CPU on 2 CPU(s)');
    expect(run(loadProbe, { maxLoadPerCpu: 4 }, t).outcome).toBe('pass');
  });

  it('ephemeral-ports', () => {
    const t = {
      sockstat: { stdout: fixture('netns-sockstat.txt') },
      sysctl: { stdout: 'net.ipv4.ip_local_port_range = 40000\t40049\nnet.ipv4.tcp_tw_reuse = 2\n' },
    };
    expect(run(ephemeralPortsProbe, {}, t)).toMatchObject({
      outcome: 'fail',
      data: { timeWait: 30, share: 0.6 },
    });
    expect(run(ephemeralPortsProbe, { maxTimeWaitShare: 0.9 }, t).outcome).toBe('pass');
  });

  it('listen-overflows from /proc/net/netstat or netstat -s', () => {
    const sys = { stdout: fixture('netns-sysctl.txt') };
    const obs = run(
      listenOverflowsProbe,
      {},
      { 'net-counters': { stdout: fixture('netns-proc-net-netstat.txt') }, sysctl: sys },
    );
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { listenOverflows: 70, listenDrops: 70, somaxconn: '4' },
    });
    expect(
      run(
        listenOverflowsProbe,
        { max: 2000 },
        { 'net-counters': { stdout: fixture('netstat-s.centos7.txt') }, sysctl: sys },
      ).outcome,
    ).toBe('pass');
    expect(
      run(listenOverflowsProbe, {}, { 'net-counters': { stdout: 'nothing\n' }, sysctl: sys }).outcome,
    ).toBe('error');
  });

  it('listen-overflows: a named reading is a section of its own (read again after a burst)', () => {
    const p = listenOverflowsProbe.params.parse({ reading: 'after-burst' });
    expect(listenOverflowsProbe.sections(p)).toContainEqual({ id: 'net-counters', reading: 'after-burst' });
    expect(listenOverflowsProbe.sections(listenOverflowsProbe.params.parse({}))).toContainEqual({
      id: 'net-counters',
    });
    const obs = run(
      listenOverflowsProbe,
      { reading: 'after-burst' },
      {
        'net-counters': { stdout: fixture('netns-proc-net-netstat.txt') },
        sysctl: { stdout: fixture('netns-sysctl.txt') },
      },
    );
    expect(obs.data).toMatchObject({ listenOverflows: 70 });
    expect(() => listenOverflowsProbe.params.parse({ reading: 'After Burst; rm -rf' })).toThrow();
  });

  it('bad host answers are errors with the reason, never a guess', () => {
    const counters = { 'net-counters': { stdout: fixture('netns-proc-net-netstat.txt') } };
    // A sysctl value that is not a number.
    const garbled = run(
      listenOverflowsProbe,
      {},
      {
        ...counters,
        sysctl: { stdout: 'net.core.somaxconn = lots\nnet.ipv4.tcp_max_syn_backlog = 512\n' },
      },
    );
    expect(garbled).toMatchObject({
      outcome: 'error',
      reason: 'net.core.somaxconn is "lots", not a whole number',
    });
    const range = run(
      ephemeralPortsProbe,
      {},
      {
        sockstat: { stdout: fixture('netns-sockstat.txt') },
        sysctl: { stdout: 'net.ipv4.ip_local_port_range = auto\nnet.ipv4.tcp_tw_reuse = 2\n' },
      },
    );
    expect(range).toMatchObject({
      outcome: 'error',
      reason: 'net.ipv4.ip_local_port_range is "auto", not two port numbers',
    });
    // No /proc/net/netstat (the counters nstat would print) on the host.
    const noCounters = run(
      listenOverflowsProbe,
      {},
      {
        'net-counters': { exitCode: 1, stderr: 'cat: /proc/net/netstat: No such file or directory\n' },
        sysctl: { stdout: fixture('netns-sysctl.txt') },
      },
    );
    expect(noCounters.outcome).toBe('error');
    expect(noCounters.reason).toContain('/proc/net/netstat');
    // Neither ss nor netstat installed.
    const noSs = run(
      listeningProbe,
      { port: 80 },
      { listening: { exitCode: 127, stderr: 'lbdoctor: not installed on this host: ss, netstat\n' } },
    );
    expect(noSs.outcome).toBe('error');
    expect(noSs.reason).toContain('not installed on this host: ss, netstat');
  });

  it('conntrack', () => {
    const sys = {
      stdout: 'net.netfilter.nf_conntrack_count = 10\nnet.netfilter.nf_conntrack_max = 262144\n',
    };
    expect(
      run(
        conntrackProbe,
        {},
        { 'conntrack-stats': { stdout: fixture('conntrack-S.centos7.txt') }, sysctl: sys },
      ),
    ).toMatchObject({
      outcome: 'fail',
      summary: 'connection tracking loses connections: 22 insert failures, 22 drops',
    });
    expect(
      run(
        conntrackProbe,
        {},
        { 'conntrack-stats': { stdout: fixture('netns-proc-nf_conntrack.txt') }, sysctl: sys },
      ).outcome,
    ).toBe('pass');
    const full = {
      stdout: 'net.netfilter.nf_conntrack_count = 260000\nnet.netfilter.nf_conntrack_max = 262144\n',
    };
    expect(
      run(
        conntrackProbe,
        {},
        { 'conntrack-stats': { stdout: fixture('netns-conntrack-S.txt') }, sysctl: full },
      ).summary,
    ).toContain('99.2% full');
    const notLoaded = {
      exitCode: 1,
      stderr: 'cat: /proc/net/stat/nf_conntrack: No such file or directory\n',
    };
    expect(
      run(conntrackProbe, {}, { 'conntrack-stats': notLoaded, sysctl: { exitCode: 255, stdout: '' } })
        .outcome,
    ).toBe('skip');
  });

  it('kernel-module (TOA, FAQ 3.9)', () => {
    const t = { modules: { stdout: fixture('proc-modules.centos.txt') } };
    expect(run(kernelModuleProbe, {}, t).outcome).toBe('pass');
    expect(run(kernelModuleProbe, { name: 'nf-nat' }, t).outcome).toBe('fail');
    expect(run(kernelModuleProbe, { name: 'virtio_net', expect: 'absent' }, t).outcome).toBe('fail');
  });

  it('kernel-module without /proc/modules reads /sys/module (a kernel without loadable modules)', () => {
    const noProc: Out = { exitCode: 1, stderr: 'cat: /proc/modules: No such file or directory\n' };
    const t = { modules: noProc, 'sys-module': { stdout: fixture('sys-module.firecracker.txt') } };
    const toa = run(kernelModuleProbe, {}, t);
    expect(toa.outcome).toBe('fail');
    expect(toa.data).toMatchObject({ name: 'toa', loaded: false, module: null, source: '/sys/module' });
    expect(toa.summary).toContain('no /proc/modules');
    expect(run(kernelModuleProbe, { name: 'nf-conntrack' }, t).outcome).toBe('pass');
    const neither = run(kernelModuleProbe, {}, { modules: noProc, 'sys-module': noProc });
    expect(neither.outcome).toBe('error');
    expect(neither.reason).toContain('/sys/module');
  });
});

describe('interface-address', () => {
  it('finds the member address on its NIC, refuses a tentative one', () => {
    const t = { 'ip-addr': { stdout: fixture('ip-addr.centos7.txt') } };
    expect(run(interfaceAddressProbe, { address: '192.168.2.124', interface: 'eth0' }, t).outcome).toBe(
      'pass',
    );
    expect(run(interfaceAddressProbe, { address: '192.168.2.99' }, t).outcome).toBe('fail');
    const tentative = { 'ip-addr': { stdout: fixture('netns-ip-addr.txt') } };
    expect(run(interfaceAddressProbe, { address: 'fe80::b0fb:30ff:fe63:a615' }, tentative).summary).toContain(
      'tentative',
    );
  });
});

describe('real-ip-config (FAQ 3.9)', () => {
  it('nginx -T without real-IP settings fails; the FAQ snippet passes', () => {
    expect(
      run(
        realIpConfigProbe,
        { server: 'nginx' },
        { 'nginx-config': { stdout: fixture('nginx-T.debian.txt') } },
      ).outcome,
    ).toBe('fail');
    expect(
      run(
        realIpConfigProbe,
        { server: 'nginx', path: '/etc/nginx/nginx.conf' },
        { 'file /etc/nginx/nginx.conf': { stdout: fixture('nginx-realip.faq.conf') } },
      ).outcome,
    ).toBe('pass');
    const dedicated = run(
      realIpConfigProbe,
      { server: 'nginx', path: '/etc/nginx/nginx.conf', proxy: '192.168.1.0/24' },
      { 'file /etc/nginx/nginx.conf': { stdout: fixture('nginx-realip.faq.conf') } },
    );
    expect(dedicated.outcome).toBe('fail');
    expect(dedicated.summary).toContain('does not trust 192.168.1.0/24');
  });

  it('X-Real-IP carries the client address too (FAQ 5.1): accepted unless the header parameter says otherwise', () => {
    const conf = 'http { server { set_real_ip_from 100.125.0.0/16; real_ip_header X-Real-IP; } }\n';
    const t = { 'file /etc/nginx/nginx.conf': { stdout: conf } };
    const path = '/etc/nginx/nginx.conf';
    expect(run(realIpConfigProbe, { server: 'nginx', path }, t).outcome).toBe('pass');
    const onlyXff = run(realIpConfigProbe, { server: 'nginx', path, header: 'X-Forwarded-For' }, t);
    expect(onlyXff.outcome).toBe('fail');
    expect(onlyXff.data.headerOk).toBe(false);
    expect(() => realIpConfigProbe.params.parse({ server: 'nginx', header: ['X Y'] })).toThrow(/header name/);
  });

  it('Apache and Tomcat', () => {
    expect(
      run(
        realIpConfigProbe,
        { server: 'apache' },
        { 'file /etc/httpd/conf/httpd.conf': { stdout: fixture('httpd-remoteip.faq.conf') } },
      ).outcome,
    ).toBe('pass');
    const tomcat = run(
      realIpConfigProbe,
      { server: 'tomcat', path: '/usr/tomcat/tomcat8/conf/server.xml' },
      { 'file /usr/tomcat/tomcat8/conf/server.xml': { stdout: fixture('tomcat-server.faq.xml') } },
    );
    expect(tomcat.outcome).toBe('pass');
    expect(tomcat.actual).toBe('AccessLogValve logs X-Forwarded-For');
    expect(() => realIpConfigProbe.params.parse({ server: 'tomcat' })).toThrow(/server\.xml/);
  });
});

describe('real-ip-config follows includes (FAQ 3.9: Debian keeps mod_remoteip in mods-enabled/)', () => {
  const ETC = '/etc/apache2';
  const load = (name: string): Out => ({
    stdout: `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${name}.so\n`,
  });
  const settings = 'RemoteIPHeader X-Forwarded-For\nRemoteIPInternalProxy 100.125.0.0/16\n';
  /** Debian 12's stock tree (captured files and find output), with remoteip enabled or not, and extra files. */
  const debian =
    (o: { remoteip: boolean; confEnabled?: Record<string, string>; more?: Record<string, Out> }) =>
    (key: string): Out | undefined => {
      if (o.more?.[key]) return o.more[key];
      const enabled = fixture('find-mods-enabled-load.debian.txt');
      const conf = o.confEnabled ?? { 'remoteip.conf': settings };
      const table: Record<string, Out> = {
        [`file ${ETC}/apache2.conf`]: { stdout: fixture('apache2.debian-stock.conf') },
        [`part ${ETC}/ports.conf`]: { stdout: fixture('apache2-ports.debian-stock.conf') },
        [`glob ${ETC}/mods-enabled *.load`]: {
          stdout: o.remoteip ? `${enabled}${ETC}/mods-enabled/remoteip.load\n` : enabled,
        },
        [`glob ${ETC}/mods-enabled *.conf`]: { stdout: '' },
        [`glob ${ETC}/conf-enabled *.conf`]: {
          stdout: Object.keys(conf)
            .map((f) => `${ETC}/conf-enabled/${f}\n`)
            .join(''),
        },
        [`glob ${ETC}/sites-enabled *.conf`]: { stdout: '' },
        ...Object.fromEntries(
          Object.entries(conf).map(([f, text]) => [`part ${ETC}/conf-enabled/${f}`, { stdout: text }]),
        ),
      };
      const mod = new RegExp(`^part ${ETC}/mods-enabled/(\\w+)\\.load$`).exec(key);
      return table[key] ?? (mod ? load(mod[1]!) : undefined);
    };
  const apache = { server: 'apache', path: `${ETC}/apache2.conf` };

  it('the stock Debian tree: LoadModule in mods-enabled/remoteip.load, settings in conf-enabled/', async () => {
    const obs = await runAsync(realIpConfigProbe, apache, debian({ remoteip: true }));
    expect(obs.outcome, obs.summary).toBe('pass');
    expect(obs.data.config).toMatchObject({ header: 'X-Forwarded-For', moduleLoaded: true });
    expect((obs.data.config as { sources: string[] }).sources).toEqual([
      `${ETC}/mods-enabled/remoteip.load:1`,
      `${ETC}/conf-enabled/remoteip.conf:1`,
      `${ETC}/conf-enabled/remoteip.conf:2`,
    ]);
    // In Apache's order: the .load files by name, then ports.conf (line 150), then conf-enabled.
    const files = obs.data.files as string[];
    expect(files[0]).toBe(`${ETC}/apache2.conf`);
    expect(files.indexOf(`${ETC}/mods-enabled/access_compat.load`)).toBeLessThan(
      files.indexOf(`${ETC}/ports.conf`),
    );
    expect(files.indexOf(`${ETC}/ports.conf`)).toBeLessThan(
      files.indexOf(`${ETC}/conf-enabled/remoteip.conf`),
    );
    expect(obs.data.notRead).toEqual([]);
    expect(obs.raw).toContain(`${ETC}/mods-enabled/remoteip.load:1: LoadModule remoteip_module`);
    expect(obs.summary).toContain(
      'set at mods-enabled/remoteip.load:1, conf-enabled/remoteip.conf:1, conf-enabled/remoteip.conf:2',
    );
    expect(obs.raw).toContain(`read ${files.length} file(s) in ${ETC}: apache2.conf, mods-enabled/`);
  });

  it('remoteip not enabled: not loaded anywhere Apache reads, a finding', async () => {
    const obs = await runAsync(realIpConfigProbe, apache, debian({ remoteip: false }));
    expect(obs.outcome).toBe('fail');
    expect(obs.summary).toMatch(
      /mod_remoteip is not loaded in \/etc\/apache2\/apache2\.conf and the \d+ file\(s\)/,
    );
  });

  it('an include lbdoctor may not read leaves a negative answer unsure: error, naming it', async () => {
    const obs = await runAsync(
      realIpConfigProbe,
      apache,
      debian({
        remoteip: true,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Apache's own ${VAR} in a path, not a template
        confEnabled: { 'app.conf': 'Include /opt/app/remoteip.conf\nInclude ${APP_DIR}/x.conf\n' },
      }),
    );
    expect(obs.outcome).toBe('error');
    expect(obs.reason).toContain('2 include(s) were not read');
    expect(obs.data.notRead).toEqual([
      `${ETC}/conf-enabled/app.conf:1: /opt/app/remoteip.conf: /opt/app/remoteip.conf is outside the files lbdoctor reads`,
      `${ETC}/conf-enabled/app.conf:2: \${APP_DIR}/x.conf: names a variable lbdoctor does not expand`,
    ]);
    // A positive answer stands: the settings were found whatever the rest holds.
    const found = await runAsync(
      realIpConfigProbe,
      apache,
      debian({ remoteip: true, confEnabled: { 'remoteip.conf': `${settings}Include /opt/app/x.conf\n` } }),
    );
    expect(found.outcome).toBe('pass');
  });

  it('RHEL layout: ServerRoot, a folder include, a loop and a missing optional file', async () => {
    const main = [
      'ServerRoot "/etc/httpd"',
      'Include conf.modules.d/*.conf',
      'IncludeOptional conf.d/*.conf',
      'Include extra',
      'IncludeOptional conf.d/missing.conf',
    ].join('\n');
    const obs = await runAsync(
      realIpConfigProbe,
      { server: 'apache' },
      (key) =>
        ({
          'file /etc/httpd/conf/httpd.conf': { stdout: main },
          'glob /etc/httpd/conf.modules.d *.conf': { stdout: '/etc/httpd/conf.modules.d/00-remoteip.conf\n' },
          'part /etc/httpd/conf.modules.d/00-remoteip.conf': load('remoteip'),
          'glob /etc/httpd/conf.d *.conf': {
            stdout: '/etc/httpd/conf.d/.hidden.conf\n/etc/httpd/conf.d/loop.conf\n',
          },
          'part /etc/httpd/conf.d/loop.conf': { stdout: 'Include conf.d/loop.conf\n' },
          'part /etc/httpd/extra': {
            exitCode: 1,
            stderr: "head: error reading '/etc/httpd/extra': Is a directory\n",
          },
          'glob /etc/httpd/extra *': { stdout: '/etc/httpd/extra/remoteip.conf\n' },
          'part /etc/httpd/extra/remoteip.conf': { stdout: settings },
          'part /etc/httpd/conf.d/missing.conf': {
            exitCode: 1,
            stderr: 'head: cannot open: No such file or directory\n',
          },
        })[key],
    );
    expect(obs.outcome, obs.summary).toBe('pass');
    expect(obs.data.files).toEqual([
      '/etc/httpd/conf/httpd.conf',
      '/etc/httpd/conf.modules.d/00-remoteip.conf',
      '/etc/httpd/conf.d/loop.conf',
      '/etc/httpd/extra/remoteip.conf',
    ]);
    expect(obs.data.notRead).toEqual([
      '/etc/httpd/conf.d/loop.conf:1: conf.d/loop.conf: includes itself: a loop the server refuses',
    ]);
  });

  it('bounded: at most 64 files, and as many levels as the runner follows', async () => {
    const many = Array.from({ length: 70 }, (_, i) => `/etc/nginx/conf.d/${String(i).padStart(2, '0')}.conf`);
    const wide = await runAsync(
      realIpConfigProbe,
      { server: 'nginx', path: '/etc/nginx/nginx.conf' },
      (key) =>
        key === 'file /etc/nginx/nginx.conf'
          ? { stdout: 'http { include conf.d/*.conf; }\n' }
          : key === 'glob /etc/nginx/conf.d *.conf'
            ? { stdout: `${many.join('\n')}\n` }
            : key.startsWith('part ')
              ? { stdout: '# nothing\n' }
              : undefined,
    );
    expect((wide.data.files as string[]).length).toBe(65);
    expect(wide.data.notRead).toHaveLength(6);
    expect(wide.outcome).toBe('error');
    // A chain of includes deeper than the runner follows: the rest is named, not guessed.
    const deep = await runAsync(
      realIpConfigProbe,
      { server: 'nginx', path: '/etc/nginx/nginx.conf' },
      (key) => {
        if (key === 'file /etc/nginx/nginx.conf') return { stdout: 'include n1.conf;\n' };
        const n = /^part \/etc\/nginx\/n(\d+)\.conf$/.exec(key);
        return n ? { stdout: `include n${Number(n[1]) + 1}.conf;\n` } : undefined;
      },
    );
    expect(deep.data.files).toHaveLength(FOLLOW_UP_ROUNDS + 1);
    expect(deep.data.notRead).toEqual([
      `/etc/nginx/n${FOLLOW_UP_ROUNDS + 1}.conf: included too deep to follow`,
    ]);
    expect(deep.outcome).toBe('error');
  });
});

describe('access-log-tail', () => {
  it('parses ELB-format lines (shared/elb-access-log.md) and counts statuses', () => {
    const obs = run(
      accessLogTailProbe,
      { path: '/var/log/elb/access.log' },
      { 'log-tail': { stdout: fixture('elb-access.log') } },
    );
    expect(obs.outcome).toBe('pass');
    expect(obs.data).toMatchObject({ format: 'elb', statuses: { 200: 1, 499: 1 }, unreadableLines: 0 });
    expect(obs.summary).toContain('2 ELB access-log line(s)');
  });

  it('keeps non-ELB lines raw', () => {
    const obs = run(
      accessLogTailProbe,
      { path: '/var/log/nginx/access.log', lines: 2 },
      { 'log-tail': { stdout: 'a\nb\n' } },
    );
    expect(obs).toMatchObject({ outcome: 'pass', data: { format: 'raw', lines: ['a', 'b'] } });
  });
});

describe('logged-client-address (FAQ 3.9)', () => {
  // A real nginx's combined log (capture-web-access.sh): clients from 127.0.0.10 and ::1.
  const t = { 'log-tail': { stdout: fixture('web-access.nginx-combined.log') } };

  it('the last line for the marked path: inside the proxy range fails, outside passes', () => {
    const seenAsProxy = run(loggedClientAddressProbe, { marker: '/api/orders', proxy: '127.0.0.0/28' }, t);
    expect(seenAsProxy.outcome).toBe('fail');
    expect(seenAsProxy.data).toMatchObject({ address: '127.0.0.10', fromProxy: true, matches: 1 });
    expect(seenAsProxy.data.line).toContain('"POST /api/orders HTTP/1.1"');
    const seenAsClient = run(loggedClientAddressProbe, { marker: '/api/orders', proxy: '100.125.0.0/16' }, t);
    expect(seenAsClient.outcome).toBe('pass');
    // The last GET / came from ::1: an IPv6 client is never inside an IPv4 range.
    const v6 = run(loggedClientAddressProbe, { marker: '/', proxy: '127.0.0.0/8' }, t);
    expect(v6.data.address).toBe('::1');
    expect(v6.outcome).toBe('pass');
  });

  it("only this run's own request counts: older lines for the same path are never read as it", () => {
    const mine = '/lbdoctor-client-ip?lbdoctor-run=0a1b2c3d4e5f&listener=1';
    const line = (ip: string, target: string) =>
      `${ip} - - [28/Nov/2026:09:47:41 +0000] "GET ${target} HTTP/1.1" 404 153 "-" "lbdoctor/0.1.0"`;
    // An earlier run's line (before the fix: the load balancer's address), then another
    // listener's request of this run (a client address), both after nothing of ours.
    const log = [
      line('100.125.3.4', '/lbdoctor-client-ip'),
      line('100.125.3.4', '/lbdoctor-client-ip?lbdoctor-run=ffffffffffff&listener=1'),
      line('203.0.113.7', '/lbdoctor-client-ip?lbdoctor-run=0a1b2c3d4e5f&listener=2'),
    ].join('\n');
    const absent = run(loggedClientAddressProbe, { marker: mine }, { 'log-tail': { stdout: `${log}\n` } });
    expect(absent).toMatchObject({ outcome: 'skip', data: { matches: 0, others: 3 } });
    expect(absent.summary).toContain("this run's request");
    expect(absent.summary).toContain('3 other request(s) for /lbdoctor-client-ip');
    expect(absent.raw).toContain('ffffffffffff');
    // Our own line, even before the others, is the one read.
    const present = run(
      loggedClientAddressProbe,
      { marker: mine, proxy: '100.125.0.0/16' },
      { 'log-tail': { stdout: `${line('100.125.9.9', mine)}\n${log}\n` } },
    );
    expect(present).toMatchObject({
      outcome: 'fail',
      data: { address: '100.125.9.9', matches: 1, others: 3 },
    });
    // The log is read when the step runs, after its request: a reading of its own per marker.
    expect(
      loggedClientAddressProbe.sections(loggedClientAddressProbe.params.parse({ marker: mine })),
    ).toEqual([{ id: 'log-tail', args: ['/var/log/nginx/access.log', '2000'], reading: `after ${mine}` }]);
  });

  it('a marker not in the log is a skip (another member got it); an unreadable log an error', () => {
    expect(run(loggedClientAddressProbe, { marker: '/lbdoctor-client-ip' }, t).outcome).toBe('skip');
    const gone = run(
      loggedClientAddressProbe,
      { marker: '/x' },
      { 'log-tail': { exitCode: 1, stderr: 'tail: cannot open: No such file or directory\n' } },
    );
    expect(gone.outcome).toBe('error');
    expect(
      run(loggedClientAddressProbe, { marker: '/x' }, { 'log-tail': { stdout: 'not a log\n' } }).outcome,
    ).toBe('error');
  });
});

describe('FAQ 1.3: syn-challenge and source-port-reuse (capture-five-tuple.sh)', () => {
  it('syn-challenge: the member that got a second SYN for an established 5-tuple fails', () => {
    const conflict = run(
      synChallengeProbe,
      {},
      { 'net-counters': { stdout: fixture('netns-proc-net-netstat.syn-challenge.txt') } },
    );
    expect(conflict.outcome).toBe('fail');
    expect(conflict.data.synChallenges).toBeGreaterThan(0);
    expect(conflict.data.challengeAcks).toBeGreaterThanOrEqual(conflict.data.synChallenges as number);
    // The lab host of the other captures never saw one.
    const quiet = run(
      synChallengeProbe,
      {},
      { 'net-counters': { stdout: fixture('netns-proc-net-netstat.txt') } },
    );
    expect(quiet.outcome).toBe('pass');
    expect(run(synChallengeProbe, {}, { 'net-counters': { stdout: 'garbage\n' } }).outcome).toBe('error');
  });

  it('source-port-reuse: one source port towards two VIPs, from ss and from netstat', () => {
    for (const file of ['netns-ss-tan.fixed-source-port.txt', 'netns-netstat-tan.fixed-source-port.txt']) {
      const obs = run(sourcePortReuseProbe, {}, { 'tcp-sockets': { stdout: fixture(file) } });
      expect(obs.outcome, file).toBe('fail');
      expect(obs.data.reused).toEqual([
        {
          local: '10.251.77.10:40000',
          peers: [
            { peer: '10.251.77.2:80', state: 'ESTAB' },
            { peer: '10.251.77.3:80', state: 'SYN-SENT' },
          ],
        },
      ]);
      const elsewhere = run(
        sourcePortReuseProbe,
        { peers: ['10.251.77.2'] },
        { 'tcp-sockets': { stdout: fixture(file) } },
      );
      expect(elsewhere.outcome).toBe('pass');
    }
  });

  it("source-port-reuse: a server's own listening port with many peers is not a reused source port", () => {
    const ss = [
      'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
      'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*',
      'ESTAB  0      0       10.0.0.5:22     10.0.0.9:51000',
      'ESTAB  0      0       10.0.0.5:22     10.0.0.8:52000',
      'ESTAB  0      0       10.0.0.5:41000  10.0.0.7:443',
    ].join('\n');
    const obs = run(sourcePortReuseProbe, {}, { 'tcp-sockets': { stdout: ss } });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.sockets).toBe(1);
  });

  it('a host without ss or netstat, or without /proc/net/netstat: could not check, saying why', () => {
    const noSs = run(
      sourcePortReuseProbe,
      {},
      { 'tcp-sockets': { exitCode: 127, stderr: 'lbdoctor: not installed on this host: ss, netstat\n' } },
    );
    expect(noSs.outcome).toBe('error');
    expect(noSs.reason).toContain('not installed on this host: ss, netstat');
    const noCounters = run(
      synChallengeProbe,
      {},
      { 'net-counters': { exitCode: 1, stderr: 'cat: /proc/net/netstat: No such file or directory\n' } },
    );
    expect(noCounters.outcome).toBe('error');
    expect(noCounters.reason).toContain('/proc/net/netstat');
  });
});

// be1 (10.251.78.20) in namespaces: 5 connections on port 80 from 10.251.78.2, 2 from 10.251.78.30, one in
// TIME-WAIT from .30 and one from .30 on port 8080 (capture-established.sh).
describe('established-connections', () => {
  const ss = { 'tcp-sockets': { stdout: fixture('netns-ss-tan.established.txt') } };
  const netstat = { 'tcp-sockets': { stdout: fixture('netns-netstat-tan.established.txt') } };

  it("counts ESTABLISHED on the port only, split by the load balancer's range, from ss and netstat alike", () => {
    const fromSs = run(establishedConnectionsProbe, { port: 80, range: '10.251.78.0/30' }, ss);
    expect(fromSs).toMatchObject({
      outcome: 'pass',
      summary:
        "7 established connection(s) on port 80: 5 from the load balancer's range 10.251.78.0/30, 2 from elsewhere",
      data: { established: 7, fromRange: 5, fromOthers: 2, compared: 5, tool: 'ss' },
    });
    const fromNetstat = run(establishedConnectionsProbe, { port: 80, range: '10.251.78.0/30' }, netstat);
    expect({ ...fromNetstat.data, tool: 'ss' }).toEqual(fromSs.data);
    expect(fromNetstat.data.tool).toBe('netstat');
    expect(run(establishedConnectionsProbe, { port: 8080 }, netstat).data.established).toBe(1);
  });

  it('the range not known (absent or ""): every peer is compared, and the summary says so', () => {
    for (const params of [{ port: 80 }, { port: '80', range: '' }]) {
      const obs = run(establishedConnectionsProbe, params, ss);
      expect(obs.data).toMatchObject({ established: 7, fromRange: 0, fromOthers: 7, compared: 7, range: '' });
      expect(obs.summary).toContain("the load balancer's range is not known, so every peer is counted");
    }
  });

  it('more than one member port takes (max) fails; at the limit passes', () => {
    expect(run(establishedConnectionsProbe, { port: 80, range: '10.251.78.2', max: 5 }, ss).outcome).toBe(
      'pass',
    );
    const full = run(establishedConnectionsProbe, { port: 80, range: '10.251.78.2', max: 4 }, ss);
    expect(full).toMatchObject({ outcome: 'fail', expected: 'at most 4', actual: '5', data: { max: 4 } });
    expect(full.summary).toContain('5 is above the 4 one member port takes');
  });

  it('no ss or netstat, or an answer that is neither: could not check, never 0 connections', () => {
    const missing = run(
      establishedConnectionsProbe,
      { port: 80 },
      { 'tcp-sockets': { exitCode: 127, stderr: 'lbdoctor: not installed on this host: ss, netstat\n' } },
    );
    expect(missing.outcome).toBe('error');
    expect(missing.reason).toContain('not installed on this host: ss, netstat');
    const odd = run(
      establishedConnectionsProbe,
      { port: 80 },
      { 'tcp-sockets': { stdout: 'Segmentation fault\n' } },
    );
    expect(odd).toMatchObject({
      outcome: 'error',
      reason: 'TCP sockets: the output is neither ss -tan nor netstat -tan',
    });
  });

  it('rejects a range that is not a CIDR', () => {
    expect(() => establishedConnectionsProbe.params.parse({ port: 80, range: '10.0.0.0/33' })).toThrow(
      /CIDR/,
    );
  });
});
