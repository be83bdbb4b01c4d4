import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePing } from '../../../src/probes/parsers/ping.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/ping/${name}`, import.meta.url), 'utf8');

describe('parsePing on captured iputils output', () => {
  it('reads replies, loss and rtt', () => {
    const r = parsePing(fixture('iputils-success.txt'));
    expect(r).toMatchObject({
      format: 'iputils',
      verdict: 'replies',
      target: '127.0.0.1',
      address: '127.0.0.1',
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rtt: { minMs: 0.018, avgMs: 0.032, maxMs: 0.041, mdevMs: 0.01 },
    });
    expect(r.replies.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(r.replies[0]).toEqual({ from: '127.0.0.1', seq: 1, ttl: 64, timeMs: 0.018 });
  });

  it('reads a veth peer that answers', () => {
    const r = parsePing(fixture('iputils-veth-success.txt'));
    expect(r.verdict).toBe('replies');
    expect(r.address).toBe('10.231.77.2');
  });

  it('reads 100% loss (icmp_echo_ignore_all=1 on the target)', () => {
    const r = parsePing(fixture('iputils-loss.txt'));
    expect(r).toMatchObject({
      format: 'iputils',
      verdict: 'no-reply',
      transmitted: 3,
      received: 0,
      lossPercent: 100,
    });
    expect(r.rtt).toBeUndefined();
    expect(r.replies).toEqual([]);
  });

  it('reads an unknown host', () => {
    const r = parsePing(fixture('iputils-unknown-host.txt'));
    expect(r).toMatchObject({ format: 'iputils', verdict: 'unknown-host', target: 'no-such-host.invalid' });
  });

  it('reads a missing route', () => {
    const r = parsePing(fixture('iputils-network-unreachable.txt'));
    expect(r.verdict).toBe('network-unreachable');
    expect(r.message).toMatch(/Network is unreachable/);
  });
});

describe('parsePing on captured busybox output', () => {
  it('reads replies (seq from 0, round-trip without mdev)', () => {
    const r = parsePing(fixture('busybox-success.txt'));
    expect(r).toMatchObject({
      format: 'busybox',
      verdict: 'replies',
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rtt: { minMs: 0.043, avgMs: 0.054, maxMs: 0.07 },
    });
    expect(r.rtt?.mdevMs).toBeUndefined();
    expect(r.replies.map((x) => x.seq)).toEqual([0, 1, 2]);
  });

  it('reads 100% loss and a bad address', () => {
    expect(parsePing(fixture('busybox-loss.txt'))).toMatchObject({ verdict: 'no-reply', lossPercent: 100 });
    expect(parsePing(fixture('busybox-unknown-host.txt'))).toMatchObject({
      format: 'busybox',
      verdict: 'unknown-host',
      target: 'no-such-host.invalid',
    });
  });
});

describe('parsePing on other shapes', () => {
  it('keeps ICMP errors reported by a router', () => {
    const r = parsePing(
      [
        'PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.',
        'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable',
        '',
        '--- 10.0.0.9 ping statistics ---',
        '1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms',
      ].join('\n'),
    );
    expect(r).toMatchObject({ verdict: 'no-reply', errors: 1, lossPercent: 100 });
    expect(r.icmpErrors).toEqual([{ from: '10.0.0.1', message: 'Destination Host Unreachable' }]);
  });

  it('says error on output it does not know', () => {
    expect(parsePing('').verdict).toBe('error');
    expect(parsePing('ping: socket: Operation not permitted').message).toBe(
      'ping: socket: Operation not permitted',
    );
  });
});
