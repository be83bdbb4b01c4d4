// A UDP backend for the three answers FAQ 2.4's health check tells apart:
// `echo` (a live service), `closed` (no socket on the port, so the kernel
// answers ICMP port unreachable and the member is unhealthy) and `silent` (a
// socket that never replies: still healthy for ELB, since only an ICMP port
// unreachable within the timeout fails the check).
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenOptions, RunningServer } from './types.js';

export type UdpBehaviour = 'echo' | 'closed' | 'silent';

export interface UdpBackendOptions extends ListenOptions {
  /** Default `echo`. */
  mode?: UdpBehaviour;
  /** Prefixed to each echoed datagram, so a client can tell members apart. */
  prefix?: string;
}

export interface UdpBackend extends RunningServer {
  stats(): { datagrams: number };
}

export async function startUdpBackend(options: UdpBackendOptions = {}): Promise<UdpBackend> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.mode ?? 'echo';
  const counts = { datagrams: 0 };
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  if (mode === 'closed') {
    // Reserve a port the kernel just proved free, then free it: datagrams to it
    // now meet no socket and the kernel replies ICMP port unreachable.
    await closeSocket(socket);
    return { address: host, port, stats: () => ({ ...counts }), close: async () => {} };
  }
  socket.on('error', () => {});
  socket.on('message', (msg, rinfo) => {
    counts.datagrams++;
    if (mode !== 'echo') return;
    const reply = options.prefix ? Buffer.concat([Buffer.from(options.prefix), msg]) : msg;
    socket.send(reply, rinfo.port, rinfo.address);
  });
  let closing: Promise<void> | undefined;
  return {
    address: host,
    port,
    stats: () => ({ ...counts }),
    close() {
      closing ??= closeSocket(socket);
      return closing;
    },
  };
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
