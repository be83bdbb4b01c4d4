// The HTTP/HTTPS listener: the front socket server with access control (FAQ
// 1.1), TLS termination with SNI and certificate swaps (7.1, 7.3), and a
// ClientConnection per client that speaks HTTP/1.1 on the raw socket (wire/,
// exchange.ts). The load balancer owns the protocol on both sides, as nginx
// does under ELB: every framing decision is its own, and an exchange costs a
// fraction of what node:http plus an HTTP client library would
// (bench/reference-vs-nginx).
import net from 'node:net';
import tls from 'node:tls';
import type { AccessLogWriter } from '../../accesslog/writer.js';
import { LbdError } from '../../errors.js';
import type { IpGroup } from '../../model/inventory.js';
import { checkClientAccess } from '../access-control.js';
import type { ReferenceMetrics } from '../metrics.js';
import type { PoolRuntime, ReferenceLogger } from '../types.js';
import { ClientConnection } from './client-connection.js';
import type { InsertHeaders } from './forward-headers.js';
import { lbAnswer } from './lb-responses.js';
import { clientIpOf, type ListenerContext, NO_TLS, type TlsLogFields } from './listener-context.js';
import { MAX_URI_BYTES } from './request-checks.js';
import type { Router } from './routing.js';
import { UpstreamPool } from './upstream-pool.js';

/** A pool as an L7 listener sees it. */
export interface PoolBinding {
  id: string;
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  runtime: PoolRuntime;
  /** APP_COOKIE stickiness: the cookie the application sets. */
  appCookieName: string | null;
  /** Sticky pools answer 504 on a response timeout instead of trying another member (FAQ 5.6 note). */
  sticky: boolean;
}

export interface HttpTimeouts {
  /** Idle time between requests on a client connection, seconds; 0 closes after each response (5.6). */
  keepaliveSeconds: number;
  /** Time a client has to send its request (header section, and between body bytes), seconds. */
  clientSeconds: number;
  /** Time a member has to start its response, seconds. */
  memberSeconds: number;
  /** Time to open a connection to a member (FAQ 1.5: 5 s). */
  connectMs: number;
}

/** What an HTTPS listener adds: the server TLS options and what to log about a connection. */
export interface ListenerTls {
  serverOptions: tls.TlsOptions;
  /** The certificate id served on this connection (access log). */
  certificateIdFor(socket: tls.TLSSocket): string | null;
  /** Replaces the certificates for new connections (FAQ 7.3). */
  install(server: tls.Server): void;
}

export interface HttpListenerOptions {
  name: string;
  id: string | null;
  protocol: 'HTTP' | 'HTTPS';
  bindAddress: string;
  port: number;
  lbName: string;
  /** The EIP bound to the load balancer (X-Forwarded-ELB-IP, access log). */
  elbIp: string | null;
  timeouts: HttpTimeouts;
  /** Largest request body, bytes (413 above, FAQ 1.5). */
  bodyLimit: number;
  /** Largest request header section, bytes (400 above, FAQ 1.5). */
  maxHeaderBytes: number;
  insert: InsertHeaders;
  ipgroup: IpGroup | null;
  router: Router<PoolBinding>;
  tls?: ListenerTls;
  accessLog?: AccessLogWriter;
  metrics?: ReferenceMetrics;
  logger: ReferenceLogger;
  /** False while the configuration loads: requests get x-router-code 50001 (FAQ 1.6). */
  isReady?: () => boolean;
}

export interface HttpListener {
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly address: string;
  readonly port: number;
  /** The TLS server, for certificate swaps. */
  readonly tlsServer: tls.Server | null;
  /** Client connections open now. */
  activeConnections(): number;
  /** Stops accepting; with drain, lets in-flight requests finish (bounded by `drainMs`). */
  close(opts?: { drain?: boolean; drainMs?: number }): Promise<void>;
}

