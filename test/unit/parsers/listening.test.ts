import { describe, expect, it } from 'vitest';
import { type ListeningSocket, parseListening } from '../../../src/probes/parsers/listening.js';
import { fixture } from './fixture.js';

describe('parseListening', () => {
  it('parses ss -ltnup from a namespace with a loopback-only and a wildcard listener', () => {
    const s = parseListening(fixture('netns-ss-ltnup.txt'));
    expect(s).toEqual([
      {
        protocol: 'udp',
        address: '0.0.0.0',
        port: 5353,
        recvQ: 0,
        sendQ: 0,
        processes: [{ name: 'python3', pid: 15393 }],
      },
      {
        protocol: 'tcp',
        address: '0.0.0.0',
        port: 9090,
        recvQ: 5,
        sendQ: 4,
        processes: [{ name: 'python3', pid: 15393 }],
      },
      {
        protocol: 'tcp',
        address: '127.0.0.1',
        port: 8081,
        recvQ: 0,
        sendQ: 4,
        processes: [{ name: 'python3', pid: 15393 }],
      },
      {
        protocol: 'tcp',
        address: '*',
        port: 8443,
        recvQ: 0,
        sendQ: 4,
        processes: [{ name: 'python3', pid: 15393 }],
      },
    ]);
  });

  it('parses ss without process info (no privileges)', () => {
    expect(parseListening(fixture('ss-ltnup.debian.txt'))).toEqual([
      { protocol: 'tcp', address: '0.0.0.0', port: 2024, recvQ: 0, sendQ: 128, processes: [] },
    ]);
  });

  it('gives netstat -ltnup the same answer as ss', () => {
    const strip = (x: ListeningSocket[]) => x.map(({ recvQ: _r, sendQ: _s, ...rest }) => rest);
    const fromSs = strip(parseListening(fixture('netns-ss-ltnup.txt')));
    const fromNetstat = strip(parseListening(fixture('netns-netstat-ltnup.txt')));
    const key = (x: { protocol: string; port: number }) => `${x.protocol}:${x.port}`;
    expect(fromNetstat.map(key).sort()).toEqual(fromSs.map(key).sort());
    expect(fromNetstat.find((x) => x.port === 8443)).toMatchObject({
      address: '::',
      processes: [{ name: 'python3', pid: 15393 }],
    });
  });

  it('parses older ss (CentOS 7, CentOS 6 without Netid and without pid=) and the FAQ’s netstat -anlp', () => {
    const c7 = parseListening(fixture('ss-ltnup.centos7.txt'));
    expect(c7.map((x) => `${x.protocol} ${x.address} ${x.port}`)).toEqual([
      'udp * 68',
      'udp 127.0.0.1 323',
      'tcp * 22',
      'tcp 127.0.0.1 25',
      'tcp :: 22',
      'tcp 127.0.0.1 8005',
    ]);
    const c6 = parseListening(fixture('ss-ltn.centos6.txt'));
    expect(c6[2]).toMatchObject({
      protocol: 'tcp',
      address: '*',
      port: 880,
      processes: [
        { name: 'nginx', pid: 2231 },
        { name: 'nginx', pid: 2230 },
      ],
    });
    const faq = parseListening(fixture('netstat-anlp.faq.txt'));
    expect(faq.map((x) => x.port)).toEqual([880, 8020, 8006]);
  });

  it('keeps the device of an interface-bound socket', () => {
    const s = parseListening('udp   UNCONN 0      0      127.0.0.53%lo:53        0.0.0.0:*\n');
    expect(s[0]).toMatchObject({ address: '127.0.0.53', device: 'lo', port: 53, protocol: 'udp' });
  });
});
