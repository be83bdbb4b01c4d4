// An HTTP backend that can misbehave in every way the FAQ blames on the
// backend side: wrong codes (1.5, 2.8), a health path that needs a Host header
// (2.1/2.2), slowness past member_timeout (504, 1.5/5.6), a keep-alive timeout
// shorter than the load balancer's idle reuse (the 5.6 race that yields 502),
// RST on connect or mid-response and malformed responses (502, 1.5), and an
// echo of the request headers so X-Forwarded-For/X-Real-IP can be checked (3.9).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ListenOptions, RunningServer } from './types.js';

/** Ways a backend can break a single answer. */
export type HttpFault =
  /** Send the status line and part of the body, then RST (FAQ 1.5: 502). */
  | 'reset-mid-response'
  /** Answer with a status line that is not HTTP (FAQ 1.5: 502, malformed response). */
  | 'malformed-status'
  /** Answer with a header line that has no colon and a control byte (FAQ 1.5: 502, invalid header). */
  | 'invalid-header'
  /** Read the request and never answer (FAQ 1.5/5.6: 504 after member_timeout). */
  | 'hang'
  /** Close the connection (FIN) without answering. */
  | 'close';

export interface HttpAnswer {
  /** Default 200. */
  status?: number;
  /** Default: the backend's name followed by a newline. */
  body?: string;
  headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (slow backend). */
  delayMs?: number;
  /** Answer with the request (method, url, headers, remote address) as JSON. */
  echo?: boolean;
  /** A Set-Cookie header value, e.g. `SESSION=abc; Path=/` (APP_COOKIE stickiness, FAQ 3.11). */
  setCookie?: string;
  /**
   * A cookie set to a new value on every answer (`NAME=<random>; Path=/`): an
   * application that issues a fresh session id each time (FAQ 1.11 step 4).
   */
  rotateCookie?: string;
  fault?: HttpFault;
}

export interface HttpRule {
  /** Exact path (query string ignored). Omitted: any path. */
  path?: string;
  /** Host header without port, case-insensitive. Omitted: any host. */
  host?: string;
  answer: HttpAnswer;
}

export interface HttpBackendOptions extends ListenOptions {
  /** Sent as `x-backend` on every answer and the default body, so a client can tell members apart. */
  name?: string;
  /** Shorthand for a rule `{path: healthPath, answer: {status: healthStatus}}` checked first. */
  healthPath?: string;
  /** Default 200. */
  healthStatus?: number;
  /** First match wins. */
  rules?: readonly HttpRule[];
  /** When no rule matches. Default: 200 with the name. */
  default?: HttpAnswer;
  /** What happens to a new connection before any request: `reset` sends an RST at once (FAQ 1.5: 502). */
  onConnect?: 'accept' | 'reset' | 'close';
  /**
   * Idle keep-alive timeout in ms (Node's default is 5 s). Shorter than the
   * load balancer's idle reuse reproduces the FAQ 5.6 race.
   */
  keepAliveTimeoutMs?: number;
}

export interface HttpBackend extends RunningServer {
  readonly name: string;
  readonly url: string;
  /** Requests received (any path, faults included) and TCP connections accepted. */
  stats(): { requests: number; connections: number; byPath: Readonly<Record<string, number>> };
}

