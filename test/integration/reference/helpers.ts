// Real servers on 127.0.0.1 port 0 for the reference LB's tests; each is
// closed when the test that made it finishes.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { onTestFinished } from 'vitest';

// Ports where nothing listens, from below the ephemeral range: a port bound to 0 and released
// could be handed to a server a parallel test starts, and the "closed" member would answer.
export { closedTcpPort, closedUdpPort } from '../../../src/lab/scenarios/free-port.js';

export interface HttpSeen {
  method: string;
  url: string;
  host: string | undefined;
}

/** An HTTP server answering `status` (or what `handler` decides); records what it received. */
export async function httpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ port: number; seen: HttpSeen[] }> {
  const seen: HttpSeen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host });
    handler(req, res);
  });
  const port = await listen(server);
  onTestFinished(() => close(server));
  return { port, seen };
}

/** A TCP server echoing what it receives, upper-cased (so a test sees it went through the server). */
export async function tcpEcho(
  onSocket?: (s: net.Socket) => void,
): Promise<{ port: number; sockets: Set<net.Socket>; accepted: () => number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (onSocket) return onSocket(s);
    s.on('data', (d) => s.write(d.toString().toUpperCase()));
    s.on('end', () => s.end('BYE'));
  });
  const port = await listen(server);
  onTestFinished(() => close(server, sockets));
  return { port, sockets, accepted: () => accepted };
}

/** A TCP port where nothing listens: connecting gets RST. */

/** A UDP server that answers `reply(msg)` (or stays silent when reply returns null). */
export async function udpServer(
  reply: (msg: Buffer) => Buffer | null,
): Promise<{ port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    received.push(msg);
    const answer = reply(msg);
    if (answer) socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { port: socket.address().port, received };
}

/** A UDP port where nothing listens: the kernel answers ICMP port unreachable. */

/** Resolves with the first value `register` produces, or rejects after `ms`. */
export function waitFor<T>(register: (done: (v: T) => void) => void, ms = 5000, what = 'event'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    register((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function close(server: net.Server, sockets?: Set<net.Socket>): Promise<void> {
  for (const s of sockets ?? []) s.destroy();
  if ('closeAllConnections' in server) (server as http.Server).closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A TCP port whose handshakes never complete: a child process listens with
 * backlog 1 and then blocks its event loop, so it never accepts; once two connections
 * fill the accept queue the kernel drops further SYNs and a
 * connect() hangs — a "member that does not answer" on loopback, without
 * touching the host firewall. The child is killed when the test finishes.
 */
export async function blackholePort(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const code =
    "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{" +
    "process.stdout.write(String(s.address().port)+'\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0)})";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  const port = await waitFor<number>(
    (done) => child.stdout.once('data', (d: Buffer) => done(Number(d.toString().trim()))),
    5000,
    'blackhole port',
  );
  // Fill the accept queue (backlog 1 holds two; Node reads backlog 0 as "default"):
  // these handshakes complete in the kernel, later ones cannot.
  for (let i = 0; i < 2; i++) {
    const filler = net.connect({ host: '127.0.0.1', port });
    filler.on('error', () => {});
    onTestFinished(() => {
      filler.destroy();
    });
    await waitFor<void>((done) => filler.once('connect', () => done()), 5000, 'filler connect');
  }
  return port;
}
