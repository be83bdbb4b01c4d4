// A scenario or a test often has to name a port before anything binds it: the
// reference LB's listeners are written into the inventory before it starts,
// nginx and HAProxy read their ports from a config file, and a member that
// must refuse needs a port where nothing listens. Such a port is taken from
// below the kernel's ephemeral range. A port from that range, bound and
// released, can be handed to the next socket anyone binds to port 0 or
// connects from (a test running beside this one), and the server meant for it
// then fails with "Address already in use", or the "closed" member answers.
// Nobody is handed a port below the range unless they ask for it by number.
// A port is never given out twice by one process, and test files running side
// by side (vitest workers, and the commands they start) take ports from
// separate slices of the range, so two of them cannot pick one port and race
// to bind it.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, createServer, isIPv6 } from 'node:net';

/** A TCP port on `host` (a local address) that can be bound now, for a server about to start. */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return pickPort(host, 'TCP', (port) => canBindTcp(host, port));
}

/** A UDP port on `host` (a local address) that can be bound now, for a server about to start. */
export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return pickPort(host, 'UDP', (port) => canBindUdp(host, port));
}

/**
 * A TCP port on `host` where nothing listens, for a member that must refuse
 * connections. It is checked by connecting, so `host` need not be local.
 */
export function closedTcpPort(host = '127.0.0.1'): Promise<number> {
  return pickPort(host, 'TCP', (port) => refuses(host, port));
}

/**
 * A UDP port on `host` where nothing is bound, for a member that must not
 * answer: a free one, which nobody binding port 0 can be handed.
 */
export const closedUdpPort = freeUdpPort;

const givenOut = { TCP: new Set<number>(), UDP: new Set<number>() };
/** vitest's fork pool runs at most this many test files at once (vitest.config.ts: maxForks). */
const TEST_WORKERS = 4;

async function pickPort(
  host: string,
  protocol: 'TCP' | 'UDP',
  usable: (port: number) => Promise<boolean>,
): Promise<number> {
  const [from, to] = portSlice(10_000, ephemeralLow());
  const taken = givenOut[protocol];
  for (let tries = 0; tries < 50; tries++) {
    const port = from + Math.floor(Math.random() * Math.max(1, to - from));
    if (taken.has(port)) continue;
    // Held while it is tried, so that calls made at once never settle on one port.
    taken.add(port);
    if (await usable(port)) return port;
    taken.delete(port);
  }
  throw new Error(`no free ${protocol} port found on ${host} between ${from} and ${to}`);
}

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

function canBindTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function canBindUdp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', () => {
      try {
        socket.close();
      } catch {
        // never bound: nothing to close
      }
      resolve(false);
    });
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
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