/** How long reset-mid-response waits between the partial answer and the RST. */
const RESET_PAUSE_MS = 50;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function startHttpBackend(options: HttpBackendOptions = {}): Promise<HttpBackend> {
  const host = options.host ?? '127.0.0.1';
  const rules: HttpRule[] = [];
  if (options.healthPath)
    rules.push({ path: options.healthPath, answer: { status: options.healthStatus ?? 200 } });
  rules.push(...(options.rules ?? []));
  const sockets = new Set<Socket>();
  const counts = { requests: 0, connections: 0, byPath: {} as Record<string, number> };
  let name = options.name ?? '';

  const server = createServer((req, res) => {
    counts.requests++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    counts.byPath[path] = (counts.byPath[path] ?? 0) + 1;
    const answer = pick(rules, path, hostOf(req)) ?? options.default ?? {};
    void respond(req, res, answer, name);
  });
  // Node's own keep-alive timer fires a second late (it adds a buffer) and
  // announces itself in a Keep-Alive header; a precise, silent timer is what
  // reproduces a backend the load balancer cannot predict (FAQ 5.6).
  const idleMs = options.keepAliveTimeoutMs;
  const idleTimers = new Map<Socket, NodeJS.Timeout>();
  const armIdle = (socket: Socket) => {
    if (idleMs === undefined || socket.destroyed) return;
    clearTimeout(idleTimers.get(socket));
    idleTimers.set(
      socket,
      setTimeout(() => socket.end(), idleMs),
    );
  };
  if (idleMs !== undefined) {
    server.keepAliveTimeout = 0;
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      clearTimeout(idleTimers.get(req.socket));
      res.once('finish', () => armIdle(req.socket));
    });
  }
  // A hung answer must not be cut by Node's own request timeout (default 300 s).
  server.requestTimeout = 0;
  server.on('connection', (socket: Socket) => {
    counts.connections++;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      clearTimeout(idleTimers.get(socket));
      idleTimers.delete(socket);
    });
    armIdle(socket);
    if (options.onConnect === 'reset') socket.resetAndDestroy();
    else if (options.onConnect === 'close') socket.end();
  });
  // Clients that speak garbage (fuzzing through the LB) must not crash the backend.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (!name) name = `backend-${port}`;
  let closing: Promise<void> | undefined;
  return {
    name,
    address: host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stats: () => ({
      requests: counts.requests,
      connections: counts.connections,
      byPath: { ...counts.byPath },
    }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function hostOf(req: IncomingMessage): string {
  const raw = req.headers.host ?? '';
  // "[::1]:80" → "::1", "example.com:80" → "example.com"
  const host = raw.startsWith('[') ? raw.slice(1, raw.indexOf(']')) : raw.replace(/:\d+$/, '');
  return host.toLowerCase();
}

function pick(rules: readonly HttpRule[], path: string, host: string): HttpAnswer | undefined {
  return rules.find(
    (r) =>
      (r.path === undefined || r.path === path) && (r.host === undefined || r.host.toLowerCase() === host),
  )?.answer;
}

async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  a: HttpAnswer,
  name: string,
): Promise<void> {
  // Read the whole request first so a fault never races the request body.
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // The client went away mid-body ("aborted"): nobody is left to answer.
    return;
  }
  if (a.delayMs) await wait(a.delayMs);
  const socket = req.socket;
  if (socket.destroyed) return;
  switch (a.fault) {
    case 'hang':
      return;
    case 'close':
      socket.end();
      return;
    case 'malformed-status':
      socket.end('HTTP/1.1 TWO-HUNDRED Fine\r\nContent-Length: 2\r\n\r\nok');
      return;
    case 'invalid-header':
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nthis line has no colon\x01\r\n\r\nok');
      return;
    case 'reset-mid-response':
      // Promise a long body, send a little of it, then RST: the client sees the
      // head, then ECONNRESET. The pause lets the peer read the head first: an
      // RST that lands while the data still sits unread in the peer's receive
      // queue shows up there as a plain EOF on Linux.
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial', () => {
        setTimeout(() => socket.resetAndDestroy(), RESET_PAUSE_MS).unref();
      });
      return;
    default:
      break;
  }
  const headers: Record<string, string> = { 'x-backend': name, ...a.headers };
  if (a.setCookie) headers['set-cookie'] = a.setCookie;
  if (a.rotateCookie) headers['set-cookie'] = `${a.rotateCookie}=${randomBytes(8).toString('hex')}; Path=/`;
  let body = a.body ?? `${name}\n`;
  if (a.echo) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({
      backend: name,
      method: req.method,
      url: req.url,
      headers: req.headers,
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
      bodyBytes: chunks.reduce((n, c) => n + c.length, 0),
    });
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(a.status ?? 200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
