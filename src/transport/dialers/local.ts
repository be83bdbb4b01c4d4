// The local Dialer: TCP streams from the operator's machine. Every network
// probe reads a failed dial through classifyDialError(), so a refused port
// (RST), a silent drop (timeout), an ICMP "unreachable" and a name that does
// not resolve stay four different observations — the FAQ's causes differ
// (1.2 step 1: port not listening vs 2.1/2.2: security group, ACL or host
// firewall dropping the traffic).
import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dialer } from '../types.js';

/** What a dial attempt ended in; the vocabulary of `data.state` in tcp and friends. */
export type DialState =
  | 'open'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'dns-error'
  | 'reset'
  | 'aborted'
  | 'error';

export interface DialFailure {
  state: Exclude<DialState, 'open'>;
  /** errno-style code when there is one (ECONNREFUSED, ETIMEDOUT, ENOTFOUND…). */
  code?: string;
  /** Which phase failed, when known. */
  phase?: 'dns' | 'connect';
  message: string;
}

/** Thrown by dialers for failures that have no errno of their own (timeout, abort). */
export class DialError extends Error {
  readonly code: string;
  readonly phase: 'dns' | 'connect';
  constructor(code: string, phase: 'dns' | 'connect', message: string) {
    super(message);
    this.name = 'DialError';
    this.code = code;
    this.phase = phase;
  }
}

const REFUSED_CODES = new Set(['ECONNREFUSED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Classifies an error from any dialer (local sockets, or an SSH forwardOut
 * whose failure arrives as text such as "Channel open failure: Connection refused").
 */
export function classifyDialError(err: unknown): DialFailure {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; phase?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const phase: DialFailure['phase'] =
    e?.phase === 'dns' ? 'dns' : e?.phase === 'connect' ? 'connect' : undefined;
  const base = { ...(code ? { code } : {}), ...(phase ? { phase } : {}), message };
  if (e?.name === 'AbortError' || code === 'ABORT_ERR') return { state: 'aborted', ...base };
  if (e?.name === 'TimeoutError') return { state: 'timeout', ...base };
  if (phase === 'dns' || (code && DNS_CODES.has(code))) return { state: 'dns-error', ...base };
  if (code && REFUSED_CODES.has(code)) return { state: 'refused', ...base };
  if (code && TIMEOUT_CODES.has(code)) return { state: 'timeout', ...base };
  if (code && UNREACHABLE_CODES.has(code)) return { state: 'unreachable', ...base };
  if (code && RESET_CODES.has(code)) return { state: 'reset', ...base };
  // Text-only errors (ssh2 channel-open failures carry the remote strerror).
  if (/connection refused/i.test(message)) return { state: 'refused', ...base };
  if (/timed? ?out/i.test(message)) return { state: 'timeout', ...base };
  if (/no route to host|unreachable|network is down/i.test(message)) return { state: 'unreachable', ...base };
  if (
    /name or service not known|could not resolve|temporary failure in name resolution|nodename nor servname/i.test(
      message,
    )
  ) {
    return { state: 'dns-error', ...base };
  }
  if (/connection reset|broken pipe/i.test(message)) return { state: 'reset', ...base };
  return { state: 'error', ...base };
}

/** One line for summaries: "refused the connection (RST)". */
export function describeDialFailure(f: DialFailure): string {
  switch (f.state) {
    case 'refused':
      return 'refused the connection (RST: nothing listens, or a firewall REJECTs with tcp-reset)';
    case 'timeout':
      return f.phase === 'dns'
        ? 'name resolution timed out'
        : 'did not answer (timeout: SYN dropped by a firewall, security group or ACL, or no host)';
    case 'unreachable':
      return `is unreachable (${f.code ?? 'ICMP unreachable'}: no route to the host or network)`;
    case 'dns-error':
      return `name does not resolve (${f.code ?? f.message})`;
    case 'reset':
      return `reset the connection (${f.code ?? 'RST'})`;
    case 'aborted':
      return 'was not tried to the end (aborted)';
    default:
      return `failed: ${f.message}`;
  }
}

export interface DialTimings {
  /** Name resolution, absent when the host was already an IP address. */
  dnsMs?: number;
  /** TCP handshake (SYN → SYN/ACK → ACK). */
  connectMs: number;
  /** The IP address actually dialled, when the dialer knows it. */
  address?: string;
}

const timings = new WeakMap<object, DialTimings>();

/** Phase timings a dialer recorded for a stream it returned (local dialer only; SSH knows less). */
export function dialTimingsOf(stream: Duplex): DialTimings | undefined {
  return timings.get(stream);
}

export function recordDialTimings(stream: Duplex, t: DialTimings): void {
  timings.set(stream, t);
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  // Keep the reason: AbortSignal.timeout() (a run's deadline) aborts with a TimeoutError.
  if (reason instanceof Error && (reason.name === 'AbortError' || reason.name === 'TimeoutError'))
    return reason;
  return new DOMException('the operation was aborted', 'AbortError');
}

/** Runs `work` but rejects as soon as the deadline passes or the signal aborts. */
function withDeadline<T>(
  work: Promise<T>,
  signal: AbortSignal,
  deadline: number,
  onTimeout: () => Error,
): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(onTimeout())), Math.max(0, deadline - Date.now()));
    const onAbort = (): void => finish(() => reject(abortError(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    let done = false;
    function finish(f: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      f();
    }
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}

async function resolveHost(host: string, signal: AbortSignal, deadline: number): Promise<string> {
  try {
    const { address } = await withDeadline(
      lookup(host),
      signal,
      deadline,
      () => new DialError('ETIMEOUT', 'dns', `resolving ${host} timed out`),
    );
    return address;
  } catch (err) {
    if ((err as { name?: string }).name === 'AbortError' || err instanceof DialError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw Object.assign(new DialError(e.code ?? 'ENOTFOUND', 'dns', `cannot resolve ${host}: ${e.message}`), {
      cause: err,
    });
  }
}

function connectSocket(
  address: string,
  port: number,
  signal: AbortSignal,
  deadline: number,
  localAddress?: string,
): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = new Socket();
    const cleanup = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const fail = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void => fail(err);
    const onAbort = (): void => fail(abortError(signal));
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    const budgetMs = Math.max(0, deadline - Date.now());
    const timer = setTimeout(
      () =>
        fail(
          new DialError(
            'ETIMEDOUT',
            'connect',
            `connect to ${address}:${port} timed out after ${budgetMs} ms`,
          ),
        ),
      budgetMs,
    );
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
    socket.connect({ host: address, port, ...(localAddress ? { localAddress } : {}) });
  });
}

export function createLocalDialer(): Dialer {
  return {
    vantage: 'local',
    async connect(host, port, { signal, timeoutMs, localAddress }) {
      // One budget for DNS and the handshake together: what --timeout means to a user.
      const deadline = Date.now() + timeoutMs;
      const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
      let dnsMs: number | undefined;
      let address = bare;
      if (isIP(bare) === 0) {
        const t0 = performance.now();
        address = await resolveHost(bare, signal, deadline);
        dnsMs = performance.now() - t0;
      }
      const t1 = performance.now();
      const socket = await connectSocket(address, port, signal, deadline, localAddress);
      recordDialTimings(socket, {
        ...(dnsMs === undefined ? {} : { dnsMs }),
        connectMs: performance.now() - t1,
        address,
      });
      return socket;
    },
  };
}

export const localDialer: Dialer = createLocalDialer();
