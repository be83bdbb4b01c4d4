// The HTTP/HTTPS listener: terminates the client's connection, answers what the
// load balancer must answer itself (FAQ 1.5, 1.6), picks a member through the
// pool, forwards with X-Forwarded-* headers (3.9, 5.1), streams bodies both
// ways without buffering, retries another member when a connection fails
// (1.9), and applies the three timeouts (5.6). WebSocket upgrades are spliced
// through raw after the backend's answer (5.5).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import type { UpstreamAttempt } from '../../accesslog/elb-line.js';
import type { AccessLogEntry } from '../../accesslog/format.js';
import type { AccessLogWriter } from '../../accesslog/writer.js';
import { LbdError } from '../../errors.js';
import type { IpGroup } from '../../model/inventory.js';
import { checkClientAccess } from '../access-control.js';
import type { ReferenceMetrics } from '../metrics.js';
import type { MemberState, PoolRuntime, ReferenceLogger } from '../types.js';
import { formatSetCookie, parseCookieHeader, setCookieValue } from './cookies.js';
import { endToEndHeaders, type InsertHeaders, requestHeadersForBackend } from './forward-headers.js';
import { type LbAnswerOptions, RouterCode, rawLbAnswer, sendLbAnswer } from './lb-responses.js';
import { checkRequest, classifyParserError, parserHeaderLimit } from './request-checks.js';
import { hostWithoutPort, type Router } from './routing.js';
import { UpstreamAgents } from './upstream-agents.js';

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

function clientIpOf(socket: net.Socket): string {
  const ip = socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** A request target in origin form for the backend (`GET http://h/p` → `/p`). */
function originForm(url: string): { path: string; hostFromUrl: string | null } {
  if (url.startsWith('/') || url === '*') return { path: url, hostFromUrl: null };
  try {
    const u = new URL(url);
    return { path: `${u.pathname}${u.search}`, hostFromUrl: u.host };
  } catch {
    return { path: url, hostFromUrl: null };
  }
}

function headerValues(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) out.push(raw[i + 1] ?? '');
  return out;
}

const secsSince = (t0: number) => Math.max(0, (performance.now() - t0) / 1000);

class ProxyFailure extends Error {
  constructor(
    readonly kind: 'connect-timeout' | 'response-timeout',
    message: string,
  ) {
    super(message);
  }
}

