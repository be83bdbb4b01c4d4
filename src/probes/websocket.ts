// websocket: does an upgrade handshake get through? ELB's HTTP/HTTPS
// listeners pass WebSocket upgrades on (FAQ 5.x WebSocket note); a proxy or
// backend that strips `Upgrade`, answers 200/400, or computes a wrong
// Sec-WebSocket-Accept breaks it. The probe sends the RFC 6455 §4.1 request
// through the vantage's Dialer and checks the 101 answer, then closes politely.
import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { classifyDialError, describeDialFailure } from '../transport/dialers/local.js';
import { type WebsocketParams, websocketContract } from './contracts/websocket.js';
import type { TlsVerdictData } from './contracts/tls.js';
import { ms } from './network-params.js';
import { judgeTls, refusedVerdict, sniName, startTls } from './tls-handshake.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_HEAD = 64 * 1024;

export { type WebsocketParams, websocketParams } from './contracts/websocket.js';

export function acceptFor(key: string): string {
  return createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
}

function targetOf(p: WebsocketParams): {
  secure: boolean;
  host: string;
  port: number;
  path: string;
  hostHeader: string;
} {
  const url = p.url
    ? new URL(p.url)
    : new URL(
        `${p.scheme ?? (p.port === 443 ? 'wss' : 'ws')}://${p.host!.includes(':') ? `[${p.host}]` : p.host}${p.port ? `:${p.port}` : ''}${p.path ?? '/'}`,
      );
  const secure = url.protocol === 'wss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return {
    secure,
    host,
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    path: `${url.pathname}${url.search}`,
    hostHeader: p.hostHeader ?? url.host,
  };
}

/** Reads the response head (up to the blank line), bounded; rejects on close, error, abort or timeout. */
function readHead(stream: Duplex, signal: AbortSignal, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const finish = (f: () => void): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      stream.off('data', onData);
      stream.off('error', onError);
      stream.off('close', onClose);
      f();
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) finish(() => resolve(buf.subarray(0, end).toString('latin1')));
      else if (buf.length > MAX_HEAD)
        finish(() =>
          reject(Object.assign(new Error('response head over 64 KB'), { kind: 'malformed-response' })),
        );
    };
    const onError = (err: Error): void => finish(() => reject(Object.assign(err, { kind: 'reset' })));
    const onClose = (): void =>
      finish(() =>
        reject(
          Object.assign(
            new Error(
              buf.length
                ? 'connection closed inside the response head'
                : 'connection closed without a response',
            ),
            {
              kind: 'closed',
            },
          ),
        ),
      );
    const onAbort = (): void =>
      finish(() => reject(Object.assign(new Error('aborted'), { kind: 'aborted' })));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(Object.assign(new Error(`no response in ${timeoutMs} ms`), { kind: 'response-timeout' })),
        ),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

function parseHead(
  head: string,
): { status: number; statusText: string; headers: Record<string, string> } | undefined {
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), statusText: m[2] ?? '', headers };
}

/** A masked close frame, status 1000 (RFC 6455 §5.5.1): clients must mask. */
function closeFrame(): Buffer {
  const mask = randomBytes(4);
  const payload = Buffer.from([0x03, 0xe8]);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), mask, payload]);
}

type Opened = { ok: true; stream: Duplex; tls?: TlsVerdictData } | { ok: false; tls: TlsVerdictData };

/** Dials, and for wss shakes hands and judges the certificate the way the tls probe does. */
async function openStream(
  p: WebsocketParams,
  t: ReturnType<typeof targetOf>,
  ctx: ProbeContext,
): Promise<Opened> {
  const raw = await ctx.dialer.connect(t.host, t.port, { signal: ctx.signal, timeoutMs: ctx.timeoutMs });
  if (!t.secure) return { ok: true, stream: raw };
  const name = p.servername ?? t.hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const servername = sniName(name);
  const r = await startTls(
    raw,
    { ...(servername ? { servername } : {}), alpn: ['http/1.1'], ...(p.ca ? { ca: p.ca } : {}) },
    ctx.signal,
    ctx.timeoutMs,
  );
  if (!r.ok) return { ok: false, tls: refusedVerdict(r.handshake) };
  const tls = judgeTls(r.hs, name, p.ca);
  if (tls.layer !== 'ok' && !p.insecure) {
    r.socket.on('error', () => {});
    r.socket.destroy();
    return { ok: false, tls };
  }
  return { ok: true, stream: r.socket, tls };
}

