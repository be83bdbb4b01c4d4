// Real servers on 127.0.0.1 port 0 for probe tests. Every server is closed by
// the test that made it (onTestFinished), sockets included.
import { createServer, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { closedTcpPort } from '../../src/lab/scenarios/free-port.js';
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
 * A port on 127.0.0.1 where nothing listens: connecting gets RST. Below the
 * ephemeral range, so that no test running beside this one can be given it
 * (a released ephemeral port once was: nginx then proxied to another test's
 * backend and answered 200 instead of its own 502).
 */
export const closedPort = (): Promise<number> => closedTcpPort('127.0.0.1');

/** A probe context on the local dialer with its own abort controller. */
export function localContext(timeoutMs = 3000): ProbeContext {
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  return { signal: controller.signal, timeoutMs, dialer: localDialer };
}
