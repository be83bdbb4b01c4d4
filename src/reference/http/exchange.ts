// One request and its response through an HTTP/HTTPS listener, from the head
// read to the access-log line. It decides; the parts do the work:
//   member-attempts.ts      which member, and whether to try another (1.9, 5.6)
//   request-body.ts         the request body, streamed to the member
//   response-head-reader.ts the member's response head (1xx skipped, 502 on doubt)
//   response-relay.ts       the response to the client, and when it broke
//   tunnel.ts               WebSocket and other upgrades, raw both ways (5.5)
//   lb-responses.ts         the load balancer's own answers (1.5, 1.6)
//   exchange-record.ts      access log, metrics, and cut-off responses
// Timeouts: member_timeout (5.6) for the response head and, as nginx's
// proxy_read_timeout, between two reads of its body; 499 when the client
// leaves first (7.9). A response that breaks after its status went out is cut
// off so the client cannot take a short body for a whole one.
import { performance } from 'node:perf_hooks';
import type { MemberState } from '../types.js';
import type { ClientConnection } from './client-connection.js';
import { formatSetCookie, parseCookieHeader, setCookieValue } from './cookies.js';
import {
  type CutCause,
  clippedTarget,
  type ExchangeOutcome,
  recordCutOff,
  recordExchange,
} from './exchange-record.js';
import { backendDropSet, requestHeaderLines } from './forward-headers.js';
import { type LbAnswerOptions, lbAnswer, RouterCode } from './lb-responses.js';
import type { PoolBinding } from './listener.js';
import { headerValues, originForm, type RequestFacts, requestFacts } from './listener-context.js';
import { MemberAttempts } from './member-attempts.js';
import { RequestBody } from './request-body.js';
import { checkRequest } from './request-checks.js';
import { ResponseHeadReader } from './response-head-reader.js';
import { clientResponseHead, type RelayState, ResponseRelay } from './response-relay.js';
import { Tunnel } from './tunnel.js';
import { ConnectTimeoutError, type UpstreamConnection, type UpstreamOwner } from './upstream-pool.js';
import type { RequestHead } from './wire/request-head.js';
import { type BodyFraming, type ResponseHead, responseKeepsConnection } from './wire/response-head.js';

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
/** The listener answered 100 Continue itself. */
const DROP_FOR_BACKEND = backendDropSet(['expect']);
const NO_BODY = { chunked: false, contentLength: null };

class ResponseTimeout extends Error {}

export class Exchange implements UpstreamOwner {
  private readonly t0 = performance.now();
  private readonly facts: RequestFacts;
  private path = '/';
  private host = '';
  /** The host of an absolute-form target: it replaces the client's Host (RFC 9112 3.2.2). */
  private hostFromUrl: string | null = null;
  private binding: PoolBinding | null = null;
  private readonly attempts = new MemberAttempts();
  private body = new RequestBody(NO_BODY);
  private cookies: Record<string, string> | null = null;
  private setCookie: string | null = null;
  private emptyCode: RouterCode = RouterCode.defaultPoolEmpty;
  private answeredBy: 'lb' | 'backend' = 'lb';
  private routerCode: string | undefined;
  /** The status the client got (0: nothing sent yet). */
  private status = 0;
  private finished = false;
  /** The client connection may carry another request after this one. */
  private keepAlive: boolean;
  private bytesSent = 0;
  private bodyBytesSent = 0;

  // The member connection of the current attempt.
  private upstream: UpstreamConnection | null = null;
  private cancelConnect: (() => void) | null = null;
  private releaseMember: (() => void) | null = null;
  /** The member connection came from the idle pool (it may have been closed under us). */
  private reusedConnection = false;
  private retriedStale = false;
  /** Set once the first byte of a response arrived on this attempt. */
  private responseBytes = false;
  /** Epoch ms by which the member must send more (0: not waiting on it). */
  private memberDeadline = 0;

  // The response: its head is read, then relayed (or tunnelled).
  private reader: ResponseHeadReader | null = null;
  private respHead: ResponseHead | null = null;
  private relay: ResponseRelay | null = null;
  private tunnel: Tunnel | null = null;

  constructor(
    private readonly conn: ClientConnection,
    private readonly req: RequestHead,
  ) {
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
    return this.body.flowing;
  }

  /** A WebSocket (or other upgrade) tunnel: raw bytes both ways. */
  get tunnelling(): boolean {
    return this.tunnel !== null;
  }