export async function startHttpListener(o: HttpListenerOptions): Promise<HttpListener> {
  const agents = new UpstreamAgents(o.timeouts.connectMs);
  const sockets = new Set<net.Socket>();
  const tunnels = new Set<net.Socket>();
  let inFlight = 0;
  let closing = false;
  const idleWaiters: (() => void)[] = [];
  const isReady = o.isReady ?? (() => true);
  const scheme = o.protocol === 'HTTPS' ? 'https' : 'http';
  const clientMs = o.timeouts.clientSeconds * 1000;
  /** The port actually bound (o.port may be 0). */
  let boundPort = o.port;

  const serverOptions: http.ServerOptions = {
    maxHeaderSize: parserHeaderLimit(o.maxHeaderBytes),
    // We answer a missing Host ourselves, with the load balancer's page.
    requireHostHeader: false,
    headersTimeout: clientMs,
    // The body is timed between reads instead (below): a 10 GB upload may take long, a stalled one may not.
    requestTimeout: 0,
    keepAliveTimeout: o.timeouts.keepaliveSeconds * 1000,
    // How often Node checks header timeouts; a fraction of the timeout keeps 408 close to it.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, clientMs / 4)),
  };
  const server: http.Server = o.tls
    ? https.createServer({ ...serverOptions, ...o.tls.serverOptions })
    : http.createServer(serverOptions);
  if (o.tls) o.tls.install(server as unknown as tls.Server);

  const doneOne = () => {
    inFlight--;
    if (inFlight === 0) for (const w of idleWaiters.splice(0)) w();
  };

  function writeLog(
    entry: Omit<AccessLogEntry, 'lbName' | 'listenerName' | 'listenerId' | 'tenantId' | 'topicId' | 'at'>,
  ): void {
    o.accessLog?.write({
      ...entry,
      at: Date.now(),
      topicId: null,
      lbName: o.lbName,
      listenerName: o.name,
      listenerId: o.id,
      tenantId: null,
    });
  }

  interface TlsLogFields {
    certificateId: string | null;
    sslProtocol: string | null;
    sslCipher: string | null;
    sniDomainName: string | null;
  }
  const noTls: TlsLogFields = {
    certificateId: null,
    sslProtocol: null,
    sslCipher: null,
    sniDomainName: null,
  };
  // Read once when the handshake completes: asking a TLS socket for its
  // certificate after it closed crashes Node 20 (a native null pointer), and
  // access-log lines are often written on close (499).
  const tlsInfo = new WeakMap<net.Socket, TlsLogFields>();
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const servername = (socket as tls.TLSSocket & { servername?: string | false }).servername;
    tlsInfo.set(socket, {
      certificateId: o.tls?.certificateIdFor(socket) ?? null,
      sslProtocol: socket.getProtocol() ?? null,
      sslCipher: socket.getCipher()?.standardName ?? null,
      sniDomainName: typeof servername === 'string' ? servername : null,
    });
  });
  const tlsFields = (socket: net.Socket): TlsLogFields => tlsInfo.get(socket) ?? noTls;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    const t0 = performance.now();
    const clientIp = clientIpOf(req.socket);
    const clientPort = req.socket.remotePort ?? 0;
    const attempts: UpstreamAttempt[] = [];
    const { path, hostFromUrl } = originForm(req.url ?? '/');
    const hostHeader = hostFromUrl ?? req.headers.host ?? '';
    let requestBytes = 0;
    let bodyBytesSent = 0;
    let answeredBy: 'lb' | 'backend' = 'lb';
    let routerCode: string | undefined;
    let pool: PoolBinding | null = null;
    let member: MemberState | null = null;
    let finished = false;
    if (closing || o.timeouts.keepaliveSeconds === 0) res.shouldKeepAlive = false;
    // $request_length: the request line and header section as received (canonical spacing), plus the body.
    let headerBytes = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n\r\n`.length;
    // `name: value\r\n` per header; latin1 is a byte per character, so lengths add up without building the line.
    const rawHeaders = req.rawHeaders;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      headerBytes += (rawHeaders[i] ?? '').length + (rawHeaders[i + 1] ?? '').length + 4;
    }
    // $bytes_sent: what this response put on the client connection, headers included.
    const writtenBefore = req.socket.bytesWritten;

    const finish = () => {
      if (finished) return;
      finished = true;
      // 499: the client left before the response started (FAQ 1.5, 7.9); it exists only in logs.
      const status = res.headersSent ? res.statusCode : 499;
      o.metrics?.response(o.name, status, answeredBy, routerCode);
      // Without an access log there is no line to build (its fields cost a few allocations per request).
      if (o.accessLog)
        writeLog({
          clientAddress: clientIp,
          clientPort,
          status,
          method: req.method ?? '-',
          scheme,
          host: hostHeader || '-',
          uri: path,
          protocol: `HTTP/${req.httpVersion}`,
          requestLength: headerBytes + requestBytes,
          bytesSent: Math.max(0, req.socket.bytesWritten - writtenBefore),
          bodyBytesSent,
          requestTime: secsSince(t0),
          upstream: attempts,
          userAgent: req.headers['user-agent'] ?? null,
          referer: req.headers.referer ?? null,
          xForwardedFor: headerValues(req.rawHeaders, 'x-forwarded-for').join(', ') || null,
          poolName: pool?.name ?? null,
          memberName: member?.name ?? null,
          eipAddress: o.elbIp,
          eipPort: boundPort,
          upstreamAddrPriv: attempts.map((a) => a.addr).join(', ') || null,
          tcpinfoRtt: null,
          selfDefinedHeader: null,
          ...tlsFields(req.socket),
        });
      doneOne();
    };
    res.on('finish', finish);
    res.on('close', finish);

    const answer = (status: number, opts: LbAnswerOptions = {}) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      answeredBy = 'lb';
      routerCode = opts.routerCode;
      sendLbAnswer(res, status, opts);
    };

    if (!isReady()) return answer(503, { routerCode: RouterCode.configurationLoading, close: true });
    const verdict = checkRequest(req, { bodyLimit: o.bodyLimit, maxHeaderBytes: o.maxHeaderBytes });
    if (!verdict.ok) return answer(verdict.status, { close: true, reason: verdict.reason });
    // `OPTIONS *` (asterisk form): undici sends only paths that start with "/", and nginx,
    // on which ELB's layer 7 is built, answers 400 to this form itself.
    if (path === '*') return answer(400, { close: true, reason: 'asterisk-form request target' });
    const hasBody = verdict.chunked || (verdict.contentLength ?? 0) > 0;
    const route = o.router.route(hostWithoutPort(hostHeader), path.split('?', 1)[0] ?? '/');
    if (!route) return answer(503, { routerCode: RouterCode.defaultPoolEmpty, close: hasBody });
    pool = route.pool;
    const binding = route.pool;
    const emptyCode = route.policy ? RouterCode.policyPoolEmpty : RouterCode.defaultPoolEmpty;
    const cookies = parseCookieHeader(headerValues(req.rawHeaders, 'cookie'));
    const exclude = new Set<string>();
    let lastFailure: 502 | 504 = 502;
    let bodyStarted = false;

    const tryNext = () => {
      const pick = binding.runtime.pick({ clientIp, clientPort, cookies, now: Date.now() }, exclude);
      if (!pick.member) {
        if (attempts.length > 0) return answer(lastFailure, { close: hasBody });
        if (pick.reason === 'empty') return answer(503, { routerCode: emptyCode, close: hasBody });
        return answer(503, { routerCode: RouterCode.allMembersUnavailable, close: hasBody });
      }
      const m = pick.member;
      member = m;
      exclude.add(m.key);
      const release = binding.runtime.acquire(m);
      let released = false;
      const releaseOnce = () => {
        if (!released) {
          released = true;
          release();
        }
      };
      const attempt: UpstreamAttempt = {
        status: null,
        connectTime: null,
        headerTime: null,
        responseTime: null,
        addr: `${m.address}:${m.port}`,
      };
      attempts.push(attempt);
      const ta = performance.now();
      const headers = requestHeadersForBackend(
        req.rawHeaders,
        { clientIp, clientPort, proto: scheme, listenerPort: boundPort, elbIp: o.elbIp, insert: o.insert },
        // Node already answered 100 Continue to the client.
        ['expect'],
      );
      // undici frames the body itself: this Content-Length, or chunked when there is none.
      if (verdict.contentLength !== null) headers.push('Content-Length', String(verdict.contentLength));
      // The body reaches undici through a stream of its own: undici would send a Content-Length
      // for a chunked body that already arrived whole, and destroying a request body it was
      // given detaches the client's socket from `req` (which the access log still reads).
      const body = hasBody ? new PassThrough() : null;
      let connected = false;
      let responded = false;
      /** The backend's answer arrived after the load balancer answered (413/408 race): dropped. */
      let dropped = false;
      let abort: ((err?: Error) => void) | null = null;
      let abortWhenConnected = false;
      /** Stops the exchange with the member; before the connection exists, as soon as it does. */
      const cancel = (err?: Error) => {
        if (abort) abort(err);
        else abortWhenConnected = true;
      };
      let resumeUpstream: (() => void) | null = null;
      const onDrain = () => resumeUpstream?.();
      let responseTimer: NodeJS.Timeout | undefined;
      let bodyTimer: NodeJS.Timeout | undefined;
      const clearTimers = () => {
        clearTimeout(responseTimer);
        clearTimeout(bodyTimer);
      };
      const onClientGone = () => {
        if (!res.writableFinished) {
          clearTimers();
          cancel();
          releaseOnce();
        }
      };
      res.once('close', onClientGone);

      const onConnected = (abortFn: (err?: Error) => void) => {
        abort = abortFn;
        if (abortWhenConnected) {
          abortFn();
          return;
        }
        if (connected) return;
        connected = true;
        attempt.connectTime = secsSince(ta);
        o.metrics?.backendAttempt(binding.name, m.name, 'connected');
        responseTimer = setTimeout(
          () =>
            cancel(new ProxyFailure('response-timeout', `no response within ${o.timeouts.memberSeconds} s`)),
          o.timeouts.memberSeconds * 1000,
        );
        if (!hasBody) return;
        // undici starts reading the body right after this callback.
        bodyStarted = true;
        let total = 0;
        const armBodyTimer = () => {
          clearTimeout(bodyTimer);
          bodyTimer = setTimeout(() => {
            // FAQ 5.6 request timeout: the client stopped sending its body.
            answer(408, { close: true, reason: 'client stopped sending the body' });
            cancel();
          }, clientMs);
        };
        armBodyTimer();
        req.on('data', (chunk: Buffer) => {
          total += chunk.length;
          requestBytes += chunk.length;
          armBodyTimer();
          if (total > o.bodyLimit) {
            clearTimers();
            answer(413, { close: true, reason: `body exceeds ${o.bodyLimit} bytes` });
            cancel();
            req.destroy();
          }
        });
        req.on('end', () => clearTimeout(bodyTimer));
        // Only now, with the byte count above in place, does the body start to flow.
        if (body) req.pipe(body);
      };

      const onFailed = (err: Error) => {
        clearTimers();
        releaseOnce();
        res.off('close', onClientGone);
        if (responded) {
          // Reset mid-response (FAQ 1.5 502 case): the status is already sent, so cut the client off.
          attempt.responseTime = secsSince(ta);
          res.destroy();
          return;
        }
        if (res.writableEnded || res.destroyed) return;
        const code = (err as NodeJS.ErrnoException).code;
        const timedOut = err instanceof ProxyFailure || code === 'UND_ERR_CONNECT_TIMEOUT';
        lastFailure = timedOut ? 504 : 502;
        if (!connected) {
          o.metrics?.backendAttempt(binding.name, m.name, timedOut ? 'connect-timeout' : 'connect-failed');
          o.logger.warn('member connection failed', {
            listener: o.name,
            member: attempt.addr,
            error: code === 'UND_ERR_CONNECT_TIMEOUT' ? `connect to ${attempt.addr} timed out` : err.message,
          });
          if (!bodyStarted) return tryNext();
        } else {
          o.metrics?.backendAttempt(binding.name, m.name, timedOut ? 'response-timeout' : 'failed');
          // FAQ 5.6: a response timeout tries other members unless the session is sticky;
          // only a request without a body can be sent twice.
          if (timedOut && !hasBody && !binding.sticky) {
            attempt.responseTime = secsSince(ta);
            return tryNext();
          }
        }
        answer(lastFailure, { close: hasBody });
      };

      // undici's handler callbacks (connect, headers, data, complete, error): the
      // response streams to the client as it arrives, paused while the client is slow.
      agents.get(binding.protocol, m.address, m.port).dispatch(
        { method: req.method ?? 'GET', path, headers, body },
        {
          onConnect: onConnected,
          onHeaders: (statusCode: number, raw: Buffer[], resume: () => void, statusText: string) => {
            // 1xx informational answers stay between the load balancer and the member.
            if (statusCode < 200) return true;
            responded = true;
            clearTimeout(responseTimer);
            attempt.headerTime = secsSince(ta);
            attempt.status = statusCode;
            answeredBy = 'backend';
            const rawHeaders: string[] = new Array(raw.length);
            for (let i = 0; i < raw.length; i++) rawHeaders[i] = raw[i]?.toString('latin1') ?? '';
            const out = endToEndHeaders(rawHeaders);
            if (binding.appCookieName) {
              for (const sc of headerValues(rawHeaders, 'set-cookie')) {
                const v = setCookieValue(sc, binding.appCookieName);
                if (v !== undefined) binding.runtime.learnAppCookie(v, m, Date.now());
              }
            }
            if (pick.setCookie) out.push('Set-Cookie', formatSetCookie(pick.setCookie));
            if (res.headersSent) {
              // The LB already answered (413/408 race): drop the backend's answer.
              dropped = true;
              return true;
            }
            try {
              res.writeHead(statusCode, statusText, out);
            } catch (err) {
              // Node refused to send these headers (a byte its parser let through): as a
              // malformed response, not one that started (undici hands the error to onFailed).
              responded = false;
              attempt.status = null;
              answeredBy = 'lb';
              throw err;
            }
            resumeUpstream = resume;
            return true;
          },
          onData: (chunk: Buffer) => {
            if (dropped) return true;
            bodyBytesSent += chunk.length;
            if (res.destroyed) return true;
            if (res.write(chunk)) return true;
            res.once('drain', onDrain);
            return false;
          },
          onComplete: () => {
            if (!dropped) res.end();
            attempt.responseTime = secsSince(ta);
            releaseOnce();
          },
          onError: onFailed,
        },
      );
    };
    tryNext();
  };
  server.on('request', onRequest);
  // Expect: 100-continue — say "go on" only to a request the load balancer will
  // accept; one it refuses (413 for a declared body over the limit, …) is
  // answered at once, before the client sends the body.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const verdict = checkRequest(req, { bodyLimit: o.bodyLimit, maxHeaderBytes: o.maxHeaderBytes });
    if (verdict.ok && isReady()) res.writeContinue();
    onRequest(req, res);
  });

  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: net.Socket) => {
    // Node keeps the request target collected so far on the parser (`_url`, not a
    // public API): the only way to tell a huge URI (414) from huge headers (400)
    // once the parser overflowed. Without it the answer is 400.
    const partialUrl = (socket as net.Socket & { parser?: { _url?: unknown } }).parser?._url;
    const verdict = classifyParserError(err, typeof partialUrl === 'string' ? partialUrl.length : 0);
    const busy = (socket as net.Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (!verdict || !socket.writable || busy?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawLbAnswer(verdict.status));
    o.metrics?.response(o.name, verdict.status, 'lb');
    const first = (err.rawPacket?.toString('latin1') ?? '').split('\r\n', 1)[0] ?? '';
    const [method, target, version] = first.split(' ');
    writeLog({
      clientAddress: clientIpOf(socket),
      clientPort: socket.remotePort ?? null,
      status: verdict.status,
      method: method && /^[A-Z]+$/.test(method) ? method : '-',
      scheme,
      host: '-',
      uri: target && target.length < 2048 ? target : '-',
      protocol: version && /^HTTP\/\d\.\d$/.test(version) ? version : '-',
      requestLength: err.rawPacket?.length ?? null,
      bytesSent: null,
      bodyBytesSent: 0,
      requestTime: null,
      upstream: [],
      userAgent: null,
      referer: null,
      xForwardedFor: null,
      poolName: null,
      memberName: null,
      eipAddress: o.elbIp,
      eipPort: boundPort,
      upstreamAddrPriv: null,
      tcpinfoRtt: null,
      selfDefinedHeader: null,
      ...tlsFields(socket),
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: net.Socket, head: Buffer) => {
    // WebSocket (FAQ 5.5): forward the upgrade request, then splice raw bytes
    // both ways; the backend's own answer (101 or not) passes through as is.
    const t0 = performance.now();
    const clientIp = clientIpOf(socket);
    const attempts: UpstreamAttempt[] = [];
    const { path, hostFromUrl } = originForm(req.url ?? '/');
    const host = hostFromUrl ?? req.headers.host ?? '';
    let status = 0;
    let bytesUp = 0;
    let bytesDown = 0;
    let poolName: string | null = null;
    let memberName: string | null = null;
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      o.metrics?.response(o.name, status || 499, attempts.some((a) => a.status !== null) ? 'backend' : 'lb');
      writeLog({
        clientAddress: clientIp,
        clientPort: socket.remotePort ?? null,
        status: status || 499,
        method: req.method ?? 'GET',
        scheme,
        host: host || '-',
        uri: path,
        protocol: `HTTP/${req.httpVersion}`,
        requestLength: bytesUp,
        bytesSent: bytesDown,
        bodyBytesSent: bytesDown,
        requestTime: secsSince(t0),
        upstream: attempts,
        userAgent: req.headers['user-agent'] ?? null,
        referer: req.headers.referer ?? null,
        xForwardedFor: headerValues(req.rawHeaders, 'x-forwarded-for').join(', ') || null,
        poolName,
        memberName,
        eipAddress: o.elbIp,
        eipPort: boundPort,
        upstreamAddrPriv: attempts.map((a) => a.addr).join(', ') || null,
        tcpinfoRtt: null,
        selfDefinedHeader: null,
        ...tlsFields(socket),
      });
    };
    const fail = (code: number, routerCode?: RouterCode) => {
      status = code;
      socket.end(rawLbAnswer(code, routerCode));
      log();
    };
    if (!isReady()) return fail(503, RouterCode.configurationLoading);
    const verdict = checkRequest(req, { bodyLimit: o.bodyLimit, maxHeaderBytes: o.maxHeaderBytes });
    if (!verdict.ok) return fail(verdict.status);
    const route = o.router.route(hostWithoutPort(host), path.split('?', 1)[0] ?? '/');
    if (!route) return fail(503, RouterCode.defaultPoolEmpty);
    poolName = route.pool.name;
    const exclude = new Set<string>();
    const cookies = parseCookieHeader(headerValues(req.rawHeaders, 'cookie'));
    socket.on('error', () => socket.destroy());
    const tryNext = (): void => {
      const pick = route.pool.runtime.pick(
        { clientIp, clientPort: socket.remotePort ?? 0, cookies, now: Date.now() },
        exclude,
      );
      if (!pick.member) {
        if (attempts.length > 0) fail(502);
        else if (pick.reason === 'empty')
          fail(503, route.policy ? RouterCode.policyPoolEmpty : RouterCode.defaultPoolEmpty);
        else fail(503, RouterCode.allMembersUnavailable);
        return;
      }
      const m = pick.member;
      memberName = m.name;
      exclude.add(m.key);
      const release = route.pool.runtime.acquire(m);
      const attempt: UpstreamAttempt = {
        status: null,
        connectTime: null,
        headerTime: null,
        responseTime: null,
        addr: `${m.address}:${m.port}`,
      };
      attempts.push(attempt);
      const ta = performance.now();
      const upstream =
        route.pool.protocol === 'HTTPS'
          ? tls.connect({ host: m.address, port: m.port, rejectUnauthorized: false })
          : net.connect({ host: m.address, port: m.port });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), o.timeouts.connectMs);
      let connected = false;
      upstream.once(route.pool.protocol === 'HTTPS' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        connected = true;
        attempt.connectTime = secsSince(ta);
        const headers = requestHeadersForBackend(req.rawHeaders, {
          clientIp,
          clientPort: socket.remotePort ?? 0,
          proto: scheme,
          listenerPort: boundPort,
          elbIp: o.elbIp,
          insert: o.insert,
        });
        // Upgrade and Connection are hop-by-hop, but an upgrade must carry them to the backend.
        headers.push('Connection', 'Upgrade', 'Upgrade', req.headers.upgrade ?? 'websocket');
        let headText = `${req.method} ${path} HTTP/1.1\r\n`;
        for (let i = 0; i + 1 < headers.length; i += 2) headText += `${headers[i]}: ${headers[i + 1]}\r\n`;
        upstream.write(`${headText}\r\n`);
        if (head.length) upstream.write(head);
        tunnels.add(socket);
        upstream.once('data', (first: Buffer) => {
          // The backend's status line, for the access log and metrics.
          const code = /^HTTP\/1\.[01] (\d{3})/.exec(first.toString('latin1', 0, 16))?.[1];
          attempt.headerTime = secsSince(ta);
          attempt.status = code ? Number(code) : null;
          status = attempt.status ?? 502;
        });
        upstream.on('data', (d: Buffer) => {
          bytesDown += d.length;
        });
        socket.on('data', (d: Buffer) => {
          bytesUp += d.length;
        });
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      upstream.on('error', () => {
        clearTimeout(timer);
        if (!connected) {
          o.metrics?.backendAttempt(route.pool.name, m.name, 'connect-failed');
          upstream.destroy();
          return;
        }
        socket.destroy();
      });
      upstream.once('close', () => {
        clearTimeout(timer);
        release();
        if (!connected) {
          // FAQ 1.9: a member that cannot be reached is skipped for the next one.
          if (!socket.destroyed) tryNext();
          return;
        }
        attempt.responseTime = secsSince(ta);
        tunnels.delete(socket);
        socket.destroy();
        log();
      });
      socket.once('close', () => {
        upstream.destroy();
        log();
      });
    };
    tryNext();
  });

  // The front socket server: access control (FAQ 1.1), connection counting, and
  // on HTTPS ports a look at the first byte so plain HTTP gets ELB's 400 (1.5).
  const front = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    const ip = clientIpOf(socket);
    const access = checkClientAccess(o.ipgroup, ip);
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
    if (!o.tls) {
      server.emit('connection', socket);
      socket.resume();
      return;
    }
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
        socket.end(rawLbAnswer(400));
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
  boundPort = addr.port;
  // The HTTP server gets its connections from `front` and never listens itself;
  // Node starts checking header timeouts (408) on its 'listening' event.
  server.emit('listening');

  return {
    name: o.name,
    protocol: o.protocol,
    address: addr.address,
    port: addr.port,
    tlsServer: o.tls ? (server as unknown as tls.Server) : null,
    activeConnections: () => sockets.size,
    async close({ drain = false, drainMs = 30_000 } = {}) {
      closing = true;
      const stopped = new Promise<void>((r) => front.close(() => r()));
      server.closeIdleConnections();
      if (drain && inFlight > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, drainMs);
          idleWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      server.closeAllConnections();
      // Stops Node's timeout checks; the server never listened, so the callback's error is expected.
      server.close(() => {});
      for (const s of [...sockets, ...tunnels]) s.destroy();
      agents.destroy();
      await stopped;
    },
  };
}
