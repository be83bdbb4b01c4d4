// http: one request through the vantage's Dialer, with the answer and where
// the time went. The status and `x-router-code` header drive the FAQ 1.5/1.6
// playbooks; the error kinds keep "the backend reset the connection" apart
// from "it sent garbage" and "it never answered" — three different 502/504
// causes in FAQ 1.5.
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Client } from 'undici';
import { tapIncoming } from '../transport/dialers/flowing.js';
import {
  classifyDialError,
  type DialFailure,
  describeDialFailure,
  dialTimingsOf,
} from '../transport/dialers/local.js';
import {
  type HttpErrorKind,
  type HttpParams,
  type HttpTimings,
  httpContract,
  parseConnectTo,
} from './contracts/http.js';
import type { TlsVerdictData } from './contracts/tls.js';
import { dialKind } from './http-error-kind.js';
import { formatStatusRanges, parseStatusExpectation, statusMatches } from './http-expect.js';
import { ms } from './network-params.js';
import { judgeTls, refusedVerdict, sniName, startTls } from './tls-handshake.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

// The parameters and data shape live in the contract; re-exported for existing importers.
export { type HttpErrorKind, type HttpParams, type HttpTimings, httpParams } from './contracts/http.js';

export function requestUrl(p: HttpParams): URL {
  if (p.url) return new URL(p.url);
  const scheme = p.scheme ?? (p.port === 443 ? 'https' : 'http');
  const host = p.host!.includes(':') && !p.host!.startsWith('[') ? `[${p.host}]` : p.host!;
  return new URL(`${scheme}://${host}${p.port ? `:${p.port}` : ''}${p.path ?? '/'}`);
}

function bareHostname(u: URL): string {
  return u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
}

function hostOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\]/.exec(hostHeader);
  if (m?.[1]) return m[1];
  return hostHeader.replace(/:\d+$/, '');
}

function sniFor(p: HttpParams, u: URL): string | undefined {
  return sniName(p.servername ?? (p.hostHeader ? hostOf(p.hostHeader) : bareHostname(u)));
}

function classifyRequestError(
  err: unknown,
  gotHead: boolean,
): { kind: HttpErrorKind; code?: string; message: string } {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown };
  const message = e?.message ?? String(err);
  // String codes only: a DOMException (AbortSignal.timeout) carries a legacy numeric code (23).
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const base = { ...(code ? { code } : {}), message };
  if (e?.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR')
    return { kind: 'aborted', ...base };
  // A run's deadline (AbortSignal.timeout) reads as the timeout of the phase it cut short.
  if (e?.name === 'TimeoutError') return { kind: gotHead ? 'body-timeout' : 'response-timeout', ...base };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'response-timeout', ...base };
  if (code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'body-timeout', ...base };
  if (
    e?.name === 'HTTPParserError' ||
    code?.startsWith('HPE_') ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ||
    code === 'UND_ERR_INFO'
  ) {
    return { kind: 'malformed-response', ...base };
  }
  const causeCode = (e?.cause as { code?: string } | undefined)?.code;
  const reset =
    code === 'ECONNRESET' || causeCode === 'ECONNRESET' || code === 'EPIPE' || /reset/i.test(message);
  const closed = code === 'UND_ERR_SOCKET' || /other side closed|socket hang up/i.test(message);
  if (reset) return { kind: gotHead ? 'reset-mid-body' : 'reset-before-response', ...base };
  if (closed) return { kind: gotHead ? 'closed-mid-body' : 'closed-before-response', ...base };
  return { kind: 'other', ...base };
}

function describeKind(kind: HttpErrorKind): string {
  const text: Record<HttpErrorKind, string> = {
    dns: 'the name does not resolve',
    'connect-refused': 'the connection was refused (RST: nothing listens on that port)',
    'connect-timeout': 'the connection timed out (SYN dropped or no host)',
    unreachable: 'the address is unreachable',
    'connect-error': 'the connection failed',
    tls: 'the TLS handshake failed',
    'reset-before-response': 'the server reset the connection (RST) before answering',
    'closed-before-response': 'the server closed the connection without answering',
    'response-timeout': 'no response head arrived in time (response timeout)',
    'malformed-response': 'the response is not valid HTTP',
    'reset-mid-body': 'the server reset the connection (RST) in the middle of the body',
    'closed-mid-body': 'the server closed the connection before the body was complete',
    'body-timeout': 'the body stopped arriving (body timeout)',
    aborted: 'the request was aborted',
    other: 'the request failed',
  };
  return text[kind];
}

