// A TCP backend for L4 listeners and TCP health checks: echo what it gets,
// RST every connection (FAQ 1.5 502 / failed TCP health check), or accept and
// never say a word (idle connections, FAQ 1.4).
import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { ListenOptions, RunningServer } from './types.js';

export type TcpBehaviour = 'echo' | 'reset' | 'hang';

export interface TcpBackendOptions extends ListenOptions {
  /** Default `echo`. */
  mode?: TcpBehaviour;
  /** Written once on connect (echo mode), so a client can tell members apart. */
  banner?: string;
}

export interface TcpBackend extends RunningServer {
  stats(): { connections: number; bytesIn: number };
}

export async function startTcpBackend(options: TcpBackendOptions = {}): Promise<TcpBackend> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.mode ?? 'echo';
  const sockets = new Set<Socket>();
  const counts = { connections: 0, bytesIn: 0 };
  const server = createServer((socket) => {
    counts.connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    socket.on('data', (chunk) => {
      counts.bytesIn += chunk.length;
      if (mode === 'echo') socket.write(chunk);
    });
    // Half-close from the client: finish our side too (echo), or keep hanging.
    socket.on('end', () => {
      if (mode === 'echo') socket.end();
    });
    if (mode === 'echo' && options.banner) socket.write(options.banner);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    address: host,
    port,
    stats: () => ({ ...counts }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
