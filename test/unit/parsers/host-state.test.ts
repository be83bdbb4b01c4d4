import { describe, expect, it } from 'vitest';
import { parseConntrackStats } from '../../../src/probes/parsers/conntrack-stats.js';
import { parseCpuCount, parseLoadavg, parseMeminfo } from '../../../src/probes/parsers/load.js';
import { parseModules } from '../../../src/probes/parsers/modules.js';
import { parseNetCounters } from '../../../src/probes/parsers/net-counters.js';
import { parsePortRange, parseSockstat, timeWaitCount } from '../../../src/probes/parsers/sockstat.js';
import { fixture } from './fixture.js';

describe('load', () => {
  it('reads /proc/loadavg, nproc and meminfo captured here', () => {
    const l = parseLoadavg(fixture('loadavg.debian.txt'))!;
    expect(l.one).toBeGreaterThanOrEqual(0);
    expect(l.total).toBeGreaterThan(0);
    expect(parseCpuCount(fixture('nproc.debian.txt'))).toBeGreaterThan(0);
    const m = parseMeminfo(fixture('meminfo.debian.txt'))!;
    expect(m.estimated).toBe(false);
    expect(m.availableKb).toBeLessThanOrEqual(m.totalKb);
  });

  it('reads busybox uptime and estimates available memory on CentOS 6 kernels', () => {
    expect(parseLoadavg(fixture('uptime.busybox.txt'))).toEqual({ one: 7.92, five: 6.1, fifteen: 5.33 });
    expect(parseMeminfo(fixture('meminfo.centos6.txt'))).toEqual({
      totalKb: 1922148,
      availableKb: 101232 + 52116 + 301552,
      estimated: true,
      swapTotalKb: 4194300,
      swapFreeKb: 4150200,
    });
    expect(parseMeminfo('nonsense')).toBeUndefined();
    expect(parseCpuCount('x')).toBeUndefined();
  });
});

describe('sockstat and port range', () => {
  it('counts TIME_WAIT from a namespace after a burst of closed connections', () => {
    const s = parseSockstat(fixture('netns-sockstat.txt'));
    expect(timeWaitCount(s)).toBe(30);
    expect(s.UDP).toEqual({ inuse: 1, mem: 0 });
    expect(timeWaitCount(parseSockstat(fixture('netns-ss-ltnup.txt')))).toBeUndefined();
  });

  it('reads the ephemeral port range', () => {
    expect(parsePortRange('32768 60999')).toEqual({ low: 32768, high: 60999, size: 28232 });
    expect(parsePortRange('junk')).toBeUndefined();
  });
});

describe('listen-queue counters', () => {
  it('reads ListenOverflows from /proc/net/netstat and nstat alike (captured after overflowing a slow acceptor)', () => {
    const proc = parseNetCounters(fixture('netns-proc-net-netstat.txt'));
    const nstat = parseNetCounters(fixture('netns-nstat-az.txt'));
    expect(proc['TcpExt:ListenOverflows']).toBe(70);
    expect(proc['TcpExt:ListenDrops']).toBe(70);
    expect(nstat['TcpExt:ListenOverflows']).toBe(70);
    expect(nstat['TcpExt:ListenDrops']).toBe(70);
    expect(nstat['Ip:InReceives']).toBeGreaterThan(0);
  });

  it('reads the prose of netstat -s on older hosts', () => {
    expect(parseNetCounters(fixture('netstat-s.centos7.txt'))).toEqual({
      'TcpExt:ListenOverflows': 1213,
      'TcpExt:ListenDrops': 1213,
    });
  });
});

describe('conntrack statistics', () => {
  it('sums conntrack -S per-CPU lines (current and CentOS 7 formats)', () => {
    expect(parseConntrackStats(fixture('netns-conntrack-S.txt'))).toMatchObject({
      insert_failed: 0,
      drop: 0,
    });
    expect(parseConntrackStats(fixture('conntrack-S.centos7.txt'))).toMatchObject({
      insert_failed: 22,
      drop: 22,
      insert: 65836,
    });
  });

  it('reads the hex table of /proc/net/stat/nf_conntrack', () => {
    const s = parseConntrackStats(fixture('netns-proc-nf_conntrack.txt'));
    expect(s.entries).toBe(0x41);
    expect(s.insert_failed).toBe(0);
    expect(
      parseConntrackStats(
        'entries  insert_failed drop\n00000002 00000003 00000001\n00000002 00000004 00000000\n',
      ),
    ).toEqual({
      entries: 2,
      insert_failed: 7,
      drop: 1,
    });
  });
});

describe('kernel modules', () => {
  it('reads /proc/modules and lsmod', () => {
    const proc = parseModules(fixture('proc-modules.centos.txt'));
    expect(proc[0]).toEqual({ name: 'toa', size: 13143, usedBy: 0, state: 'Live' });
    const lsmod = parseModules(fixture('lsmod.centos.txt'));
    expect(lsmod.map((m) => m.name)).toEqual(['toa', 'xt_conntrack', 'nf_conntrack']);
  });
});
