// ss -tan and netstat -tan, captured in namespaces by capture-five-tuple.sh:
// the two tools must read to the same sockets, IPv6 and IPv4-mapped included.
import { describe, expect, it } from 'vitest';
import { parseTcpSockets } from '../../../src/probes/parsers/tcp-sockets.js';
import { fixture } from './fixture.js';

const key = (s: ReturnType<typeof parseTcpSockets>[number]) =>
  `${s.state} ${s.local.address}:${s.local.port} ${s.peer.address}:${s.peer.port}`;

describe('parseTcpSockets', () => {
  it('reads the fixed source port of a client from ss and netstat alike', () => {
    const ss = parseTcpSockets(fixture('netns-ss-tan.fixed-source-port.txt')).map(key);
    expect(ss).toEqual([
      'ESTAB 10.251.77.10:40000 10.251.77.2:80',
      'SYN-SENT 10.251.77.10:40000 10.251.77.3:80',
    ]);
    expect(parseTcpSockets(fixture('netns-netstat-tan.fixed-source-port.txt')).map(key)).toEqual(ss);
  });

  it('reads IPv6 and IPv4-mapped sockets (the mapped form as IPv4), and listening ones', () => {
    const ss = parseTcpSockets(fixture('netns-ss-tan.ipv6.txt')).map(key);
    expect(ss).toContain('ESTAB ::1:8080 ::1:47074');
    expect(ss).toContain('ESTAB 127.0.0.1:8080 127.0.0.1:42424');
    expect(ss).toContain('LISTEN *:8080 *:0');
    const netstat = parseTcpSockets(fixture('netns-netstat-tan.ipv6.txt')).map(key);
    expect(netstat).toContain('ESTAB ::1:8080 ::1:47074');
    expect(netstat).toContain('ESTAB 127.0.0.1:8080 127.0.0.1:42424');
    expect(netstat).toContain('CLOSE-WAIT 10.251.77.20:80 10.251.77.10:40000');
    expect(netstat.filter((s) => !s.startsWith('LISTEN'))).toEqual(ss.filter((s) => !s.startsWith('LISTEN')));
  });

  it('reads a member with established, TIME-WAIT and listening sockets the same from ss and netstat', () => {
    const ss = parseTcpSockets(fixture('netns-ss-tan.established.txt')).map(key);
    expect(ss.filter((s) => s.startsWith('ESTAB 10.251.78.20:80 '))).toHaveLength(7);
    expect(ss).toContain('TIME-WAIT 10.251.78.20:80 10.251.78.30:45000');
    expect(ss).toContain('ESTAB 10.251.78.20:8080 10.251.78.30:43692');
    expect(parseTcpSockets(fixture('netns-netstat-tan.established.txt')).map(key)).toEqual(ss);
  });
});
