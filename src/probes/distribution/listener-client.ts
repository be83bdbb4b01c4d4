// The HTTP client the which-member probe sends its series with. A `Session`
// is one client as a browser or curl would be: it dials through the vantage's
// Dialer (from a chosen source address when asked), keeps its connection
// alive or opens one per request, and keeps the cookies it is given when told
// to (curl -c/-b). Cookie values stay in memory: only names leave this file.
import { isIP, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { Client } from 'undici';
import { tapIncoming } from '../../transport/dialers/flowing.js';
import type { Dialer } from '../../transport/types.js';
import type { Answer } from './member-identity.js';

/** Body bytes kept per answer: enough to tell members apart by their body. */
const BODY_BYTES = 4096;

export interface SessionOptions {
  dialer: Dialer;
  signal: AbortSignal;
  /** Where the requests go: scheme, Host header, path. */
  url: URL;
  /** Dial this address and port instead of the URL's (a member, asked directly). */
  dial?: { host: string; port: number };
  scheme: 'http' | 'https';
  localAddress?: string;
  insecure: boolean;
  timeoutMs: number;
}

export type Reply = { ok: true; answer: Answer } | { ok: false; reason: string };

/** One parsed Set-Cookie: the name and value (the value only ever compared, never reported). */
function parseSetCookie(v: string): { name: string; value: string } | undefined {
  const pair = v.split(';', 1)[0] ?? '';
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
}

export class Session {
  private client: Client | undefined;
  /** Cookies this client holds, name → value. */
  readonly jar = new Map<string, string>();
  /** Connections dialled so far. */
  connections = 0;

  constructor(private readonly o: SessionOptions) {}

  private open(): Client {
    const o = this.o;
    const host = o.dial?.host ?? o.url.hostname.replace(/^\[|\]$/g, '');
    const port = o.dial?.port ?? (o.url.port ? Number(o.url.port) : o.scheme === 'https' ? 443 : 80);
    const connect = (_opts: unknown, cb: (err: Error | null, socket: Duplex | null) => void): void => {
      this.connections++;
      o.dialer
        .connect(host, port, {
          signal: o.signal,
          timeoutMs: o.timeoutMs,
          ...(o.localAddress ? { localAddress: o.localAddress } : {}),
        })
        .then(
          (stream) => {
            const socket = stream instanceof Socket ? stream : tapIncoming(stream, 0).stream;
            if (o.scheme === 'http') return cb(null, socket);
            // SNI is the listener's name (never an IP literal, RFC 6066), members included.
            const name = o.url.hostname.replace(/^\[|\]$/g, '');
            const tls = tlsConnect({
              socket,
              rejectUnauthorized: !o.insecure,
              ALPNProtocols: ['http/1.1'],
              ...(isIP(name) === 0 ? { servername: name } : {}),
            });
            const onError = (e: Error) => {
              tls.destroy();
              cb(e, null);
            };
            tls.once('error', onError);
            tls.once('secureConnect', () => {
              // From here undici owns the socket and its errors.
              tls.off('error', onError);
              cb(null, tls);
            });
          },
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err)), null),
        );
    };
    return new Client(`${o.scheme}://${o.url.host}`, {
      connect: connect as never,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      pipelining: 1,
    });
  }

  /**
   * One GET. `keepCookies`: send the jar and take the answer's Set-Cookie into
   * it; then `changed` lists the cookies it set to a value other than the one sent.
   */
  async get(keepCookies: boolean): Promise<Reply & { set?: string[]; changed?: string[] }> {
    this.client ??= this.open();
    const headers: Record<string, string> = { host: this.o.url.host, 'user-agent': 'lbdoctor' };
    if (keepCookies && this.jar.size > 0)
      headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    try {
      const res = await this.client.request({
        path: `${this.o.url.pathname}${this.o.url.search}`,
        method: 'GET',
        headers,
        signal: AbortSignal.any([this.o.signal, AbortSignal.timeout(this.o.timeoutMs)]),
      });
      let body = '';
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (body.length < BODY_BYTES) body += chunk.toString('utf8');
      }
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k.toLowerCase()] = v;
      const raw = out['set-cookie'];
      const cookies = (Array.isArray(raw) ? raw : raw ? [raw] : [])
        .map(parseSetCookie)
        .filter((c) => c !== undefined);
      const changed: string[] = [];
      if (keepCookies) {
        for (const c of cookies) {
          const sent = this.jar.get(c.name);
          if (sent !== undefined && sent !== c.value) changed.push(c.name);
          this.jar.set(c.name, c.value);
        }
      }
      return {
        ok: true,
        answer: { status: res.statusCode, headers: out, body: body.slice(0, BODY_BYTES) },
        set: cookies.map((c) => c.name),
        changed,
      };
    } catch (err) {
      // A failed connection is not reused: the next request dials again.
      await this.close();
      return { ok: false, reason: (err as Error).message || String(err) };
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.destroy().catch(() => {});
  }
}
