// Listener ports must be written into the inventory before the reference LB
// starts (the schema needs a real port, and the doctor reads the file), so a
// scenario asks the kernel for free ones first.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, isIPv6 } from 'node:net';

export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * A TCP port on `host` where nothing listens, for a member that must refuse
 * connections, or for a server whose configuration must name its port before
 * it starts (nginx, HAProxy). It is chosen below the kernel's ephemeral range:
 * a port from that range, bound and released, can be handed to the next
 * server anyone binds to port 0 (a test running beside this one), and the
 * "closed" member would then answer. A port is never given out twice by one
 * process, and test files running side by side (vitest workers, and the
 * commands they start) take ports from separate slices of the range, so two
 * of them cannot both pick a port and then race to bind it.
 */
export async function closedTcpPort(host = '127.0.0.1'): Promise<number> {
  const [from, to] = portSlice(10_000, ephemeralLow());
  for (let tries = 0; tries < 50; tries++) {
    const port = from + Math.floor(Math.random() * Math.max(1, to - from));
    if (givenOut.has(port)) continue;
    // Held while it is tried, so that calls made at once never settle on one port.
    givenOut.add(port);
    if (await refuses(host, port)) return port;
    givenOut.delete(port);
  }
  throw new Error(`no closed TCP port found on ${host} between ${from} and ${to}`);
}

const givenOut = new Set<number>();
/** vitest's fork pool runs at most this many test files at once (vitest.config.ts: maxForks). */
const TEST_WORKERS = 4;

/** This process's slice of [from, to): the whole range, or under vitest the worker's share of it. */
function portSlice(from: number, to: number): [number, number] {
  const worker = Number(process.env.VITEST_POOL_ID);
  if (!Number.isInteger(worker) || worker < 1) return [from, to];
  const size = Math.floor((to - from) / TEST_WORKERS);
  const k = (worker - 1) % TEST_WORKERS;
  return [from + k * size, from + (k + 1) * size];
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768; // not Linux: the IANA dynamic range starts at 49152, above this
  }
}

function refuses(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
