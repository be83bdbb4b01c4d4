// Real servers on 127.0.0.1 port 0 for probe tests. Every server is closed by
// the test that made it (onTestFinished), sockets included.
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import type { ProbeContext } from '../../src/probes/types.js';
import { localDialer } from '../../src/transport/dialers/local.js';

export interface Listening {
  server: Server;
  port: number;
}

/** A TCP server whose connections are handed to `onSocket`; closed when the test finishes. */
export async function listenTcp(onSocket: (socket: Socket) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return { server, port: address.port };
}

/**
 * A port on 127.0.0.1 where nothing listens: connecting gets RST. It is
 * chosen below the kernel's ephemeral range, so that no server of a test
 * running in parallel (they all bind port 0) can be given it between now
 * and the moment this test counts on it being closed. A port from the
 * ephemeral range, bound and released, was once taken that way: nginx then
 * proxied to someone else's backend and answered 200 instead of 502.
 */
export async function closedPort(): Promise<number> {
  const low = ephemeralLow();
  for (let tries = 0; tries < 50; tries++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1, low - 10_000));
    if (await isClosed(port)) return port;
  }
  throw new Error(`no closed port found on 127.0.0.1 between 10000 and ${low}`);
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768; // not Linux: the IANA dynamic range starts at 49152, so this is below it too
  }
}

function isClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** A probe context on the local dialer with its own abort controller. */
export function localContext(timeoutMs = 3000): ProbeContext {
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  return { signal: controller.signal, timeoutMs, dialer: localDialer };
}
