// One client connection to an HTTP/HTTPS listener: reads request heads off
// the socket (pipelined or one at a time), enforces the client-side timeouts
// of FAQ 5.6 (client_timeout → 408, keepalive_timeout → close, and a client
// that stops reading its response → reset, as nginx's send_timeout with
// reset_timedout_connection), refuses what is not HTTP/1.x (FAQ 1.5: 400,
// 414), and hands each request to an Exchange.
import type net from 'node:net';
import tls from 'node:tls';
import { Exchange } from './exchange.js';
import { clippedTarget } from './exchange-record.js';
import { lbAnswer } from './lb-responses.js';
import { clientIpOf, type ListenerContext, originForm, type TlsLogFields } from './listener-context.js';
import { MAX_URI_BYTES } from './request-checks.js';
import { appendBytes } from './wire/append.js';
import { findHeadEnd, leadingEmptyLines, oversizedHeadStatus } from './wire/head-end.js';
import { parseRequestHead } from './wire/request-head.js';

/** Bytes of pipelined requests buffered while one is answered before reading pauses. */
const PIPELINE_BUFFER_LIMIT = 256 * 1024;

/** What the connection waits for, and so which timeout applies. */
type Waiting = 'first-head' | 'head' | 'idle' | 'body' | 'nothing';

export class ClientConnection {
  /** Bytes received and not yet consumed by a request head or body. */
  buf: Buffer | null = null;
  /** Where to resume looking for the end of a head in `buf`. */
  private scanFrom = 0;
  exchange: Exchange | null = null;
  private waiting: Waiting = 'first-head';
  /** Epoch ms when the current wait times out; 0: none. */
  private deadline = 0;
  private processing = false;
  private closing = false;
  /** Reading paused: by backpressure from a member, or a long pipeline. */
  private paused = false;
  /** Epoch ms by which the client must have read some of what waits for it; 0: nothing waits. */
  private sendDeadline = 0;
  /** Bytes waiting for the client when the send deadline was last pushed back. */
  private unsent = 0;
  readonly clientIp: string;
  readonly clientPort: number;

  constructor(
    readonly ctx: ListenerContext,
    readonly socket: net.Socket,
    readonly tls: TlsLogFields,
    private readonly onGone: (c: ClientConnection) => void,
  ) {
    this.clientIp = clientIpOf(socket);
    this.clientPort = socket.remotePort ?? 0;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('drain', () => {
      this.sendDeadline = 0;
      this.exchange?.onClientDrain();
    });
    // 'close' always follows an error.
    socket.on('error', () => {});
    socket.once('close', () => this.onClose());
    this.wait('first-head');
  }

  get closed(): boolean {
    return this.closing || this.socket.destroyed;
  }

  /** Writes bytes for the client; false when the socket's buffer is full (wait for drain). */
  write(data: string | Buffer): boolean {
    if (this.socket.destroyed) return true;
    const ok = typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
    // The client's buffers are full: it has client_timeout to read some of it (FAQ 5.6).
    if (!ok && this.sendDeadline === 0 && this.ctx.clientMs > 0) {
      this.sendDeadline = Date.now() + this.ctx.clientMs;
      this.unsent = this.socket.writableLength;
    }
    return ok;
  }

