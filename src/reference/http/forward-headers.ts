// Headers between client and backend. Hop-by-hop headers stay on their own
// connection (RFC 9110 7.6.1); the X-Forwarded-* family and X-Real-IP tell the
// backend who the client was (FAQ 3.9 "Layer 7", 5.1 Table 5-1).

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** A parsed header section: names and values as received, and the names lower-cased once (wire/). */
export interface HeaderList {
  readonly rawHeaders: readonly string[];
  readonly names: readonly string[];
}

/** Header names listed in Connection (RFC 9110 7.6.1), lower case; null when there is no Connection header. */
function connectionTokens(h: HeaderList): Set<string> | null {
  let names: Set<string> | null = null;
  const raw = h.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (h.names[i >> 1] === 'connection') {
      for (const t of (raw[i + 1] ?? '').split(',')) {
        const n = t.trim().toLowerCase();
        // `close` names no header and `keep-alive` is dropped anyway: the usual values need no set.
        if (n && n !== 'close' && !HOP_BY_HOP.has(n)) {
          names ??= new Set();
          names.add(n);
        }
      }
    }
  }
  return names;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * `Name: value` lines (each ending in CRLF) without hop-by-hop headers and
 * without `drop` (lower-case names), case and order kept: a response head for
 * the client.
 */
export function endToEndHeaderLines(h: HeaderList, drop: ReadonlySet<string> = NONE): string {
  // The fixed hop-by-hop list and `drop` are shared sets; only a Connection header adds names per message.
  const named = connectionTokens(h);
  const raw = h.rawHeaders;
  let out = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = h.names[i >> 1] as string;
    if (HOP_BY_HOP.has(lower) || drop.has(lower) || named?.has(lower)) continue;
    out += `${name}: ${raw[i + 1]}\r\n`;
  }
  return out;
}

/** Which of the optional headers a listener inserts (ELB API `insert_headers`); all on unless set false. */
export interface InsertHeaders {
  xForwardedElbIp: boolean;
  xForwardedPort: boolean;
  xForwardedHost: boolean;
  /** The client's source port; off unless asked for, as in the ELB API. */
  xForwardedForPort: boolean;
}

export function insertHeadersFrom(
  setting: Readonly<Record<string, boolean>> | null | undefined,
): InsertHeaders {
  const get = (k: string, fallback = true) => {
    const hit = Object.entries(setting ?? {}).find(([name]) => name.toLowerCase() === k);
    return hit ? hit[1] : fallback;
  };
  return {
    xForwardedElbIp: get('x-forwarded-elb-ip'),
    xForwardedPort: get('x-forwarded-port'),
    xForwardedHost: get('x-forwarded-host'),
    xForwardedForPort: get('x-forwarded-for-port', false),
  };
}

export interface ForwardContext {
  clientIp: string;
  clientPort: number;
  /** `http` or `https`: the listener's protocol. */
  proto: 'http' | 'https';
  listenerPort: number;
  /** The EIP bound to the load balancer, when there is one (Table 5-1). */
  elbIp: string | null;
  insert: InsertHeaders;
  /** The host of an absolute-form request target, which replaces the client's Host (RFC 9112 3.2.2). */
  host?: string | null;
}

const OURS = new Set([
  'x-real-ip',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-host',
  'x-forwarded-elb-ip',
  'x-forwarded-for-port',
]);

/** What the listener never forwards from a client: its own headers, the framing it writes itself, and `extra`. */
export function backendDropSet(extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...OURS, 'x-forwarded-for', 'content-length', ...extra]);
}

const DEFAULT_DROP = backendDropSet();

/**
 * Request header lines for the backend (`Name: value` CRLF each). X-Forwarded-For keeps what earlier proxies
 * wrote and appends the client (FAQ 3.9: the first address is the client's);
 * the other X-Forwarded-* and X-Real-IP are the load balancer's to set, so a
 * client's own values are replaced, never trusted.
 */
export function requestHeaderLines(
  h: HeaderList,
  ctx: ForwardContext,
  drop: ReadonlySet<string> = DEFAULT_DROP,
): string {
  // One pass: the client's X-Forwarded-For and Host are read while the rest is filtered.
  const named = connectionTokens(h);
  const raw = h.rawHeaders;
  let out = '';
  let xff = '';
  let host: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = h.names[i >> 1] as string;
    if (lower === 'x-forwarded-for') {
      const v = value.trim();
      if (v) xff = xff ? `${xff}, ${v}` : v;
      continue;
    }
    if (lower === 'host') {
      if (host !== undefined || ctx.host) continue;
      host = value;
    }
    if (HOP_BY_HOP.has(lower) || drop.has(lower) || named?.has(lower)) continue;
    out += `${name}: ${value}\r\n`;
  }
  if (ctx.host) {
    host = ctx.host;
    out = `Host: ${host}\r\n${out}`;
  }
  out += `X-Forwarded-For: ${xff ? `${xff}, ${ctx.clientIp}` : ctx.clientIp}\r\nX-Real-IP: ${ctx.clientIp}\r\nX-Forwarded-Proto: ${ctx.proto}\r\n`;
  if (ctx.insert.xForwardedPort) out += `X-Forwarded-Port: ${ctx.listenerPort}\r\n`;
  if (ctx.insert.xForwardedHost && host !== undefined) out += `X-Forwarded-Host: ${host}\r\n`;
  if (ctx.insert.xForwardedElbIp && ctx.elbIp) out += `X-Forwarded-ELB-IP: ${ctx.elbIp}\r\n`;
  if (ctx.insert.xForwardedForPort) out += `X-Forwarded-For-Port: ${ctx.clientPort}\r\n`;
  return out;
}