async function runWebsocket(params: WebsocketParams, ctx: ProbeContext): Promise<Observation> {
  const started = performance.now();
  const t = targetOf(params);
  const where = `${t.secure ? 'wss' : 'ws'}://${t.hostHeader}${t.path} via ${t.host}:${t.port} (from ${ctx.dialer.vantage})`;
  const base = {
    url: `${t.secure ? 'wss' : 'ws'}://${t.hostHeader}${t.path}`,
    dialed: `${t.host}:${t.port}`,
    vantage: ctx.dialer.vantage,
  };
  let opened: Opened;
  try {
    opened = await openStream(params, t, ctx);
  } catch (err) {
    const failure = classifyDialError(err);
    const reason = `${t.host}:${t.port} ${describeDialFailure(failure)}`;
    return {
      outcome: 'error',
      summary: `${where}: ${reason}`,
      reason,
      data: { ...base, error: { kind: failure.state } },
      durationMs: performance.now() - started,
    };
  }
  if (!opened.ok) {
    // The same verdict, and so the same outcome, as the tls probe's: the server answered wrongly.
    const aborted = opened.tls.handshake?.code === 'ABORT_ERR';
    return {
      outcome: aborted ? 'error' : 'fail',
      summary: `${where}: TLS ${opened.tls.detail}`,
      ...(aborted ? { reason: 'aborted' } : {}),
      data: { ...base, error: { kind: 'tls' }, tls: opened.tls },
      actual: `tls ${opened.tls.layer}`,
      durationMs: performance.now() - started,
    };
  }
  const { stream } = opened;
  const tlsData = opened.tls ? { tls: opened.tls } : {};
  stream.on('error', () => {});
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${t.path} HTTP/1.1`,
    `Host: ${t.hostHeader}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(params.origin ? [`Origin: ${params.origin}`] : []),
    ...(params.subprotocol ? [`Sec-WebSocket-Protocol: ${params.subprotocol}`] : []),
    ...Object.entries(params.headers ?? {}).map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, ' ')}`),
  ];
  try {
    const headPromise = readHead(stream, ctx.signal, ctx.timeoutMs);
    stream.write(`${lines.join('\r\n')}\r\n\r\n`);
    let head: string;
    try {
      head = await headPromise;
    } catch (err) {
      const kind = (err as { kind?: string }).kind ?? 'other';
      const reason = `${(err as Error).message} (${kind})`;
      return {
        outcome: 'error',
        summary: `${where}: ${reason}`,
        reason,
        data: { ...base, error: { kind }, ...tlsData },
        durationMs: performance.now() - started,
      };
    }
    const res = parseHead(head);
    const durationMs = performance.now() - started;
    if (!res) {
      const reason = 'the answer is not an HTTP response';
      return {
        outcome: 'fail',
        summary: `${where}: ${reason}`,
        data: { ...base, error: { kind: 'malformed-response' }, ...tlsData },
        actual: head.slice(0, 200),
        durationMs,
        raw: head,
      };
    }
    const data = {
      ...base,
      status: res.status,
      headers: res.headers,
      handshakeMs: ms(durationMs),
      ...tlsData,
    };
    const problems: string[] = [];
    if (res.status !== 101) {
      problems.push(`${`status ${res.status} ${res.statusText}`.trim()} instead of 101 Switching Protocols`);
    } else {
      if ((res.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        problems.push(`Upgrade header is "${res.headers.upgrade ?? ''}"`);
      if (!/\bupgrade\b/i.test(res.headers.connection ?? ''))
        problems.push(`Connection header is "${res.headers.connection ?? ''}"`);
      if (res.headers['sec-websocket-accept'] !== acceptFor(key)) {
        problems.push(
          `Sec-WebSocket-Accept is "${res.headers['sec-websocket-accept'] ?? ''}", expected ${acceptFor(key)}`,
        );
      }
      if (params.subprotocol && res.headers['sec-websocket-protocol'] !== params.subprotocol) {
        problems.push(`subprotocol "${params.subprotocol}" not selected`);
      }
    }
    if (problems.length === 0) stream.write(closeFrame());
    const routerCode = res.headers['x-router-code'];
    return {
      outcome: problems.length ? 'fail' : 'pass',
      summary: problems.length
        ? `${where}: upgrade refused: ${problems.join('; ')}${routerCode ? ` (x-router-code ${routerCode})` : ''}`
        : `${where}: upgraded (101, accept key verified) in ${ms(durationMs)} ms`,
      data: { ...data, ...(problems.length ? { problems } : {}) },
      expected: '101 with a valid Sec-WebSocket-Accept',
      actual: problems.length ? problems.join('; ') : '101',
      durationMs,
      raw: head,
    };
  } finally {
    stream.end();
    stream.destroy();
  }
}

export const websocketProbe: NetworkProbe<WebsocketParams> = { ...websocketContract, run: runWebsocket };
