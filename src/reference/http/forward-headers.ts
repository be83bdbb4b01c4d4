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

/** Names of the headers that must not cross the proxy: the fixed list plus those named in Connection. */
function hopByHopNames(raw: readonly string[]): Set<string> {
  const names = new Set(HOP_BY_HOP);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === 'connection') {
      for (const t of (raw[i + 1] ?? '').split(',')) {
        const n = t.trim().toLowerCase();
        if (n) names.add(n);
      }
    }
  }
  return names;
}

/** Flat [name, value, name, value…] without hop-by-hop headers (and without `drop`), case and order kept. */
export function endToEndHeaders(raw: readonly string[], drop: ReadonlySet<string> = new Set()): string[] {
  const skip = hopByHopNames(raw);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (skip.has(lower) || drop.has(lower)) continue;
    out.push(name, raw[i + 1] ?? '');
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
}

const OURS = new Set([
  'x-real-ip',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-host',
  'x-forwarded-elb-ip',
  'x-forwarded-for-port',
]);

/**
 * Request headers for the backend. X-Forwarded-For keeps what earlier proxies
 * wrote and appends the client (FAQ 3.9: the first address is the client's);
 * the other X-Forwarded-* and X-Real-IP are the load balancer's to set, so a
 * client's own values are replaced, never trusted.
 */
export function requestHeadersForBackend(
  raw: readonly string[],
  ctx: ForwardContext,
  extraDrop: readonly string[] = [],
): string[] {
  const xff: string[] = [];
  let host: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i]?.toLowerCase();
    if (lower === 'x-forwarded-for') xff.push(raw[i + 1] ?? '');
    else if (lower === 'host' && host === undefined) host = raw[i + 1];
  }
  const out = endToEndHeaders(raw, new Set([...OURS, 'x-forwarded-for', 'content-length', ...extraDrop]));
  out.push('X-Forwarded-For', [...xff.map((v) => v.trim()).filter(Boolean), ctx.clientIp].join(', '));
  out.push('X-Real-IP', ctx.clientIp);
  out.push('X-Forwarded-Proto', ctx.proto);
  if (ctx.insert.xForwardedPort) out.push('X-Forwarded-Port', String(ctx.listenerPort));
  if (ctx.insert.xForwardedHost && host !== undefined) out.push('X-Forwarded-Host', host);
  if (ctx.insert.xForwardedElbIp && ctx.elbIp) out.push('X-Forwarded-ELB-IP', ctx.elbIp);
  if (ctx.insert.xForwardedForPort) out.push('X-Forwarded-For-Port', String(ctx.clientPort));
  return out;
}
