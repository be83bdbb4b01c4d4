// What every client connection of one HTTP/HTTPS listener shares: its
// options, the member connection pool, timeouts in milliseconds, the access
// log, and the small helpers over raw header lists.
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AccessLogEntry } from '../../accesslog/format.js';
import type { HeaderList } from './forward-headers.js';
import type { HttpListenerOptions } from './listener.js';
import type { UpstreamPool } from './upstream-pool.js';

/** What the access log says about the TLS side of a connection (null on HTTP listeners). */
export interface TlsLogFields {
  certificateId: string | null;
  sslProtocol: string | null;
  sslCipher: string | null;
  sniDomainName: string | null;
}

export const NO_TLS: TlsLogFields = {
  certificateId: null,
  sslProtocol: null,
  sslCipher: null,
  sniDomainName: null,
};

/** An access-log entry without what the listener fills in itself. */
export type ListenerLogEntry = Omit<
  AccessLogEntry,
  'lbName' | 'listenerName' | 'listenerId' | 'tenantId' | 'topicId' | 'at' | 'eipAddress' | 'eipPort'
>;

export interface ListenerContext {
  readonly o: HttpListenerOptions;
  readonly scheme: 'http' | 'https';
  readonly pool: UpstreamPool;
  readonly clientMs: number;
  /** 0: close after each response (FAQ 5.6). */
  readonly keepaliveMs: number;
  /** `Keep-Alive: timeout=N` and CRLF, for responses on a kept connection. */
  readonly keepAliveHeader: string;
  readonly memberMs: number;
  /** Longest head we buffer before answering 400/414: the header limit plus the longest URI, plus slack for the request line. */
  readonly headLimit: number;
  /** The port actually bound (the configured one may be 0). */
  boundPort: number;
  /** The listener is stopping: no new keep-alive. */
  closing: boolean;
  isReady(): boolean;
  log(entry: ListenerLogEntry): void;
  /** Requests in progress, for a draining close. */
  exchangeStarted(): void;
  exchangeEnded(): void;
}

export function clientIpOf(socket: net.Socket): string {
  const ip = socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** A request target in origin form for the backend (`GET http://h/p` → `/p`). */
export function originForm(target: string): { path: string; hostFromUrl: string | null } {
  if (target.startsWith('/') || target === '*') return { path: target, hostFromUrl: null };
  try {
    const u = new URL(target);
    return { path: `${u.pathname}${u.search}`, hostFromUrl: u.host };
  } catch {
    return { path: target, hostFromUrl: null };
  }
}

/** Every value of one header (`name` in lower case). */
export function headerValues(h: HeaderList, name: string): string[] {
  const out: string[] = [];
  const raw = h.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (h.names[i >> 1] === name) out.push(raw[i + 1] as string);
  return out;
}

/** The first value of one header (`name` in lower case), or null. */
export function headerValue(h: HeaderList, name: string): string | null {
  const raw = h.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (h.names[i >> 1] === name) return raw[i + 1] as string;
  return null;
}

/** What the listener needs from a request's headers, read in one pass. */
export interface RequestFacts {
  /** The first Host value, or null. */
  host: string | null;
  /** Tokens of the Connection header(s). */
  close: boolean;
  keepAlive: boolean;
  /** Connection lists `upgrade` and an Upgrade header names the protocol (FAQ 5.5). */
  upgrade: string | null;
  expectContinue: boolean;
}

export function requestFacts(h: HeaderList): RequestFacts {
  const facts: RequestFacts = {
    host: null,
    close: false,
    keepAlive: false,
    upgrade: null,
    expectContinue: false,
  };
  let upgradeValue: string | null = null;
  let connectionUpgrade = false;
  const raw = h.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const value = raw[i + 1] as string;
    switch (h.names[i >> 1]) {
      case 'host':
        facts.host ??= value;
        break;
      case 'connection':
        for (const t of value.split(',')) {
          const token = t.trim().toLowerCase();
          if (token === 'close') facts.close = true;
          else if (token === 'keep-alive') facts.keepAlive = true;
          else if (token === 'upgrade') connectionUpgrade = true;
        }
        break;
      case 'upgrade':
        upgradeValue ??= value;
        break;
      case 'expect':
        if (value.toLowerCase() === '100-continue') facts.expectContinue = true;
        break;
    }
  }
  if (connectionUpgrade && upgradeValue !== null) facts.upgrade = upgradeValue;
  return facts;
}

export const secsSince = (t0: number) => Math.max(0, (performance.now() - t0) / 1000);
