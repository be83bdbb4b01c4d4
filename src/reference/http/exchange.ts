// One request and its response through an HTTP/HTTPS listener: the load
// balancer's own answers (FAQ 1.5, 1.6), a member picked through the pool,
// the request forwarded with X-Forwarded-* headers (3.9, 5.1) and canonical
// framing, bodies streamed both ways with backpressure and never buffered,
// another member tried when a connection fails (1.9), member_timeout (5.6),
// 499 when the client leaves first (7.9), and WebSocket upgrades spliced
// through raw (5.5).
import { performance } from 'node:perf_hooks';
import type { UpstreamAttempt } from '../../accesslog/elb-line.js';
import type { MemberState, PickContext } from '../types.js';
import type { ClientConnection } from './client-connection.js';
import { formatSetCookie, parseCookieHeader, setCookieValue } from './cookies.js';
import { backendDropSet, endToEndHeaderLines, requestHeaderLines } from './forward-headers.js';
import { type LbAnswerOptions, lbAnswer, RouterCode } from './lb-responses.js';
import type { PoolBinding } from './listener.js';
import {
  headerValue,
  headerValues,
  originForm,
  type RequestFacts,
  requestFacts,
  secsSince,
} from './listener-context.js';
import { checkRequest } from './request-checks.js';
import { ConnectTimeoutError, type UpstreamConnection, type UpstreamOwner } from './upstream-pool.js';
import { appendBytes } from './wire/append.js';
import { ChunkedDecoder } from './wire/chunked.js';
import { findHeadEnd } from './wire/head-end.js';
import type { RequestHead } from './wire/request-head.js';
import {
  type BodyFraming,
  parseResponseHead,
  type ResponseHead,
  responseFraming,
  responseKeepsConnection,
} from './wire/response-head.js';

/** A member's response head larger than this is treated as malformed (nginx: proxy_buffer_size). */
const MAX_RESPONSE_HEAD = 64 * 1024;
const CRLF = '\r\n';
/** Response bodies up to this size go out in one string with their head (see sendToClient). */
const SMALL_BODY = 8 * 1024;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
/** Response headers the listener frames itself. */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length']);
const NONE: ReadonlySet<string> = new Set();
/** The listener answered 100 Continue itself. */
const DROP_FOR_BACKEND = backendDropSet(['expect']);

class ResponseTimeout extends Error {}

export class Exchange implements UpstreamOwner {
  private readonly t0 = performance.now();
  private readonly method: string;
  private path = '/';
  private host = '';
  /** The host of an absolute-form target: it replaces the client's Host (RFC 9112 3.2.2). */
  private hostFromUrl: string | null = null;
  private binding: PoolBinding | null = null;
  private member: MemberState | null = null;
  private readonly attempts: UpstreamAttempt[] = [];
  private attempt: UpstreamAttempt | null = null;
  private attemptStart = 0;
  private firstTried: string | null = null;
  private exclude: Set<string> | null = null;
  private cookies: Record<string, string> | null = null;
  private setCookie: string | null = null;
  private emptyCode: RouterCode = RouterCode.defaultPoolEmpty;
  private lastFailure: 502 | 504 = 502;
  private answeredBy: 'lb' | 'backend' = 'lb';
  private routerCode: string | undefined;
  /** The status the client got (0: nothing sent yet). */
  private status = 0;
  private finished = false;
  /** The client connection may carry another request after this one. */
  private keepAlive: boolean;

  // Request body.
  private hasBody = false;
  private chunked: ChunkedDecoder | null = null;
  private bodyLeft = 0;
  /** The client's Content-Length, canonical; null for chunked or none. Forwarded even when 0 (nginx does). */
  private declaredLength: number | null = null;
  /** Body bytes have started to flow to a member: the request can no longer be sent elsewhere. */
  private bodyStarted = false;
  private bodyDone = true;
  private requestBytes = 0;

  // The member side.
  private upstream: UpstreamConnection | null = null;
  private cancelConnect: (() => void) | null = null;
  private releaseMember: (() => void) | null = null;
  /** The member connection came from the idle pool (it may have been closed under us). */
  private reusedConnection = false;
  private retriedStale = false;
  private responseDeadline = 0;
  /** Set once the first byte of a response arrived on this attempt. */
  private responseBytes = false;