  start(): void {
    const ctx = this.conn.ctx;
    const o = ctx.o;
    ctx.exchangeStarted();
    const req = this.req;
    // The target is read before any check, so a refused request is logged as the client sent it
    // (method, Host, request-target), as nginx logs its own 400/413/501 answers.
    const { path, hostFromUrl } = originForm(req.target);
    this.path = path;
    this.hostFromUrl = hostFromUrl;
    this.host = hostFromUrl ?? this.facts.host ?? '';
    if (!ctx.isReady()) {
      this.answer(503, { routerCode: RouterCode.configurationLoading, close: true });
      return;
    }
    const verdict = checkRequest(req, { bodyLimit: o.bodyLimit, maxHeaderBytes: o.maxHeaderBytes });
    if (!verdict.ok) {
      if (verdict.status === 414) this.path = clippedTarget(path);
      this.answer(verdict.status, { close: true, reason: verdict.reason });
      return;
    }
    // `OPTIONS *` (asterisk form): nginx, on which ELB's layer 7 is built, answers 400 to it itself.
    if (path === '*') {
      this.answer(400, { close: true, reason: 'asterisk-form request target' });
      return;
    }
    this.body = new RequestBody(verdict);
    const route = o.router.routeRequest(this.host, path);
    if (!route) {
      this.answer(503, { routerCode: RouterCode.defaultPoolEmpty, close: this.body.present });
      return;
    }
    this.binding = route.pool;
    this.emptyCode = route.policy ? RouterCode.policyPoolEmpty : RouterCode.defaultPoolEmpty;
    // Expect: 100-continue: "go on" only to a request the load balancer accepted (a refused one was answered above).
    if (this.body.present && req.versionMinor >= 1 && this.facts.expectContinue) this.conn.write(CONTINUE);
    this.tryNext();
  }

  // ── choosing and reaching a member ────────────────────────────────────────

  private tryNext(): void {
    const binding = this.binding as PoolBinding;
    // Only sticky pools read cookies (LB or application cookie, FAQ 6.1).
    if (binding.sticky) this.cookies ??= parseCookieHeader(headerValues(this.req, 'cookie'));
    const next = this.attempts.next(binding, {
      clientIp: this.conn.clientIp,
      clientPort: this.conn.clientPort,
      now: Date.now(),
      ...(this.cookies ? { cookies: this.cookies } : {}),
    });
    const close = this.body.present;
    if (!next.member) {
      if (next.reason === 'failed') this.answer(this.attempts.lastFailure, { close });
      else if (next.reason === 'empty') this.answer(503, { routerCode: this.emptyCode, close });
      else this.answer(503, { routerCode: RouterCode.allMembersUnavailable, close });
      return;
    }
    this.setCookie = next.setCookie ? formatSetCookie(next.setCookie) : null;
    this.releaseMember = binding.runtime.acquire(next.member);
    this.retriedStale = false;
    this.connect(this.facts.upgrade !== null);
  }

