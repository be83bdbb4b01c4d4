// Long-running processes on a lab host (inside its namespace, with root's shell
// start-up files masked): the backends a host scenario puts on its members.
//  - a UDP echo server (a few lines of Node: socat is not in CI's package list),
//  - an HTTP backend behind tcp-wrappers: a tiny inetd (Node) hands every
//    accepted connection to the real /usr/sbin/tcpd, which reads the host's
//    /etc/hosts.allow and /etc/hosts.deny and either execs the HTTP answerer or
//    refuses (closing the connection after its customary 5 s),
//  - a CPU hog (busy loops) for an overloaded host.
// Every one of them dies with the lab's namespaces at teardown as well.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LbdError } from '../errors.js';
import { type Lab, type LabHost, maskedNetnsArgv } from './netns.js';

export const TCPD = '/usr/sbin/tcpd';
/** Why a tcp-wrapped backend cannot run here, or undefined. */
export const tcpdMissing: string | undefined = existsSync(TCPD) ? undefined : `no ${TCPD} (Debian: tcpd)`;

export interface HostProcess {
  readonly host: string;
  readonly pid: number | undefined;
  /** The tail of what it wrote to stderr. */
  log(): string;
  /** SIGTERM, SIGKILL after 2 s. Idempotent. */
  stop(): Promise<void>;
}

export interface SpawnInHostOptions {
  /** Resolve once stdout has printed a line matching this (else at once). */
  ready?: RegExp;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Starts argv in `host`'s namespace; resolves when it says it is ready. */
export async function spawnInHost(
  host: LabHost,
  argv: readonly string[],
  options: SpawnInHostOptions = {},
): Promise<HostProcess> {
  const [cmd, ...args] = maskedNetnsArgv(host.ns, argv);
  const child: ChildProcess = spawn(cmd!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const proc: HostProcess = {
    host: host.name,
    pid: child.pid,
    log: () => err,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      })();
      return stopping;
    },
  };
  const ready = options.ready;
  if (!ready) {
    child.stdout?.resume();
    return proc;
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`did not say it was ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout?.on('data', (d: Buffer) => {
        out = (out + d.toString()).slice(-4000);
        if (ready.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before it was ready`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } catch (e) {
    await proc.stop();
    throw new LbdError(
      'LBD_ERR_INTERNAL',
      `lab: ${argv[0]} on ${host.name} ${(e as Error).message}${err.trim() ? `: ${err.trim()}` : ''}`,
    );
  }
  child.stdout?.resume();
  return proc;
}

const UDP_ECHO = `
const dgram = require('node:dgram');
const s = dgram.createSocket('udp4');
s.on('message', (m, r) => s.send(m, r.port, r.address));
s.on('error', (e) => { console.error(String(e)); process.exit(1); });
s.bind(Number(process.argv[1]), '0.0.0.0', () => console.log('ready'));
`;

/** A UDP echo server on 0.0.0.0:port of `host`. */
export function startUdpEcho(host: LabHost, port: number): Promise<HostProcess> {
  return spawnInHost(host, [process.execPath, '-e', UDP_ECHO, String(port)], { ready: /ready/ });
}

/**
 * The inetd: accept, hand the connection (paused, unread) to tcpd as its stdin
 * and stdout with argv[0] = the answerer's path, as inetd.conf does, then
 * close our copy. tcpd matches the daemon name (the answerer's base name) and
 * the client address against hosts.allow / hosts.deny.
 */
const INETD = `
const net = require('node:net');
const { spawn } = require('node:child_process');
const [port, tcpd, daemon] = process.argv.slice(1);
const server = net.createServer({ pauseOnConnect: true }, (sock) => {
  try {
    const c = spawn(tcpd, [], { argv0: daemon, stdio: [sock, sock, 'ignore'] });
    c.on('error', (e) => console.error('tcpd: ' + e.message));
  } finally {
    sock.destroy();
  }
});
server.on('error', (e) => { console.error(String(e)); process.exit(1); });
server.listen(Number(port), '0.0.0.0', () => console.log('ready'));
`;

/** The answerer tcpd execs: reads one request head, answers once, exits (Connection: close). */
function answerer(): string {
  return `#!${process.execPath}
let head = '';
process.stdin.on('data', (d) => {
  head += d;
  if (!head.includes('\\r\\n\\r\\n')) return;
  const path = (head.split(' ')[1] || '/').split('?')[0];
  const body = path === process.env.LBD_HEALTH_PATH ? 'ok\\n' : process.env.LBD_BODY + '\\n';
  require('node:fs').writeSync(1, 'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nX-Backend: ' +
    process.env.LBD_NAME + '\\r\\nContent-Length: ' + Buffer.byteLength(body) +
    '\\r\\nConnection: close\\r\\n\\r\\n' + body);
  process.exit(0);
});
process.stdin.on('end', () => process.exit(0));
`;
}

export interface WrappedHttpOptions {
  port: number;
  /** Body for every path but the health path. Default: the host name. */
  body?: string;
  /** Default /health (answers "ok"). */
  healthPath?: string;
}

/** Daemon name tcpd matches (the base name of the answerer). */
export const WRAPPED_HTTP_DAEMON = 'lbd-httpd';

/** An HTTP backend on 0.0.0.0:port of `host` that honours tcp-wrappers through the real tcpd. */
export async function startWrappedHttp(lab: Lab, host: LabHost, o: WrappedHttpOptions): Promise<HostProcess> {
  if (tcpdMissing) throw new LbdError('LBD_ERR_INTERNAL', `lab: ${tcpdMissing}`);
  const dir = join(lab.dir, `tcpd-${host.name}-${o.port}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const daemon = join(dir, WRAPPED_HTTP_DAEMON);
  await writeFile(daemon, answerer());
  await chmod(daemon, 0o755);
  return spawnInHost(host, [process.execPath, '-e', INETD, String(o.port), TCPD, daemon], {
    ready: /ready/,
    env: {
      LBD_NAME: host.name,
      LBD_BODY: o.body ?? host.name,
      LBD_HEALTH_PATH: o.healthPath ?? '/health',
    },
  });
}

/** `workers` busy loops on `host` (an overloaded member). */
export async function startCpuHog(host: LabHost, workers: number): Promise<HostProcess[]> {
  const hogs: HostProcess[] = [];
  for (let i = 0; i < workers; i++) {
    hogs.push(
      await spawnInHost(host, [process.execPath, '-e', "console.log('ready'); for (;;) {}"], {
        ready: /ready/,
      }),
    );
  }
  return hogs;
}

// Busy for `acceptMs` on every new connection before it can accept the next,
// as a single-threaded application with a costly accept path is: under a
// burst the kernel's accept queue fills (FAQ 1.10 step 4). Each request gets
// "ok", so health checks pass between bursts.
const SLOW_ACCEPTOR = `
const http = require('node:http');
const [port, acceptMs] = process.argv.slice(1).map(Number);
const srv = http.createServer((req, res) => res.end('ok\\n'));
srv.on('connection', () => { const until = Date.now() + acceptMs; while (Date.now() < until) {} });
srv.on('error', (e) => { console.error(String(e)); process.exit(1); });
srv.listen({ port, host: '0.0.0.0', backlog: 4096 }, () => console.log('ready'));
`;

/** An HTTP server on 0.0.0.0:port of `host` that spends `acceptMs` on each new connection (its backlog is somaxconn's). */
export function startSlowAcceptor(host: LabHost, port: number, acceptMs: number): Promise<HostProcess> {
  return spawnInHost(host, [process.execPath, '-e', SLOW_ACCEPTOR, String(port), String(acceptMs)], {
    ready: /ready/,
  });
}
