import { describe, expect, it } from 'vitest';
import { parsePingRtt, pingReceived } from '../../../src/reference/health/icmp-echo.js';

// iputils-ping output captured on Debian (LC_ALL=C), reply and no reply.
const replied = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.051 ms

--- 127.0.0.1 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.051/0.051/0.051/0.000 ms
`;
const silent = `PING 10.93.17.2 (10.93.17.2) 56(84) bytes of data.

--- 10.93.17.2 ping statistics ---
1 packets transmitted, 0 received, 100% packet loss, time 0ms

`;
const v6 = `PING ::1(::1) 56 data bytes
64 bytes from ::1: icmp_seq=1 ttl=64 time=0.120 ms

--- ::1 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.120/0.120/0.120/0.000 ms
`;

describe('ping output', () => {
  it('tells a reply from silence', () => {
    expect(pingReceived(replied)).toBe(true);
    expect(pingReceived(v6)).toBe(true);
    expect(pingReceived(silent)).toBe(false);
    expect(pingReceived('')).toBe(false);
  });

  it('reads the round-trip time', () => {
    expect(parsePingRtt(replied)).toBe(0.051);
    expect(parsePingRtt(v6)).toBe(0.12);
    expect(parsePingRtt(silent)).toBeUndefined();
  });
});