  // The response.
  private rbuf: Buffer | null = null;
  private rscan = 0;
  private framing: BodyFraming = { kind: 'none' };
  private respHead: ResponseHead | null = null;
  private respLeft = 0;
  private respDecoder: ChunkedDecoder | null = null;
  /** An HTTP/1.0 client gets a chunked response decoded, delimited by closing. */
  private dechunk = false;
  /** Bytes past the end of the response (a misbehaving member): its connection is not reused. */
  private surplus = false;
  /** The response head, written together with the first body bytes. */
  private pendingHead: string | null = null;
  private bytesSent = 0;
  private bodyBytesSent = 0;

  /** A WebSocket (or other upgrade) tunnel: raw bytes both ways. */
  tunnelling = false;
  private readonly facts: RequestFacts;

  constructor(
    private readonly conn: ClientConnection,
    private readonly req: RequestHead,
  ) {
    this.method = req.method;
    const facts = requestFacts(req);
    this.facts = facts;
    // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when asked (RFC 9112 9.3).
    this.keepAlive =
      conn.ctx.keepaliveMs > 0 &&
      !conn.ctx.closing &&
      (req.versionMinor >= 1 ? !facts.close : facts.keepAlive);
  }

  /** A status line went to the client (from the member or the load balancer). */
  private get responded(): boolean {
    return this.status !== 0;
  }

  /** The client is sending a body the listener reads now. */
  get readingBody(): boolean {
    return this.bodyStarted && !this.bodyDone;
  }

  start(): void {
    const ctx = this.conn.ctx;
    const o = ctx.o;
    ctx.exchangeStarted();
    if (!ctx.isReady()) {
      this.answer(503, { routerCode: RouterCode.configurationLoading, close: true });
      return;
    }
    const req = this.req;
    const verdict = checkRequest(req, { bodyLimit: o.bodyLimit, maxHeaderBytes: o.maxHeaderBytes });
    if (!verdict.ok) {
      this.answer(verdict.status, { close: true, reason: verdict.reason });
      return;
    }
    const { path, hostFromUrl } = originForm(req.target);
    this.path = path;
    this.hostFromUrl = hostFromUrl;
    this.host = hostFromUrl ?? this.facts.host ?? '';
    // `OPTIONS *` (asterisk form): nginx, on which ELB's layer 7 is built, answers 400 to it itself.
    if (path === '*') {
      this.answer(400, { close: true, reason: 'asterisk-form request target' });
      return;
    }
    if (verdict.chunked) {
      this.hasBody = true;
      this.chunked = new ChunkedDecoder();
    } else if (verdict.contentLength !== null) {
      this.declaredLength = verdict.contentLength;
      this.bodyLeft = verdict.contentLength;
      this.hasBody = verdict.contentLength > 0;
    }
    this.bodyDone = !this.hasBody;
    const route = o.router.routeRequest(this.host, path);
    if (!route) {
      this.answer(503, { routerCode: RouterCode.defaultPoolEmpty, close: this.hasBody });
      return;
    }
    this.binding = route.pool;
    this.emptyCode = route.policy ? RouterCode.policyPoolEmpty : RouterCode.defaultPoolEmpty;
    // Expect: 100-continue: "go on" only to a request the load balancer accepted (a refused one was answered above).
    if (this.hasBody && req.versionMinor >= 1 && this.facts.expectContinue) this.conn.write(CONTINUE);
    this.tryNext();
  }

  // ── choosing and reaching a member ────────────────────────────────────────