function toHeaderRecord(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

export const httpProbe: NetworkProbe<HttpParams> = { ...httpContract, run: runHttp };

async function runHttp(params: HttpParams, ctx: ProbeContext): Promise<Observation> {
  const url = requestUrl(params);
  const https = url.protocol === 'https:';
  const pinned = params.connectTo ? parseConnectTo(params.connectTo) : undefined;
  const dialHost = pinned?.host ?? bareHostname(url);
  const dialPort = pinned?.port ?? (url.port ? Number(url.port) : https ? 443 : 80);
  const servername = https ? sniFor(params, url) : undefined;
  const method = params.method;
  const t0 = performance.now();
  const timings: HttpTimings = { totalMs: 0 };
  let readyAt: number | undefined;
  let dialFailure: DialFailure | undefined;
  /** The certificate verdict, shared with the tls probe (tls-handshake.ts). */
  let tlsVerdict: TlsVerdictData | undefined;
  const checkedName = servername ?? bareHostname(url);
  let peer: { address?: string; tlsProtocol?: string; cipher?: string } = {};

  const where = `${method} ${url.href}${pinned ? ` via ${dialHost}:${dialPort}` : ''} (from ${ctx.dialer.vantage})`;
  const connector = (
    _opts: unknown,
    callback: (err: Error | null, socket: Duplex | TLSSocket | null) => void,
  ): void => {
    ctx.dialer.connect(dialHost, dialPort, { signal: ctx.signal, timeoutMs: ctx.timeoutMs }).then(
      (stream) => {
        const dt = dialTimingsOf(stream);
        if (dt?.dnsMs !== undefined) timings.dnsMs = ms(dt.dnsMs);
        timings.connectMs = ms(dt?.connectMs ?? performance.now() - t0);
        if (dt?.address) peer.address = dt.address;
        // Local sockets go to undici as they are; any other stream (an SSH channel) is read eagerly.
        // (startTls reads eagerly too, to see the certificates the server presents.)
        const socket = stream instanceof Socket || https ? stream : tapIncoming(stream, 0).stream;
        if (!https) {
          readyAt = performance.now();
          callback(null, socket);
          return;
        }
        startTls(
          socket,
          {
            ...(servername ? { servername } : {}),
            alpn: ['http/1.1'],
            ...(params.ca ? { ca: params.ca } : {}),
          },
          ctx.signal,
          ctx.timeoutMs,
        ).then((r) => {
          if (!r.ok) {
            tlsVerdict = refusedVerdict(r.handshake);
            callback(new Error(tlsVerdict.detail), null);
            return;
          }
          timings.tlsMs = ms(r.tlsMs);
          tlsVerdict = judgeTls(r.hs, checkedName, params.ca);
          peer = { ...peer, tlsProtocol: r.hs.protocol, cipher: r.hs.cipher?.name };
          // One verdict everywhere: a certificate the tls probe fails fails the request too,
          // unless the caller asked to look past it (and data.tls still says what is wrong).
          if (tlsVerdict.layer !== 'ok' && !params.insecure) {
            r.socket.on('error', () => {});
            r.socket.destroy();
            callback(new Error(tlsVerdict.detail), null);
            return;
          }
          readyAt = performance.now();
          callback(null, r.socket);
        });
      },
      (err: unknown) => {
        dialFailure = classifyDialError(err);
        callback(err instanceof Error ? err : new Error(String(err)), null);
      },
    );
  };

  const responseTimeout = params.responseTimeoutMs ?? ctx.timeoutMs;
  const client = new Client(url.origin, {
    connect: connector as never,
    headersTimeout: responseTimeout,
    bodyTimeout: responseTimeout,
    pipelining: 1,
  });
  const headers: Record<string, string> = { ...(params.headers ?? {}) };
  if (params.hostHeader) headers.host = params.hostHeader;
  if (params.cookies) {
    const jar = Object.entries(params.cookies).map(([k, v]) => `${k}=${v}`);
    headers.cookie = headers.cookie ? `${headers.cookie}; ${jar.join('; ')}` : jar.join('; ');
  }
  const ranges =
    params.expect?.status === undefined ? undefined : parseStatusExpectation(params.expect.status);
  const baseData = {
    url: url.href,
    method,
    vantage: ctx.dialer.vantage,
    dialed: `${dialHost}:${dialPort}`,
    ...(servername ? { servername } : {}),
  };

  let status: number | undefined;
  let resHeaders: Record<string, string | string[]> | undefined;
  const chunks: Buffer[] = [];
  let kept = 0;
  let received = 0;
  let truncated = false;
  try {
    const res = await client.request({
      path: `${url.pathname}${url.search}`,
      method: method as never,
      headers,
      ...(params.body === undefined ? {} : { body: params.body }),
      signal: ctx.signal,
    });
    status = res.statusCode;
    resHeaders = toHeaderRecord(res.headers as Record<string, string | string[] | undefined>);
    if (readyAt !== undefined) timings.firstByteMs = ms(performance.now() - readyAt);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (kept < params.bodyBytes) {
        const part = chunk.subarray(0, params.bodyBytes - kept);
        chunks.push(part);
        kept += part.length;
      }
      if (received > params.bodyBytes) {
        // Enough for evidence: stop reading rather than download a large body.
        truncated = true;
        res.body.destroy();
        break;
      }
    }
    timings.totalMs = ms(performance.now() - t0);
    const excerpt = Buffer.concat(chunks).toString('utf8');
    const routerCode = firstValue(resHeaders['x-router-code']);
    const matched = ranges === undefined || statusMatches(status, ranges);
    const data = {
      ...baseData,
      status,
      ...(res.statusText ? { statusText: res.statusText } : {}),
      headers: resHeaders,
      ...(routerCode ? { routerCode } : {}),
      body: excerpt,
      bodyBytesRead: received,
      bodyTruncated: truncated,
      timings,
      ...(peer.address ? { address: peer.address } : {}),
      ...(peer.tlsProtocol ? { tlsProtocol: peer.tlsProtocol, cipher: peer.cipher } : {}),
      ...(tlsVerdict ? { tls: tlsVerdict } : {}),
    };
    const rc = routerCode ? ` x-router-code ${routerCode}` : '';
    // insecure looked past the certificate; the summary still says what a verifying client meets.
    const looked =
      tlsVerdict && tlsVerdict.layer !== 'ok' ? ` (certificate ignored: ${tlsVerdict.detail})` : '';
    return {
      outcome: matched ? 'pass' : 'fail',
      summary: `${where} → ${status}${rc} in ${timings.totalMs} ms${matched ? '' : ` (expected ${formatStatusRanges(ranges!)})`}${looked}`,
      data,
      ...(ranges ? { expected: `status ${formatStatusRanges(ranges)}`, actual: `status ${status}` } : {}),
      durationMs: performance.now() - t0,
      raw: responseHead(status, res.statusText, resHeaders, excerpt),
    };
  } catch (err) {
    timings.totalMs = ms(performance.now() - t0);
    let error: { kind: HttpErrorKind; code?: string; message: string; dialState?: DialFailure['state'] };
    if (dialFailure) {
      error = {
        kind: dialKind(dialFailure),
        ...(dialFailure.code ? { code: dialFailure.code } : {}),
        message: dialFailure.message,
        dialState: dialFailure.state,
      };
    } else if (tlsVerdict && tlsVerdict.layer !== 'ok') {
      const code = tlsVerdict.handshake?.code;
      error = { kind: 'tls', ...(code ? { code } : {}), message: tlsVerdict.detail };
    } else {
      error = classifyRequestError(err, status !== undefined);
    }
    const detail =
      dialFailure !== undefined
        ? `${dialHost}:${dialPort} ${describeDialFailure(dialFailure)}`
        : `${describeKind(error.kind)}${error.code ? ` [${error.code}]` : ''}: ${error.message}`;
    const summary = `${where} → ${status !== undefined ? `${status}, then ` : ''}${detail}`;
    const data = {
      ...baseData,
      ...(status !== undefined ? { status, headers: resHeaders } : {}),
      ...(status !== undefined && firstValue(resHeaders?.['x-router-code'])
        ? { routerCode: firstValue(resHeaders?.['x-router-code']) }
        : {}),
      ...(chunks.length ? { body: Buffer.concat(chunks).toString('utf8'), bodyBytesRead: received } : {}),
      error,
      timings,
      ...(tlsVerdict ? { tls: tlsVerdict } : {}),
    };
    // A head that arrived and then broke is an observed misbehaviour (fail);
    // no response at all means the question got no answer (error) — except a
    // certificate or handshake the server got wrong, which is an answer: the
    // same fail the tls probe gives it.
    const tlsFailed = error.kind === 'tls' && tlsVerdict?.handshake?.code !== 'ABORT_ERR';
    if (status !== undefined || tlsFailed) {
      return {
        outcome: 'fail',
        summary,
        data,
        ...(ranges ? { expected: `status ${formatStatusRanges(ranges)}` } : {}),
        actual: status !== undefined ? `status ${status}, ${error.kind}` : `tls ${tlsVerdict?.layer}`,
        durationMs: performance.now() - t0,
      };
    }
    return {
      outcome: 'error',
      summary,
      reason: detail,
      data,
      actual: error.kind,
      durationMs: performance.now() - t0,
    };
  } finally {
    await client.destroy().catch(() => {});
  }
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function responseHead(
  status: number,
  statusText: string | undefined,
  headers: Record<string, string | string[]>,
  body: string,
): string {
  const lines = [`HTTP ${status}${statusText ? ` ${statusText}` : ''}`];
  for (const [k, v] of Object.entries(headers))
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  return `${lines.join('\n')}\n\n${body}`;
}
