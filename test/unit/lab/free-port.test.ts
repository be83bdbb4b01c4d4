// Ports for servers a test or scenario configures before starting them: never
// the same one twice, and, with test files running side by side, from this
// worker's own slice of the range below the ephemeral ports (two files must
// not pick one port and then race to bind it: HAProxy once failed with
// "Address already in use", and a member meant to refuse once answered).
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closedTcpPort, freeTcpPort, freeUdpPort } from '../../../src/lab/scenarios/free-port.js';

function workerSlice(): [number, number] {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const worker = Number(process.env.VITEST_POOL_ID);
  expect(Number.isInteger(worker), 'vitest names its worker in VITEST_POOL_ID').toBe(true);
  const size = Math.floor((low - 10_000) / 4);
  const from = 10_000 + ((worker - 1) % 4) * size;
  return [from, from + size];
}

describe.each([
  ['closedTcpPort', closedTcpPort],
  ['freeTcpPort', freeTcpPort],
  ['freeUdpPort', freeUdpPort],
])('%s', (_name, pick) => {
  it('never gives the same port twice, and stays in this worker’s slice below the ephemeral range', async () => {
    const ports = await Promise.all(Array.from({ length: 300 }, () => pick()));
    expect(new Set(ports).size).toBe(ports.length);
    const [from, to] = workerSlice();
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(from);
      expect(p).toBeLessThan(to);
    }
  });
});

describe('freeUdpPort', () => {
  it('freeUdpPort gives a port a UDP socket can bind', async () => {
    const port = await freeUdpPort();
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });
});