  private tryNext(): void {
    const binding = this.binding as PoolBinding;
    // Only sticky pools read cookies (LB or application cookie, FAQ 6.1).
    if (binding.sticky) this.cookies ??= parseCookieHeader(headerValues(this.req, 'cookie'));
    // Members already tried (FAQ 1.9): a set only once a retry needs one.
    if (this.firstTried !== null && this.exclude === null) this.exclude = new Set([this.firstTried]);
    const pickContext: PickContext = {
      clientIp: this.conn.clientIp,
      clientPort: this.conn.clientPort,
      now: Date.now(),
    };
    if (this.cookies) pickContext.cookies = this.cookies;
    const pick = binding.runtime.pick(pickContext, this.exclude ?? undefined);
    if (!pick.member) {
      if (this.attempts.length > 0) {
        this.answer(this.lastFailure, { close: this.hasBody });
        return;
      }
      if (pick.reason === 'empty') {
        this.answer(503, { routerCode: this.emptyCode, close: this.hasBody });
        return;
      }
      this.answer(503, { routerCode: RouterCode.allMembersUnavailable, close: this.hasBody });
      return;
    }
    const m = pick.member;
    this.member = m;
    if (this.exclude) this.exclude.add(m.key);
    else this.firstTried = m.key;
    this.setCookie = pick.setCookie ? formatSetCookie(pick.setCookie) : null;
    this.releaseMember = binding.runtime.acquire(m);
    this.attempt = {
      status: null,
      connectTime: null,
      headerTime: null,
      responseTime: null,
      addr: `${m.address}:${m.port}`,
    };
    this.attempts.push(this.attempt);
    this.attemptStart = performance.now();
    this.retriedStale = false;
    this.connect(this.facts.upgrade !== null);
  }

  private connect(fresh: boolean): void {
    const m = this.member as MemberState;
    this.cancelConnect = this.conn.ctx.pool.acquire(
      (this.binding as PoolBinding).protocol,
      m,
      this,
      (err, up) => {
        this.cancelConnect = null;
        if (this.finished) {
          if (up) this.conn.ctx.pool.release(up, true);
          return;
        }
        if (err || !up) this.onFailed(err ?? new Error('no connection'));
        else this.onConnected(up);
      },
      fresh,
    );
  }

  private onConnected(up: UpstreamConnection): void {
    const ctx = this.conn.ctx;
    const binding = this.binding as PoolBinding;
    const m = this.member as MemberState;
    const attempt = this.attempt as UpstreamAttempt;
    this.upstream = up;
    this.reusedConnection = up.uses > 0;
    this.responseBytes = false;
    if (attempt.connectTime === null) {
      attempt.connectTime = secsSince(this.attemptStart);
      ctx.o.metrics?.backendAttempt(binding.name, m.name, 'connected');
    }
    let head = `${this.method} ${this.path} HTTP/1.1\r\n${requestHeaderLines(
      this.req,
      {
        clientIp: this.conn.clientIp,
        clientPort: this.conn.clientPort,
        proto: ctx.scheme,
        listenerPort: ctx.boundPort,
        elbIp: ctx.o.elbIp,
        insert: ctx.o.insert,
        host: this.hostFromUrl,
      },
      DROP_FOR_BACKEND,
    )}`;
    const upgrade = this.facts.upgrade;
    if (upgrade !== null) {
      // Upgrade and Connection are hop-by-hop, but an upgrade must carry them to the backend.
      head += `Connection: Upgrade\r\nUpgrade: ${upgrade}\r\n`;
    } else if (this.chunked) head += 'Transfer-Encoding: chunked\r\n';
    // The canonical length, whatever the client wrote ("010" → 10).
    else if (this.declaredLength !== null) head += `Content-Length: ${this.declaredLength}\r\n`;
    if (upgrade !== null) {
      up.socket.write(`${head}\r\n`, 'latin1');
      this.startTunnel(up);
      return;
    }
    this.responseDeadline = Date.now() + ctx.memberMs;
    if (!this.hasBody || this.bodyStarted) {
      up.socket.write(`${head}\r\n`, 'latin1');
      return;
    }
    this.bodyStarted = true;
    this.conn.wait('body');
    // The head and the body bytes already here leave in one write.
    up.socket.cork();
    up.socket.write(`${head}\r\n`, 'latin1');
    this.pullBody();
    up.socket.uncork();
  }

