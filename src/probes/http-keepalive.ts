// http-keepalive: one keep-alive HTTP/1.1 request, the whole response read as
// a load balancer reads it (the reference LB's strict wire parser), then the
// connection held idle to see when and how the server closes it. A backend
// whose idle keep-alive timeout is shorter than the load balancer's reuse of
// idle connections closes a connection just as the load balancer sends the
// next request on it, and that request gets a 502 (FAQ 5.6, 1.5): the
// intermittent kind no single request reproduces. The request is written byte
// for byte, so headers the http probe's client refuses (Transfer-Encoding,
// FAQ 1.5: 501) can be sent too. Over HTTPS the certificate gets the verdict
// every TLS-speaking probe gives it (tls-handshake.ts, docs/tls.md).
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ChunkedDecoder } from '../reference/http/wire/chunked.js';
import { findHeadEnd } from '../reference/http/wire/head-end.js';
import {
  type BodyFraming,
  parseResponseHead,
  type ResponseHead,
  responseFraming,
  responseKeepsConnection,
} from '../reference/http/wire/response-head.js';
import { classifyDialError, type DialFailure, describeDialFailure } from '../transport/dialers/local.js';
import type { HttpErrorKind } from './contracts/http.js';
import type { TlsVerdictData } from './contracts/tls.js';
import {
  type HttpKeepaliveParams,
  type HttpKeepaliveVerdict,
  httpKeepaliveContract,
} from './contracts/http-keepalive.js';
import { dialKind } from './http-error-kind.js';
import { formatTarget, ms } from './network-params.js';
import { judgeTls, refusedVerdict, sniName, startTls } from './tls-handshake.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

export { type HttpKeepaliveParams, httpKeepaliveParams } from './contracts/http-keepalive.js';

/** Body bytes kept as evidence. */
const BODY_EXCERPT = 2048;
/** A response head larger than this is malformed (as the reference LB reads a member's). */
const MAX_HEAD = 64 * 1024;
/** The hold runs this long past the load balancer's window, so a close right at it is seen. */
const MARGIN_S = 1;

/** The idle hold, seconds: the load balancer's window plus a margin, at most maxIdleSeconds. */
export function holdSeconds(p: Pick<HttpKeepaliveParams, 'lbIdleSeconds' | 'maxIdleSeconds'>): number {
  return Math.min(p.lbIdleSeconds + MARGIN_S, p.maxIdleSeconds);
}

export const httpKeepaliveProbe: NetworkProbe<HttpKeepaliveParams> = {
  ...httpKeepaliveContract,
  // The hold is the point of the probe: it needs that long on top of --timeout.
  extraTimeMs: (p) => holdSeconds(p) * 1000,
  run: runKeepalive,
};

interface Failure {
  kind: HttpErrorKind;
  code?: string;
  message: string;
  dial?: DialFailure;
  /** The certificate verdict when the handshake failed or the certificate is bad. */
  tls?: TlsVerdictData;
}

const KIND_TEXT: Partial<Record<HttpErrorKind, string>> = {
  tls: 'the TLS handshake failed',
  'reset-before-response': 'the server reset the connection (RST) before answering',
  'closed-before-response': 'the server closed the connection without answering',
  'response-timeout': 'no response head arrived in time',
  'malformed-response': 'the response is not valid HTTP',
  'reset-mid-body': 'the server reset the connection (RST) in the middle of the body',
  'closed-mid-body': 'the server closed the connection before the body was complete',
  'body-timeout': 'the body stopped arriving',
  aborted: 'the run was stopped',
};

