// Shared by the reference HTTP tests: real backends on 127.0.0.1:0, a real Pool,
// an HTTP listener, raw TCP clients for malformed requests. Everything started
// here is closed by the returned cleanup, which the tests register at once.
import http from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { openAccessLog } from '../../../src/accesslog/writer.js';
import type { L7Policy, Pool as PoolConfig } from '../../../src/model/inventory.js';
import { ReferenceMetrics } from '../../../src/reference/metrics.js';
import { insertHeadersFrom } from '../../../src/reference/http/forward-headers.js';
import {
  type HttpListener,
  type HttpListenerOptions,
  type PoolBinding,
  startHttpListener,
} from '../../../src/reference/http/listener.js';
import { Router } from '../../../src/reference/http/routing.js';
import { Pool } from '../../../src/reference/pool.js';

export type Cleanup = () => Promise<void>;

export async function backend(
  handler: http.RequestListener,
  setup?: (s: http.Server) => void,
): Promise<{ port: number; server: http.Server; close: Cleanup }> {
  const server = http.createServer(handler);
  setup?.(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A raw TCP backend: `onSocket` does whatever misbehaviour the test needs. */
export async function rawBackend(
  onSocket: (s: net.Socket) => void,
): Promise<{ port: number; close: Cleanup }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on: connecting gets RST (see test/helpers/net-servers.ts). */
export { closedPort } from '../../helpers/net-servers.js';

export function poolConfig(id: string, ports: number[], extra: Partial<PoolConfig> = {}): PoolConfig {
  return {
    id,
    name: id,
    protocol: 'HTTP',
    lb_algorithm: 'ROUND_ROBIN',
    members: ports.map((p, i) => ({
      name: `m${i}`,
      address: '127.0.0.1',
      protocol_port: p,
      weight: 1,
      admin_state_up: true,
    })),
    ...extra,
  };
}

export function binding(pool: Pool): PoolBinding {
  const sp = pool.config.session_persistence;
  return {
    id: pool.id,
    name: pool.config.name ?? pool.id,
    protocol: pool.config.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
    runtime: pool,
    appCookieName: sp?.type === 'APP_COOKIE' ? (sp.cookie_name ?? null) : null,
    sticky: Boolean(sp),
  };
}

export interface Harness {
  listener: HttpListener;
  port: number;
  pools: Map<string, Pool>;
  log: string[];
  metrics: ReferenceMetrics;
  close: Cleanup;
}

export async function startHarness(opts: {
  pools: PoolConfig[];
  defaultPool?: string | null;
  policies?: L7Policy[];
  listener?: Partial<HttpListenerOptions>;
}): Promise<Harness> {
  const pools = new Map(opts.pools.map((c) => [c.id, new Pool(c, { lbType: 'dedicated' })]));
  const policies = (opts.policies ?? []).map((policy) => {
    const p = pools.get(policy.redirect_pool_id ?? '');
    if (!p) throw new Error(`test policy names unknown pool ${policy.redirect_pool_id}`);
    return { policy, pool: binding(p) };
  });
  const defaultId = opts.defaultPool === undefined ? opts.pools[0]?.id : opts.defaultPool;
  const def = defaultId ? pools.get(defaultId) : undefined;
  const sink = new PassThrough();
  const log: string[] = [];
  let pending = '';
  sink.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    log.push(...lines);
  });
  const metrics = new ReferenceMetrics();
  const listener = await startHttpListener({
    name: 'web',
    id: 'lst-1',
    protocol: 'HTTP',
    bindAddress: '127.0.0.1',
    port: 0,
    lbName: 'lb-test',
    elbIp: '198.51.100.10',
    timeouts: { keepaliveSeconds: 60, clientSeconds: 60, memberSeconds: 60, connectMs: 5000 },
    bodyLimit: 10 * 1024 ** 3,
    maxHeaderBytes: 64 * 1024,
    insert: insertHeadersFrom(null),
    ipgroup: null,
    router: new Router(policies, def ? binding(def) : null),
    accessLog: openAccessLog(sink),
    metrics,
    logger: { info() {}, warn() {} },
    ...opts.listener,
  });
  return {
    listener,
    port: listener.port,
    pools,
    log,
    metrics,
    close: async () => {
      await listener.close();
      for (const p of pools.values()) p.close();
    },
  };
}

export interface RawResponse {
  raw: string;
  status: number | null;
  headers: Record<string, string>;
  body: string;
}

export function parseRaw(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const k = l.indexOf(':');
    if (k > 0) headers[l.slice(0, k).toLowerCase()] = l.slice(k + 1).trim();
  }
  return { raw, status: m ? Number(m[1]) : null, headers, body: end < 0 ? '' : raw.slice(end + 4) };
}

/**
 * Sends raw bytes and collects what comes back until the server closes, or
 * `quietMs` after the first response bytes (keep-alive), or `maxMs` overall.
 */
export function rawRequest(
  port: number,
  payload: string | Buffer,
  { maxMs = 5000, quietMs = 300 }: { maxMs?: number; quietMs?: number } = {},
): Promise<RawResponse & { closed: boolean; reset: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    let quiet: NodeJS.Timeout | undefined;
    let reset = false;
    const done = (closed: boolean) => {
      clearTimeout(quiet);
      clearTimeout(overall);
      s.destroy();
      resolve({ ...parseRaw(buf), closed, reset });
    };
    const overall = setTimeout(() => done(false), maxMs);
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      buf += d;
      clearTimeout(quiet);
      quiet = setTimeout(() => done(false), quietMs);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') reset = true;
    });
    s.on('close', () => done(true));
    s.write(typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload);
  });
}

/** A plain HTTP request through the listener, body collected. */
export function get(
  port: number,
  path: string,
  headers: http.OutgoingHttpHeaders = {},
  body?: string,
  method = body === undefined ? 'GET' : 'POST',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        b += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('test request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A port whose SYNs go unanswered, so connecting times out: a socket that
 * listens with backlog 0 and never accepts (perl, from Debian's essential
 * perl-base, because Node always accepts), its one queue slot taken by a
 * filler connection. Linux then drops further SYNs.
 */
export async function blackholePort(): Promise<{ port: number; close: Cleanup }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(
    'perl',
    [
      '-MSocket',
      '-e',
      // The builtin listen(): IO::Socket would turn a backlog of 0 into 5.
      'socket(S, PF_INET, SOCK_STREAM, 0) or die $!; bind(S, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die $!; listen(S, 0) or die $!; ($p) = unpack_sockaddr_in(getsockname(S)); $|=1; print "$p\\n"; <STDIN>;',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('perl listener did not start')), 5000);
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => {
      clearTimeout(t);
      resolve(Number(d.toString().trim()));
    });
  });
  const filler = net.connect(port, '127.0.0.1');
  filler.on('error', () => {});
  await new Promise<void>((r) => filler.once('connect', () => r()));
  return {
    port,
    close: async () => {
      filler.destroy();
      child.stdin.end();
      if (child.exitCode === null) child.kill();
    },
  };
}