  private connect(fresh: boolean): void {
    const m = this.attempts.member as MemberState;
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
    this.upstream = up;
    this.reusedConnection = up.uses > 0;
    this.responseBytes = false;
    this.reader = new ResponseHeadReader(this.req.method);
    if (this.attempts.connected()) {
      ctx.o.metrics?.backendAttempt(binding.name, (this.attempts.member as MemberState).name, 'connected');
    }
    let head = `${this.req.method} ${this.path} HTTP/1.1\r\n${requestHeaderLines(
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
      head += `Connection: Upgrade\r\nUpgrade: ${upgrade}\r\n\r\n`;
      up.socket.write(head, 'latin1');
      this.keepAlive = false;
      this.tunnel = new Tunnel(this.conn, up, this.toClient, (status) => this.onTunnelStatus(status));
      return;
    }
    head += `${this.body.framingHeader()}\r\n`;
    this.memberDeadline = Date.now() + ctx.memberMs;
    if (!this.body.present || this.body.started) {
      up.socket.write(head, 'latin1');
      return;
    }
    this.body.started = true;
    this.conn.wait('body');
    // The head and the body bytes already here leave in one write.
    up.socket.cork();
    up.socket.write(head, 'latin1');
    this.pullBody();
    up.socket.uncork();
  }

  /** Moves request body bytes from the client buffer to the member, keeping what follows the body. */
  pullBody(): void {
    if (!this.body.flowing || this.finished) return;
    const buf = this.conn.buf;
    const up = this.upstream;
    if (!buf || !up) return;
    const { consumed, ok, refusal } = this.body.pull(buf, up.socket, this.conn.ctx.o.bodyLimit);
    this.conn.consume(consumed);
    if (refusal) {
      this.refuseBody(refusal.status, refusal.reason);
      return;
    }
    this.conn.wait(this.body.done ? 'nothing' : 'body');
    // Backpressure: the member reads slower than the client sends. Reading may also have
    // paused on a full buffer before the member connection was up: the body flows again.
    if (!ok) this.conn.pause();
    else if (!this.body.done) this.conn.resume();
  }

  onUpstreamDrain(): void {
    if (this.tunnel || this.body.flowing) this.conn.resume();
  }

  /** The client took what was waiting for it: the member may send more, within member_timeout. */
  onClientDrain(): void {
    const up = this.upstream;
    if (!up) return;
    up.socket.resume();
    if (this.relay) this.memberDeadline = Date.now() + this.conn.ctx.memberMs;
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
    if (this.memberDeadline === 0 || now < this.memberDeadline) return;
    this.memberDeadline = 0;
    const s = this.conn.ctx.memberMs / 1000;
    if (this.relay) {
      this.cutOff('member-timeout', `upstream timed out (no data for ${s} s) while reading upstream`);
      return;
    }
    this.dropUpstream();
    this.onFailed(new ResponseTimeout(`no response within ${s} s`));
  }

  // ── the response ──────────────────────────────────────────────────────────

  /** Bytes for the client, counted; a client that reads slower than the member sends pauses the member. */
  private readonly toClient = (data: string | Buffer, bodyBytes: number): void => {
    this.bytesSent += data.length;
    this.bodyBytesSent += bodyBytes;
    if (this.conn.write(data)) return;
    this.upstream?.socket.pause();
    // Waiting on the client now, not the member (client_timeout applies: client-connection.ts).
    if (this.relay) this.memberDeadline = 0;
  };

  onUpstreamData(chunk: Buffer): void {
    if (this.finished) return;
    this.responseBytes = true;
    if (this.tunnel) {
      this.tunnel.fromMember(chunk);
      return;
    }
    if (this.relay) {
      this.memberDeadline = Date.now() + this.conn.ctx.memberMs;
      this.afterRelay(this.relay.push(chunk));
      return;
    }
    const read = (this.reader as ResponseHeadReader).push(chunk);
    if (read.kind === 'malformed') this.malformed(read.reason);
    else if (read.kind === 'head') this.startResponse(read.head, read.framing, read.rest);
  }

  private startResponse(head: ResponseHead, framing: BodyFraming, rest: Buffer | null): void {
    const ctx = this.conn.ctx;
    const binding = this.binding as PoolBinding;
    this.memberDeadline = 0;
    this.reader = null;
    this.attempts.headerReceived(head.status);
    this.respHead = head;
    if (binding.appCookieName) {
      for (const sc of headerValues(head, 'set-cookie')) {
        const v = setCookieValue(sc, binding.appCookieName);
        if (v !== undefined)
          binding.runtime.learnAppCookie(v, this.attempts.member as MemberState, Date.now());
      }
    }
    // The member answered before the whole body arrived: the rest is not read, so the connection cannot carry more.
    if (!this.body.done) this.keepAlive = false;
    const http10 = this.req.versionMinor === 0;
    const dechunk = framing.kind === 'chunked' && http10;
    if (framing.kind === 'close' || dechunk || ctx.closing) this.keepAlive = false;
    if (this.responded) {
      // The load balancer already answered (413/408 race): the member's answer is dropped.
      this.dropUpstream();
      return;
    }
    this.answeredBy = 'backend';
    this.status = head.status;
    const clientHead = clientResponseHead(head, framing, {
      setCookie: this.setCookie,
      keepAlive: this.keepAlive,
      http10,
      dechunk,
      keepAliveHeader: ctx.keepAliveHeader,
    });
    this.relay = new ResponseRelay(framing, clientHead, dechunk, this.toClient);
    this.memberDeadline = Date.now() + ctx.memberMs;
    this.afterRelay(this.relay.start(rest));
  }

  private afterRelay(state: RelayState): void {
    if (state === 'more') return;
    if (state === 'complete') this.completeResponse();
    else this.cutOff(state.broken, state.message);
  }

  private completeResponse(): void {
    const relay = this.relay as ResponseRelay;
    relay.flush();
    this.memberDeadline = 0;
    this.attempts.ended();
    const up = this.upstream;
    this.upstream = null;
    if (up) {
      up.socket.resume();
      const reusable =
        !relay.surplus &&
        this.body.done &&
        responseKeepsConnection(this.respHead as ResponseHead, relay.framing);
      this.conn.ctx.pool.release(up, reusable);
    }
    this.finish();
  }

  onUpstreamEnd(): void {
    if (this.finished || this.tunnel || !this.relay) return;
    // FIN: the end of a body delimited by closing, or a member that stopped mid-body.
    this.afterRelay(this.relay.memberClosed());
  }

  onUpstreamClose(error: Error | null): void {
    this.upstream = null;
    if (this.finished) return;
    if (this.tunnel) {
      this.attempts.ended();
      this.conn.destroy();
      this.finish();
      return;
    }
    if (this.relay) {
      // Reset mid-response (FAQ 1.5 502 case), even of a body delimited by closing: it is cut off.
      if (error) this.cutOff('member-closed', `recv() failed (${error.message}) while reading upstream`);
      else this.afterRelay(this.relay.memberClosed());
      return;
    }
    // A kept-alive connection the member closed just as it was reused: once more on a new one, same member.
    if (this.reusedConnection && !this.responseBytes && !this.retriedStale && !this.body.present) {
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

  /**
   * The response started and cannot be completed. As nginx: the access log
   * keeps the status sent, stderr and the metrics say why (exchange-record.ts),
   * and the client connection ends after the bytes already relayed, so the
   * missing Content-Length bytes or last chunk show it the body is short. A
   * body the client can only delimit by the connection closing gets a reset
   * instead (nginx closes it normally there, and the client takes the short
   * body for a whole one).
   */
  private cutOff(cause: CutCause | null, message: string): void {
    if (this.finished) return;
    if (this.attempts.current) this.attempts.ended();
    this.memberDeadline = 0;
    if (cause) recordCutOff(this.conn, this.outcome(), cause, message);
    this.dropUpstream();
    this.keepAlive = false;
    // Without a cause (the client's own request broke while the member answered): closed at once.
    if (!cause) this.conn.destroy();
    else if (this.relay?.closeDelimited) this.conn.reset();
    this.finish();
  }

  /** Closes the member connection (never reused: its framing state is unknown) and stops an unfinished connect. */
  private dropUpstream(): void {
    this.memberDeadline = 0;
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
      this.cutOff(null, err.message);
      return;
    }
    const binding = this.binding as PoolBinding;
    const addr = this.attempts.current?.addr;
    const timedOut = err instanceof ConnectTimeoutError || err instanceof ResponseTimeout;
    const { outcome, retry } = this.attempts.failed(timedOut, {
      bodyStarted: this.body.started,
      hasBody: this.body.present,
      sticky: binding.sticky,
    });
    ctx.o.metrics?.backendAttempt(binding.name, (this.attempts.member as MemberState).name, outcome);
    if (outcome === 'connect-failed' || outcome === 'connect-timeout') {
      ctx.o.logger.warn('member connection failed', {
        listener: ctx.o.name,
        member: addr,
        error: err.message,
      });
    }
    // FAQ 1.9: a member that cannot be reached is skipped for the next one.
    if (retry) {
      this.tryNext();
      return;
    }
    this.answer(this.attempts.lastFailure, { close: this.body.present && !this.body.done });
  }

  private onTunnelStatus(status: number | null): void {
    this.attempts.headerReceived(status);
    this.status = status ?? 502;
    this.answeredBy = 'backend';
  }

  /** Bytes from the client on an upgraded connection. */
  onTunnelData(chunk: Buffer): void {
    if (this.upstream) this.tunnel?.fromClient(chunk);
  }

  // ── endings ───────────────────────────────────────────────────────────────

  /** The load balancer answers by itself. */
  private answer(status: number, opts: LbAnswerOptions = {}): void {
    if (this.finished) return;
    if (this.responded) {
      this.cutOff(null, opts.reason ?? `the load balancer's ${status} came after the member's answer`);
      return;
    }
    this.dropUpstream();
    this.answeredBy = 'lb';
    this.routerCode = opts.routerCode;
    this.status = status;
    // An unread body leaves the connection's framing unknown: it ends after the answer.
    if (opts.close || !this.body.done) this.keepAlive = false;
    const text = lbAnswer(status, {
      routerCode: opts.routerCode,
      close: !this.keepAlive,
      head: this.req.method === 'HEAD',
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

  /** The client stopped reading for client_timeout (FAQ 5.6); client-connection.ts resets the connection. */
  onSendTimeout(): void {
    if (!this.responded) {
      this.onClientGone();
      return;
    }
    this.cutOff('client-send-timeout', 'client timed out while sending response to client');
  }

  private outcome(): ExchangeOutcome {
    return {
      // 499: the client left before the response started (FAQ 1.5, 7.9); it exists only in logs.
      status: this.status !== 0 ? this.status : 499,
      answeredBy: this.answeredBy,
      routerCode: this.routerCode,
      req: this.req,
      host: this.host,
      path: this.path,
      requestBytes: this.body.bytes + (this.tunnel?.clientBytes ?? 0),
      bytesSent: this.bytesSent,
      bodyBytesSent: this.bodyBytesSent,
      t0: this.t0,
      attempts: this.attempts.list,
      binding: this.binding,
      member: this.attempts.member,
    };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.memberDeadline = 0;
    this.cancelConnect?.();
    this.cancelConnect = null;
    this.releaseMemberOnce();
    recordExchange(this.conn, this.outcome());
    this.conn.ctx.exchangeEnded();
    if (!this.tunnel) this.conn.exchangeEnded(this, this.keepAlive);
  }
}