  /** Moves request body bytes from the client buffer to the member, keeping what follows the body. */
  pullBody(): void {
    if (!this.bodyStarted || this.bodyDone || this.finished) return;
    const buf = this.conn.buf;
    const up = this.upstream;
    if (!buf || !up) return;
    const o = this.conn.ctx.o;
    let ok = true;
    if (this.chunked) {
      const decoder = this.chunked;
      const socket = up.socket;
      socket.cork();
      // Re-framed chunk by chunk: extensions and trailers stay behind, so no backend can read the framing differently.
      const consumed = decoder.push(buf, 0, (data) => {
        socket.write(data.length.toString(16) + CRLF, 'latin1');
        socket.write(data);
        ok = socket.write(CRLF, 'latin1');
      });
      if (decoder.done) ok = socket.write('0\r\n\r\n', 'latin1');
      socket.uncork();
      this.requestBytes += consumed;
      this.conn.consume(consumed);
      if (decoder.error) {
        this.refuseBody(400, `malformed chunked body: ${decoder.error}`);
        return;
      }
      if (decoder.payloadBytes > o.bodyLimit) {
        this.refuseBody(413, `body exceeds ${o.bodyLimit} bytes`);
        return;
      }
      if (decoder.done) this.bodyDone = true;
    } else {
      const n = Math.min(this.bodyLeft, buf.length);
      ok = up.socket.write(n === buf.length ? buf : buf.subarray(0, n));
      this.bodyLeft -= n;
      this.requestBytes += n;
      this.conn.consume(n);
      if (this.bodyLeft === 0) this.bodyDone = true;
    }
    if (this.bodyDone) this.conn.wait('nothing');
    else this.conn.wait('body');
    // Backpressure: the member reads slower than the client sends. Reading may also have
    // paused on a full buffer before the member connection was up: the body flows again.
    if (!ok) this.conn.pause();
    else if (!this.bodyDone) this.conn.resume();
  }

  onUpstreamDrain(): void {
    if (this.tunnelling || this.readingBody) this.conn.resume();
  }

  onClientDrain(): void {
    this.upstream?.socket.resume();
  }

  /** The client stopped sending its body for client_timeout (FAQ 5.6). */
  onBodyTimeout(): void {
    this.refuseBody(408, 'client stopped sending the body');
  }

  private refuseBody(status: 400 | 408 | 413, reason: string): void {
    this.dropUpstream();
    this.answer(status, { close: true, reason });
  }

  checkTimers(now: number): void {
    if (this.responseDeadline !== 0 && now >= this.responseDeadline) {
      this.responseDeadline = 0;
      this.dropUpstream();
      this.onFailed(new ResponseTimeout(`no response within ${this.conn.ctx.memberMs / 1000} s`));
    }
  }

  // ── the response ──────────────────────────────────────────────────────────

  onUpstreamData(chunk: Buffer): void {
    if (this.finished) return;
    this.responseBytes = true;
    if (this.tunnelling) {
      this.onTunnelResponse(chunk);
      return;
    }
    if (this.respHead) {
      this.forwardBody(chunk);
      return;
    }
    let buf = appendBytes(this.rbuf, chunk);
    for (;;) {
      const end = findHeadEnd(buf, this.rscan);
      if (end === 'bare-lf') {
        this.malformed('bare LF in the response head');
        return;
      }
      if (end < 0) {
        if (buf.length > MAX_RESPONSE_HEAD) {
          this.malformed('response head too large');
          return;
        }
        this.rbuf = buf;
        this.rscan = Math.max(0, buf.length - 3);
        return;
      }
      this.rscan = 0;
      const parsed = parseResponseHead(buf, 0, end);
      if (!parsed.ok) {
        this.malformed(parsed.reason);
        return;
      }
      const head = parsed.head;
      if (head.status < 200) {
        // 1xx informational answers stay between the load balancer and the member (101 is only for upgrades).
        if (head.status === 101) {
          this.malformed('101 Switching Protocols to a request without Upgrade');
          return;
        }
        if (end === buf.length) {
          this.rbuf = null;
          return;
        }
        buf = buf.subarray(end);
        continue;
      }
      const framing = responseFraming(head, this.method);
      if ('error' in framing) {
        this.malformed(framing.error);
        return;
      }
      this.rbuf = null;
      this.startResponse(head, framing, end === buf.length ? null : buf.subarray(end));
      return;
    }
  }