function requestBytes(p: HttpKeepaliveParams, hostHeader: string): string {
  const extra = Object.entries(p.headers ?? {});
  const has = (name: string) => extra.some(([k]) => k.toLowerCase() === name);
  const lines = [`${p.method} ${p.path} HTTP/1.1`, `Host: ${hostHeader}`];
  if (!has('connection')) lines.push('Connection: keep-alive');
  if (!has('user-agent')) lines.push('User-Agent: lbdoctor');
  for (const [k, v] of extra) lines.push(`${k}: ${v}`);
  const te = extra.find(([k]) => k.toLowerCase() === 'transfer-encoding')?.[1];
  const chunked = te !== undefined && /(^|,)\s*chunked\s*$/i.test(te);
  let body = '';
  if (chunked) {
    // A chunked request must end with the last chunk, or the server waits for it.
    const b = Buffer.from(p.body ?? '', 'utf8');
    body = `${b.length > 0 ? `${b.length.toString(16)}\r\n${p.body}\r\n` : ''}0\r\n\r\n`;
  } else if (p.body !== undefined) {
    if (!has('content-length') && te === undefined)
      lines.push(`Content-Length: ${Buffer.byteLength(p.body)}`);
    body = p.body;
  }
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function headerRecord(head: ResponseHead): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < head.rawHeaders.length; i += 2) {
    const name = head.names[i >> 1] ?? (head.rawHeaders[i] ?? '').toLowerCase();
    const value = head.rawHeaders[i + 1] ?? '';
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** `Keep-Alive: timeout=5, max=100` → 5. */
export function keepAliveTimeoutOf(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value.join(', ') : value;
  const m = v === undefined ? null : /(?:^|[,;\s])timeout\s*=\s*"?(\d+(?:\.\d+)?)"?/i.exec(v);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

interface Response {
  head: ResponseHead;
  framing: BodyFraming;
  body: Buffer;
  bodyBytes: number;
  /** Bytes after the response (a server must not send any). */
  extra: number;
}

/**
 * Reads one response from `stream`. Resolves with it once complete; rejects
 * with a Failure. Leaves the stream's listeners for the hold to add its own.
 */
function readResponse(
  stream: Duplex,
  method: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ response: Response; closedAfter: boolean }> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let scanFrom = 0;
    let head: ResponseHead | undefined;
    let framing: BodyFraming | undefined;
    let decoder: ChunkedDecoder | undefined;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bodyBytes = 0;
    let done = false;
    const keep = (b: Buffer) => {
      bodyBytes += b.length;
      if (keptBytes < BODY_EXCERPT) {
        const part = b.subarray(0, BODY_EXCERPT - keptBytes);
        kept.push(Buffer.from(part));
        keptBytes += part.length;
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (f: Failure) => {
      if (done) return;
      done = true;
      cleanup();
      reject(f);
    };
    const finish = (extra: number, closedAfter: boolean) => {
      if (done || !head || !framing) return;
      done = true;
      cleanup();
      resolve({
        response: { head, framing, body: Buffer.concat(kept), bodyBytes, extra },
        closedAfter,
      });
    };
    const timer = setTimeout(
      () =>
        fail({
          kind: head ? 'body-timeout' : 'response-timeout',
          message: `no ${head ? 'complete body' : 'response head'} within ${timeoutMs} ms`,
        }),
      timeoutMs,
    );
    const onAbort = () => fail({ kind: 'aborted', message: 'the run was stopped' });
    /** Feeds body bytes from b[at..]; true when the body is complete. */
    const feedBody = (b: Buffer, at: number): boolean => {
      if (!framing) return false;
      if (framing.kind === 'none') return true;
      if (framing.kind === 'length') {
        const need = framing.length - bodyBytes;
        const take = Math.min(need, b.length - at);
        if (take > 0) keep(b.subarray(at, at + take));
        if (framing.length - bodyBytes === 0) {
          finish(b.length - at - take, false);
          return true;
        }
        return false;
      }
      if (framing.kind === 'chunked') {
        decoder ??= new ChunkedDecoder();
        const used = decoder.push(b, at, keep);
        if (decoder.error) {
          fail({ kind: 'malformed-response', message: `chunked body: ${decoder.error}` });
          return true;
        }
        if (decoder.done) {
          finish(b.length - at - used, false);
          return true;
        }
        return false;
      }
      keep(b.subarray(at));
      return false;
    };
    const onData = (chunk: Buffer) => {
      if (done) return;
      if (head) {
        feedBody(chunk, 0);
        return;
      }
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const end = findHeadEnd(buf, scanFrom);
        if (end === 'bare-lf') {
          fail({ kind: 'malformed-response', message: 'a bare LF in the response head' });
          return;
        }
        if (end === -1) {
          if (buf.length > MAX_HEAD)
            fail({ kind: 'malformed-response', message: 'response head over 64 KiB' });
          scanFrom = Math.max(0, buf.length - 3);
          return;
        }
        const parsed = parseResponseHead(buf, 0, end);
        if (!parsed.ok) {
          fail({ kind: 'malformed-response', message: parsed.reason });
          return;
        }
        if (parsed.head.status < 200) {
          // 1xx (100 Continue): an interim answer; the real one follows.
          buf = buf.subarray(end);
          scanFrom = 0;
          if (buf.length === 0) return;
          continue;
        }
        const f = responseFraming(parsed.head, method);
        if ('error' in f) {
          fail({ kind: 'malformed-response', message: f.error });
          return;
        }
        head = parsed.head;
        framing = f;
        if (feedBody(buf, end) && framing.kind === 'none') finish(buf.length - end, false);
        return;
      }
    };
    const ended = (how: 'fin' | 'reset', err?: NodeJS.ErrnoException) => {
      if (done) return;
      if (head && framing?.kind === 'close') {
        finish(0, true);
        return;
      }
      const code = err?.code;
      if (!head) {
        fail({
          kind: how === 'reset' ? 'reset-before-response' : 'closed-before-response',
          ...(code ? { code } : {}),
          message: err?.message ?? 'the server closed the connection',
        });
        return;
      }
      fail({
        kind: how === 'reset' ? 'reset-mid-body' : 'closed-mid-body',
        ...(code ? { code } : {}),
        message: err?.message ?? 'the server closed the connection',
      });
    };
    const onEnd = () => ended('fin');
    const onClose = () => ended('fin');
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') ended('reset', e);
      else if (head) fail({ kind: 'other', ...(e.code ? { code: e.code } : {}), message: e.message });
      else fail({ kind: 'other', ...(e.code ? { code: e.code } : {}), message: e.message });
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Holds the connection idle; resolves with how it ended. */
function hold(
  stream: Duplex,
  holdMs: number,
  signal: AbortSignal,
): Promise<'fin' | 'reset' | 'open' | 'aborted'> {
  if (stream.destroyed || stream.readableEnded) return Promise.resolve('fin');
  return new Promise((resolve) => {
    let settled = false;
    const done = (how: 'fin' | 'reset' | 'open' | 'aborted') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(how);
    };
    const timer = setTimeout(() => done('open'), holdMs);
    const onAbort = () => done('aborted');
    stream.on('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'reset' : 'fin'),
    );
    stream.on('end', () => done('fin'));
    stream.on('close', () => done('fin'));
    // Bytes after the response are drained; a server may not send any while idle.
    stream.on('data', () => {});
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

interface Opened {
  stream: Duplex;
  raw: Duplex;
  connectMs: number;
  /** HTTPS only: the verdict on the certificate, which `insecure` looked past. */
  tls?: TlsVerdictData;
}

async function openStream(p: HttpKeepaliveParams, hostHeader: string, ctx: ProbeContext): Promise<Opened> {
  const t0 = performance.now();
  let raw: Duplex;
  try {
    raw = await ctx.dialer.connect(p.host, p.port, { signal: ctx.signal, timeoutMs: ctx.timeoutMs });
  } catch (err) {
    const dial = classifyDialError(err);
    throw {
      kind: dialKind(dial),
      ...(dial.code ? { code: dial.code } : {}),
      message: dial.message,
      dial,
    } satisfies Failure;
  }
  if (raw instanceof Socket) raw.setNoDelay(true);
  if (p.protocol === 'HTTP') return { stream: raw, raw, connectMs: ms(performance.now() - t0) };
  // The name the Host header asks for: the SNI, and what the certificate must cover.
  const name = hostHeader.replace(/^\[([^\]]+)\].*$/, '$1').replace(/:\d+$/, '');
  const servername = sniName(name);
  const r = await startTls(
    raw,
    { ...(servername ? { servername } : {}), alpn: ['http/1.1'], ...(p.ca ? { ca: p.ca } : {}) },
    ctx.signal,
    ctx.timeoutMs,
  );
  if (!r.ok) {
    if (r.handshake.code === 'ABORT_ERR') throw { kind: 'aborted', message: 'the run was stopped' };
    const tls = refusedVerdict(r.handshake);
    const code = r.handshake.code;
    throw { kind: 'tls', ...(code ? { code } : {}), message: tls.detail, tls } satisfies Failure;
  }
  const tls = judgeTls(r.hs, name, p.ca);
  if (tls.layer !== 'ok' && !p.insecure) {
    r.socket.on('error', () => {});
    r.socket.destroy();
    raw.destroy();
    throw { kind: 'tls', message: tls.detail, tls } satisfies Failure;
  }
  return { stream: r.socket, raw, connectMs: ms(performance.now() - t0), tls };
}

async function runKeepalive(p: HttpKeepaliveParams, ctx: ProbeContext): Promise<Observation> {
  const target = formatTarget(p.host, p.port);
  const hostHeader = p.hostHeader ?? target;
  const holdS = holdSeconds(p);
  const shownPath = p.path.length > 200 ? `${p.path.slice(0, 200)}…` : p.path;
  const base = {
    host: p.host,
    port: p.port,
    vantage: ctx.dialer.vantage,
    request: `${p.method} ${shownPath} HTTP/1.1, Host: ${hostHeader}`,
    lbIdleSeconds: p.lbIdleSeconds,
    holdSeconds: holdS,
  };
  const where = `${p.protocol === 'HTTPS' ? 'https' : 'http'}://${target}${shownPath} (from ${ctx.dialer.vantage})`;
  const started = performance.now();
  const timings: { connectMs?: number; responseMs?: number } = {};
  let stream: Duplex | undefined;
  let raw: Duplex | undefined;
  let tls: TlsVerdictData | undefined;
  try {
    const opened = await openStream(p, hostHeader, ctx);
    stream = opened.stream;
    raw = opened.raw;
    timings.connectMs = opened.connectMs;
    tls = opened.tls;
    const sent = performance.now();
    const reading = readResponse(stream, p.method, ctx.timeoutMs, ctx.signal);
    stream.write(requestBytes(p, hostHeader));
    const { response, closedAfter } = await reading;
    timings.responseMs = ms(performance.now() - sent);
    const doneAt = performance.now();
    const { head } = response;
    const headers = headerRecord(head);
    const routerCode = first(headers['x-router-code']);
    const keepAliveTimeout = keepAliveTimeoutOf(headers['keep-alive']);
    const persistent = !closedAfter && responseKeepsConnection(head, response.framing);
    const answered = {
      ...base,
      status: head.status,
      ...(head.reason ? { statusText: head.reason } : {}),
      httpVersion: `1.${head.versionMinor}`,
      headers,
      ...(routerCode ? { routerCode } : {}),
      body: response.body.toString('utf8'),
      bodyBytesRead: response.bodyBytes,
      ...(keepAliveTimeout !== undefined ? { keepAliveTimeout } : {}),
      persistent,
      ...(tls ? { tls } : {}),
    };
    // insecure looked past the certificate; the summary still says what a verifying client meets.
    const looked = tls && tls.layer !== 'ok' ? ` (certificate ignored: ${tls.detail})` : '';
    const announced =
      keepAliveTimeout !== undefined ? `, announces Keep-Alive timeout=${keepAliveTimeout}` : '';
    const answer = `${p.method} ${where} → ${head.status}${routerCode ? ` x-router-code ${routerCode}` : ''}${announced}${looked}`;
    const result = (
      outcome: Observation['outcome'],
      verdict: HttpKeepaliveVerdict,
      summary: string,
      extra: Record<string, unknown> = {},
    ): Observation => ({
      outcome,
      summary,
      ...(outcome === 'error' ? { reason: summary } : {}),
      data: { ...answered, ...extra, verdict, timings },
      expected: `an idle keep-alive connection open longer than ${p.lbIdleSeconds} s`,
      actual: summary,
      durationMs: performance.now() - started,
    });
    if (p.maxIdleSeconds === 0) {
      // Only the answer was wanted (a request as written): no verdict on keep-alive.
      return result(
        'pass',
        persistent ? 'not-held' : 'not-persistent',
        `${answer}${persistent ? '' : ' (connection closed after it)'}`,
      );
    }
    if (!persistent) {
      return result(
        'pass',
        'not-persistent',
        `${answer}; the response closes the connection (${closedAfter ? 'body delimited by the close' : 'Connection: close'}), so no idle connection is ever reused`,
      );
    }
    const ended = await hold(stream, holdS * 1000, ctx.signal);
    const heldMs = ms(performance.now() - doneAt);
    if (ended === 'aborted') {
      const summary = `${answer}; the run was stopped during the idle hold`;
      return {
        outcome: 'error',
        summary,
        reason: summary,
        data: { ...answered, heldMs, timings },
        durationMs: performance.now() - started,
      };
    }
    if (ended === 'open') {
      if (holdS < p.lbIdleSeconds + MARGIN_S) {
        return result(
          'error',
          'not-measured',
          `${answer}; still open after ${holdS} s idle, but the load balancer may reuse it for ${p.lbIdleSeconds} s: not held that long (maxIdleSeconds)`,
          { ended, heldMs },
        );
      }
      return result(
        'pass',
        'longer',
        `${answer}; kept the idle connection open for ${holdS} s, longer than the load balancer's ${p.lbIdleSeconds} s`,
        { ended, heldMs },
      );
    }
    const idle = Math.round(heldMs / 100) / 10;
    return result(
      'fail',
      'shorter',
      `${answer}; ${ended === 'reset' ? 'reset (RST)' : 'closed (FIN)'} the idle connection after ${idle} s, within the load balancer's ${p.lbIdleSeconds} s`,
      { ended, idleMs: heldMs, idleSeconds: idle, heldMs },
    );
  } catch (err) {
    const f: Failure =
      err && typeof err === 'object' && 'kind' in err
        ? (err as Failure)
        : { kind: 'other', message: (err as Error)?.message ?? String(err) };
    const detail = f.dial
      ? `${target} ${describeDialFailure(f.dial)}`
      : `${KIND_TEXT[f.kind] ?? 'the request failed'}${f.code ? ` [${f.code}]` : ''}: ${f.message}`;
    const summary = `${p.method} ${where} → ${detail}: the idle hold could not start`;
    // A certificate or handshake the server got wrong is an answer, not a missing one:
    // the same fail the tls and http probes give it (docs/tls.md, "one verdict").
    const tlsFailed = f.kind === 'tls' && f.tls !== undefined;
    // A request that failed after an insecure handshake still carries its certificate verdict.
    const verdict = f.tls ?? tls;
    return {
      outcome: tlsFailed ? 'fail' : 'error',
      summary,
      ...(tlsFailed ? {} : { reason: summary }),
      data: {
        ...base,
        ...(f.dial ? { state: f.dial.state } : {}),
        timings,
        error: { kind: f.kind, ...(f.code ? { code: f.code } : {}), message: f.message },
        ...(verdict ? { tls: verdict } : {}),
      },
      ...(tlsFailed ? { expected: 'a TLS handshake and a certificate every client accepts' } : {}),
      actual: tlsFailed ? `tls ${f.tls?.layer}` : f.kind,
      durationMs: performance.now() - started,
    };
  } finally {
    stream?.destroy();
    raw?.destroy();
  }
}