  /** Ends the connection once what was written is sent. */
  endAfterWrites(): void {
    this.closing = true;
    this.buf = null;
    this.deadline = 0;
    this.socket.end();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /**
   * Closes with a TCP reset: what is still buffered is dropped, and a client
   * waiting for the connection to close to end a body sees an error, not an end.
   */
  reset(): void {
    this.closing = true;
    // resetAndDestroy needs the TCP handle; a TLS socket only closes.
    if (!(this.socket instanceof tls.TLSSocket)) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  /** Drops `n` bytes from the front of `buf`. */
  consume(n: number): void {
    const b = this.buf;
    if (!b) return;
    this.buf = n >= b.length ? null : b.subarray(n);
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  /** Starts (or restarts) the timeout for what the connection now waits for. */
  wait(what: Waiting): void {
    this.waiting = what;
    const ms =
      what === 'idle' ? this.ctx.keepaliveMs : what === 'nothing' ? 0 : this.ctx.clientMs; /* head, body */
    this.deadline = ms > 0 ? Date.now() + ms : 0;
  }

  /** Called by the listener's timer sweep. */
  checkTimers(now: number): void {
    if (this.sendDeadline !== 0) this.checkSend(now);
    if (this.deadline !== 0 && now >= this.deadline) {
      this.deadline = 0;
      if (this.waiting === 'idle') {
        // keepalive_timeout: an idle connection is closed without a word (FAQ 5.6).
        this.destroy();
      } else if (this.waiting === 'body') {
        this.exchange?.onBodyTimeout();
      } else if (this.waiting === 'first-head' && !this.buf) {
        // Connected and never said anything: closed, as nginx does.
        this.destroy();
      } else {
        // FAQ 1.5: the client did not send its request within client_timeout.
        this.refuse(408);
      }
    }
    this.exchange?.checkTimers(now);
  }

  /**
   * nginx's send_timeout: the deadline moves on as long as the client reads
   * something. Node shows progress per completed write (a member's read, up to
   * 64 KB), so a client must take one such write per client_timeout.
   */
  private checkSend(now: number): void {
    const unsent = this.socket.writableLength;
    if (unsent === 0 || this.socket.destroyed) {
      this.sendDeadline = 0;
      return;
    }
    if (unsent < this.unsent) {
      this.unsent = unsent;
      this.sendDeadline = now + this.ctx.clientMs;
      return;
    }
    if (now < this.sendDeadline) return;
    this.sendDeadline = 0;
    const o = this.ctx.o;
    o.metrics?.clientSendTimeout(o.name);
    o.logger.warn('client timed out while sending response to client', {
      listener: o.name,
      client: `${this.clientIp}:${this.clientPort}`,
      unsentBytes: unsent,
      timeoutSeconds: this.ctx.clientMs / 1000,
    });
    // Reset first: once the exchange's end asked for a FIN (socket.end), libuv refuses to reset.
    const ex = this.exchange;
    this.reset();
    ex?.onSendTimeout();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const ex = this.exchange;
    if (ex?.tunnelling) {
      ex.onTunnelData(chunk);
      return;
    }
    this.buf = appendBytes(this.buf, chunk);
    if (ex) {
      ex.pullBody();
      if (this.buf && this.buf.length > PIPELINE_BUFFER_LIMIT && !ex.readingBody) this.pause();
      return;
    }
    this.process();
  }

  /** Reads heads from `buf` and starts their exchanges, one at a time. */
  process(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.closed && !this.exchange) {
        const buf = this.buf;
        if (!buf) {
          this.wait('idle');
          return;
        }
        const skip = leadingEmptyLines(buf);
        if (skip > 0) {
          this.consume(skip);
          continue;
        }
        const end = findHeadEnd(buf, this.scanFrom);
        if (end === 'bare-lf') {
          this.refuse(400);
          return;
        }
        if (end < 0) {
          if (buf.length > this.ctx.headLimit) {
            this.refuse(oversizedHeadStatus(buf, MAX_URI_BYTES));
            return;
          }
          this.scanFrom = Math.max(0, buf.length - 3);
          // The first byte of a request starts client_timeout (the keep-alive wait is over).
          if (this.waiting === 'idle') this.wait('head');
          return;
        }
        this.scanFrom = 0;
        const parsed = parseRequestHead(buf, 0, end);
        if (!parsed.ok) {
          this.refuse(400);
          return;
        }
        this.consume(end);
        this.wait('nothing');
        this.exchange = new Exchange(this, parsed.head);
        this.exchange.start();
      }
    } finally {
      this.processing = false;
    }
  }

  /** The exchange finished its response; the next request may follow on this connection. */
  exchangeEnded(ex: Exchange, keepAlive: boolean): void {
    if (this.exchange !== ex) return;
    this.exchange = null;
    if (!keepAlive) {
      this.endAfterWrites();
      return;
    }
    this.resume();
    this.process();
  }

  /** The load balancer's own answer to bytes that never became a request; the connection ends. */
  private refuse(status: 400 | 408 | 414): void {
    const head = this.buf ? this.buf.toString('latin1', 0, Math.min(this.buf.length, 8192)) : '';
    const requestLength = this.buf?.length ?? 0;
    const answer = lbAnswer(status, { close: true });
    this.write(answer);
    this.endAfterWrites();
    const ctx = this.ctx;
    ctx.o.metrics?.response(ctx.o.name, status, 'lb');
    if (!ctx.o.accessLog) return;
    // As much of the request as could be read: its line, and a whole Host line if one came (as nginx logs).
    const first = head.split('\r\n', 1)[0] ?? '';
    const [method, target, version] = first.split(' ');
    const sent = target ? originForm(target) : null;
    const hostLine = /\r\nhost:[ \t]*([^\r\n]*?)[ \t]*\r\n/i.exec(head)?.[1];
    ctx.log({
      clientAddress: this.clientIp,
      clientPort: this.clientPort,
      status,
      method: method && /^[A-Z]+$/.test(method) ? method : '-',
      scheme: ctx.scheme,
      host: sent?.hostFromUrl || hostLine || '-',
      uri: sent ? clippedTarget(sent.path) : '-',
      protocol: version && /^HTTP\/\d\.\d$/.test(version) ? version : '-',
      requestLength,
      bytesSent: answer.length,
      bodyBytesSent: 0,
      requestTime: null,
      upstream: [],
      userAgent: null,
      referer: null,
      xForwardedFor: null,
      poolName: null,
      memberName: null,
      upstreamAddrPriv: null,
      tcpinfoRtt: null,
      selfDefinedHeader: null,
      ...this.tls,
    });
  }

  private onClose(): void {
    this.closing = true;
    this.deadline = 0;
    this.exchange?.onClientGone();
    this.exchange = null;
    this.onGone(this);
  }
}