  private startResponse(head: ResponseHead, framing: BodyFraming, rest: Buffer | null): void {
    const ctx = this.conn.ctx;
    const binding = this.binding as PoolBinding;
    const attempt = this.attempt as UpstreamAttempt;
    this.responseDeadline = 0;
    attempt.headerTime = secsSince(this.attemptStart);
    attempt.status = head.status;
    this.respHead = head;
    this.framing = framing;
    if (binding.appCookieName) {
      for (const sc of headerValues(head, 'set-cookie')) {
        const v = setCookieValue(sc, binding.appCookieName);
        if (v !== undefined) binding.runtime.learnAppCookie(v, this.member as MemberState, Date.now());
      }
    }
    if (this.bodyDone === false) {
      // The member answered before the whole body arrived: the rest is not read, so the connection cannot carry more.
      this.keepAlive = false;
    }
    const http10 = this.req.versionMinor === 0;
    this.dechunk = framing.kind === 'chunked' && http10;
    if (framing.kind === 'close' || this.dechunk || ctx.closing) this.keepAlive = false;
    if (this.status !== 0) {
      // The load balancer already answered (413/408 race): the member's answer is dropped.
      this.dropUpstream();
      return;
    }
    this.answeredBy = 'backend';
    this.status = head.status;
    let out = `HTTP/1.1 ${head.status} ${head.reason}\r\n`;
    out += endToEndHeaderLines(head, framing.kind === 'none' ? NONE : FRAMING_HEADERS);
    if (this.setCookie) out += `Set-Cookie: ${this.setCookie}\r\n`;
    if (framing.kind === 'length') out += `Content-Length: ${framing.length}\r\n`;
    else if (framing.kind === 'chunked' && !this.dechunk) out += 'Transfer-Encoding: chunked\r\n';
    if (!this.keepAlive) out += 'Connection: close\r\n';
    else {
      if (http10) out += 'Connection: keep-alive\r\n';
      // The client's own idle timeout (not the member's), so it does not reuse a connection about to close.
      out += ctx.keepAliveHeader;
    }
    out += CRLF;
    this.pendingHead = out;
    if (framing.kind === 'length') this.respLeft = framing.length;
    else if (framing.kind === 'chunked') this.respDecoder = new ChunkedDecoder();
    if (framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0)) {
      this.surplus = rest !== null;
      this.completeResponse();
      return;
    }
    if (rest) this.forwardBody(rest);
    else this.sendToClient(null);
  }

  /** Response body bytes, framed as the member framed them (chunked passes through as is). */
  private forwardBody(chunk: Buffer): void {
    switch (this.framing.kind) {
      case 'length': {
        const n = Math.min(this.respLeft, chunk.length);
        if (n < chunk.length) this.surplus = true;
        this.respLeft -= n;
        this.sendToClient(n === chunk.length ? chunk : chunk.subarray(0, n));
        if (this.respLeft === 0) this.completeResponse();
        return;
      }
      case 'chunked': {
        const decoder = this.respDecoder as ChunkedDecoder;
        let consumed: number;
        if (this.dechunk) {
          consumed = decoder.push(chunk, 0, (data) => this.sendToClient(data));
          if (this.pendingHead !== null) this.sendToClient(null);
        } else {
          consumed = decoder.push(chunk, 0);
          if (consumed > 0)
            this.sendToClient(consumed === chunk.length ? chunk : chunk.subarray(0, consumed));
        }
        if (decoder.error) {
          this.cutOff();
          return;
        }
        if (decoder.done) {
          if (consumed < chunk.length) this.surplus = true;
          this.completeResponse();
        }
        return;
      }
      case 'close':
        this.sendToClient(chunk);
        return;
      case 'none':
        this.surplus = true;
        return;
    }
  }

  /** Body bytes for the client, with the response head before them in the same write; pauses the member when the client is slow. */
  private sendToClient(body: Buffer | null): void {
    const head = this.pendingHead;
    this.pendingHead = null;
    let data: string | Buffer;
    if (head !== null && body) {
      if (body.length <= SMALL_BODY) {
        // One latin1 string (a byte per char): Node writes a short string from a stack buffer,
        // cheaper than allocating a Buffer and copying the head and the body into it.
        data = head + body.toString('latin1');
      } else {
        data = Buffer.allocUnsafe(head.length + body.length);
        data.write(head, 0, 'latin1');
        body.copy(data, head.length);
      }
    } else if (head !== null) data = head;
    else if (body) data = body;
    else return;
    this.bytesSent += data.length;
    if (body) this.bodyBytesSent += body.length;
    if (!this.conn.write(data)) this.upstream?.socket.pause();
  }

  private completeResponse(): void {
    if (this.pendingHead !== null) this.sendToClient(null);
    const attempt = this.attempt as UpstreamAttempt;
    attempt.responseTime = secsSince(this.attemptStart);
    const up = this.upstream;
    this.upstream = null;
    if (up) {
      up.socket.resume();
      const reusable =
        !this.surplus &&
        this.bodyDone &&
        responseKeepsConnection(this.respHead as ResponseHead, this.framing);
      this.conn.ctx.pool.release(up, reusable);
    }
    this.finish();
  }

  onUpstreamEnd(): void {
    if (this.finished || this.tunnelling) return;
    // A body delimited by the connection ends here.
    if (this.respHead && this.framing.kind === 'close') this.completeResponse();
  }

  onUpstreamClose(error: Error | null): void {
    this.upstream = null;
    if (this.finished) return;
    if (this.tunnelling) {
      (this.attempt as UpstreamAttempt).responseTime = secsSince(this.attemptStart);
      this.conn.destroy();
      this.finish();
      return;
    }
    if (this.respHead) {
      // Reset mid-response (FAQ 1.5 502 case): the status is already sent, so the client is cut off.
      this.cutOff();
      return;
    }
    // A kept-alive connection the member closed just as it was reused: once more on a new one, same member.
    if (this.reusedConnection && !this.responseBytes && !this.retriedStale && !this.hasBody) {
      this.retriedStale = true;
      this.connect(true);
      return;
    }
    this.onFailed(error ?? new Error('the member closed the connection before answering'));
  }

  private malformed(reason: string): void {
    this.dropUpstream();
    this.onFailed(new Error(`malformed response: ${reason}`));
  }

  /** The response started and cannot be completed: the client connection is cut so it cannot mistake a partial body. */
  private cutOff(): void {
    const attempt = this.attempt as UpstreamAttempt;
    attempt.responseTime = secsSince(this.attemptStart);
    this.dropUpstream();
    this.keepAlive = false;
    this.conn.destroy();
    this.finish();
  }

  /** Closes the member connection (never reused: its framing state is unknown) and stops an unfinished connect. */
  private dropUpstream(): void {
    this.responseDeadline = 0;
    this.cancelConnect?.();
    this.cancelConnect = null;
    const up = this.upstream;
    this.upstream = null;
    if (up) {
      up.owner = null;
      up.socket.destroy();
    }
    this.releaseMemberOnce();
  }

  private releaseMemberOnce(): void {
    const r = this.releaseMember;
    this.releaseMember = null;
    r?.();
  }

  private onFailed(err: Error): void {
    const ctx = this.conn.ctx;
    this.dropUpstream();
    if (this.finished) return;
    if (this.responded) {
      this.cutOff();
      return;
    }
    const binding = this.binding as PoolBinding;
    const m = this.member as MemberState;
    const attempt = this.attempt as UpstreamAttempt;
    const timedOut = err instanceof ConnectTimeoutError || err instanceof ResponseTimeout;
    this.lastFailure = timedOut ? 504 : 502;
    if (attempt.connectTime === null) {
      ctx.o.metrics?.backendAttempt(binding.name, m.name, timedOut ? 'connect-timeout' : 'connect-failed');
      ctx.o.logger.warn('member connection failed', {
        listener: ctx.o.name,
        member: attempt.addr,
        error: err.message,
      });
      // FAQ 1.9: a member that cannot be reached is skipped for the next one.
      if (!this.bodyStarted) {
        this.tryNext();
        return;
      }
    } else {
      ctx.o.metrics?.backendAttempt(binding.name, m.name, timedOut ? 'response-timeout' : 'failed');
      // FAQ 5.6: a response timeout tries other members unless the session is sticky;
      // only a request without a body can be sent twice.
      if (timedOut && !this.hasBody && !binding.sticky) {
        attempt.responseTime = secsSince(this.attemptStart);
        this.tryNext();
        return;
      }
    }
    this.answer(this.lastFailure, { close: this.hasBody && !this.bodyDone });
  }

  // ── WebSocket and other upgrades (FAQ 5.5) ─────────────────────────────────

  private startTunnel(up: UpstreamConnection): void {
    this.tunnelling = true;
    this.keepAlive = false;
    // Whatever the client sent after its head belongs to the tunnel.
    const rest = this.conn.buf;
    this.conn.buf = null;
    if (rest) {
      this.requestBytes += rest.length;
      up.socket.write(rest);
    }
  }

  onTunnelData(chunk: Buffer): void {
    const up = this.upstream;
    if (!up) return;
    this.requestBytes += chunk.length;
    if (!up.socket.write(chunk)) this.conn.pause();
  }

  private onTunnelResponse(chunk: Buffer): void {
    const attempt = this.attempt as UpstreamAttempt;
    if (attempt.status === null) {
      // The backend's status line, for the access log and metrics; its answer (101 or not) passes through as is.
      const code = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1];
      attempt.headerTime = secsSince(this.attemptStart);
      attempt.status = code ? Number(code) : null;
      this.status = attempt.status ?? 502;
      this.answeredBy = 'backend';
    }
    this.bytesSent += chunk.length;
    this.bodyBytesSent += chunk.length;
    if (!this.conn.write(chunk)) this.upstream?.socket.pause();
  }

  // ── endings ───────────────────────────────────────────────────────────────

  /** The load balancer answers by itself. */
  private answer(status: number, opts: LbAnswerOptions = {}): void {
    if (this.finished) return;
    if (this.responded) {
      this.cutOff();
      return;
    }
    this.dropUpstream();
    this.answeredBy = 'lb';
    this.routerCode = opts.routerCode;
    this.status = status;
    // An unread body leaves the connection's framing unknown: it ends after the answer.
    if (opts.close || !this.bodyDone) this.keepAlive = false;
    const text = lbAnswer(status, {
      routerCode: opts.routerCode,
      close: !this.keepAlive,
      head: this.method === 'HEAD',
    });
    this.bytesSent += text.length;
    this.conn.write(text);
    this.finish();
  }

  /** The client went away (or the connection was closed under the exchange). */
  onClientGone(): void {
    if (this.finished) return;
    this.keepAlive = false;
    this.dropUpstream();
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.responseDeadline = 0;
    this.cancelConnect?.();
    this.cancelConnect = null;
    this.releaseMemberOnce();
    const conn = this.conn;
    const ctx = conn.ctx;
    const o = ctx.o;
    // 499: the client left before the response started (FAQ 1.5, 7.9); it exists only in logs.
    const status = this.status !== 0 ? this.status : 499;
    o.metrics?.response(o.name, status, this.answeredBy, this.routerCode);
    // Without an access log there is no line to build (its fields cost a few allocations per request).
    if (o.accessLog) {
      ctx.log({
        clientAddress: conn.clientIp,
        clientPort: conn.clientPort,
        status,
        method: this.method,
        scheme: ctx.scheme,
        host: this.host || '-',
        uri: this.path,
        protocol: `HTTP/${this.req.versionMajor}.${this.req.versionMinor}`,
        requestLength: this.req.headBytes + this.requestBytes,
        bytesSent: this.bytesSent,
        bodyBytesSent: this.bodyBytesSent,
        requestTime: secsSince(this.t0),
        upstream: this.attempts,
        userAgent: headerValue(this.req, 'user-agent'),
        referer: headerValue(this.req, 'referer'),
        xForwardedFor: headerValues(this.req, 'x-forwarded-for').join(', ') || null,
        poolName: this.binding?.name ?? null,
        memberName: this.member?.name ?? null,
        upstreamAddrPriv: this.attempts.map((a) => a.addr).join(', ') || null,
        tcpinfoRtt: null,
        selfDefinedHeader: null,
        ...conn.tls,
      });
    }
    ctx.exchangeEnded();
    if (!this.tunnelling) conn.exchangeEnded(this, this.keepAlive);
  }
}