export async function startHttpListener(o: HttpListenerOptions): Promise<HttpListener> {
  const connections = new Set<ClientConnection>();
  const sockets = new Set<net.Socket>();
  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];
  const clientMs = o.timeouts.clientSeconds * 1000;
  const ctx: ListenerContext = {
    o,
    scheme: o.protocol === 'HTTPS' ? 'https' : 'http',
    pool: new UpstreamPool(o.timeouts.connectMs),
    clientMs,
    keepaliveMs: o.timeouts.keepaliveSeconds * 1000,
    keepAliveHeader: `Keep-Alive: timeout=${o.timeouts.keepaliveSeconds}\r\n`,
    memberMs: o.timeouts.memberSeconds * 1000,
    headLimit: o.maxHeaderBytes + MAX_URI_BYTES + 1024,
    boundPort: o.port,
    closing: false,
    isReady: o.isReady ?? (() => true),
    log(entry) {
      o.accessLog?.write({
        ...entry,
        at: Date.now(),
        topicId: null,
        lbName: o.lbName,
        listenerName: o.name,
        listenerId: o.id,
        tenantId: null,
        eipAddress: o.elbIp,
        eipPort: ctx.boundPort,
      });
    },
    exchangeStarted() {
      inFlight++;
    },
    exchangeEnded() {
      inFlight--;
      if (inFlight === 0) for (const w of idleWaiters.splice(0)) w();
    },
  };

  const track = (socket: net.Socket, fields: TlsLogFields) => {
    const conn = new ClientConnection(ctx, socket, fields, (c) => connections.delete(c));
    connections.add(conn);
  };

  // One sweep over every connection checks its timeouts (client, keep-alive,
  // body, member response): no timer per request, at the price of a quarter
  // of the shortest timeout in precision.
  const shortest = Math.min(clientMs, ctx.memberMs, ...(ctx.keepaliveMs > 0 ? [ctx.keepaliveMs] : []));
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const c of connections) c.checkTimers(now);
    },
    Math.max(20, Math.min(1000, shortest / 4)),
  );
  sweep.unref();

  let tlsServer: tls.Server | null = null;
  if (o.tls) {
    const server = tls.createServer({ ...o.tls.serverOptions, handshakeTimeout: clientMs });
    o.tls.install(server);
    const listenerTls = o.tls;
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      // Read once, now: asking a TLS socket for its certificate after it closed
      // crashes Node 20 (a native null pointer), and 499 lines are written on close.
      const servername = (socket as tls.TLSSocket & { servername?: string | false }).servername;
      track(socket, {
        certificateId: listenerTls.certificateIdFor(socket),
        sslProtocol: socket.getProtocol() ?? null,
        sslCipher: socket.getCipher()?.standardName ?? null,
        sniDomainName: typeof servername === 'string' ? servername : null,
      });
    });
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    tlsServer = server;
  }

  // The front socket server: access control (FAQ 1.1), connection counting, and
  // on HTTPS ports a look at the first byte so plain HTTP gets ELB's 400 (1.5).
  const front = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    const access = checkClientAccess(o.ipgroup, clientIpOf(socket));
    if (!access.allowed) {
      o.metrics?.connectionRefused(o.name, 'access-control');
      socket.destroy();
      return;
    }
    sockets.add(socket);
    o.metrics?.connectionOpened(o.name);
    socket.once('close', () => {
      sockets.delete(socket);
      o.metrics?.connectionClosed(o.name);
    });
    socket.on('error', () => socket.destroy());
    if (!tlsServer) {
      track(socket, NO_TLS);
      socket.resume();
      return;
    }
    const server = tlsServer;
    const sniff = setTimeout(() => socket.destroy(), clientMs);
    socket.once('readable', () => {
      clearTimeout(sniff);
      const chunk: Buffer | null = socket.read();
      if (!chunk) {
        socket.destroy();
        return;
      }
      socket.unshift(chunk);
      // 0x16: a TLS handshake record. Anything else is a plain HTTP request on the HTTPS port.
      if (chunk[0] !== 0x16) {
        socket.end(lbAnswer(400, { close: true }));
        o.metrics?.response(o.name, 400, 'lb');
        return;
      }
      server.emit('connection', socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new LbdError(
            'LBD_ERR_PORT_IN_USE',
            `listener "${o.name}" cannot listen on ${o.bindAddress}:${o.port}: the port is in use`,
            {
              hint: "stop whatever holds the port, or change the listener's protocol_port",
              cause: err,
            },
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new LbdError(
            'LBD_ERR_PERMISSION',
            `listener "${o.name}" may not listen on ${o.bindAddress}:${o.port}`,
            {
              hint: 'ports below 1024 need root or CAP_NET_BIND_SERVICE',
              cause: err,
            },
          ),
        );
      } else reject(err);
    };
    front.once('error', onError);
    front.listen({ host: o.bindAddress, port: o.port }, () => {
      front.off('error', onError);
      resolve();
    });
  });
  const addr = front.address() as net.AddressInfo;
  ctx.boundPort = addr.port;

  return {
    name: o.name,
    protocol: o.protocol,
    address: addr.address,
    port: addr.port,
    tlsServer,
    activeConnections: () => sockets.size,
    async close({ drain = false, drainMs = 30_000 } = {}) {
      ctx.closing = true;
      const stopped = new Promise<void>((r) => front.close(() => r()));
      // Idle connections go now; busy ones end after their response (no keep-alive while closing).
      for (const c of connections) if (!c.exchange) c.destroy();
      if (drain && inFlight > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, drainMs);
          idleWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      clearInterval(sweep);
      for (const c of connections) c.destroy();
      for (const s of sockets) s.destroy();
      ctx.pool.destroy();
      await stopped;
    },
  };
}
