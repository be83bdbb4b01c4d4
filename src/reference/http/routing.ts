// Forwarding policies (l7policies): which pool a request goes to. Rules of one
// policy must all match. Order: `priority` (smaller first, as the ELB v3 API
// says), then ELB's default order for equal priorities — policies with a
// domain rule first, then exact path, prefix, regex, longer paths first —
// then the order in the inventory. No match: the listener's default pool.
import type { L7Policy } from '../../model/inventory.js';

export interface CompiledRule {
  type: 'HOST_NAME' | 'PATH';
  test(value: string): boolean;
}

export interface Route<P> {
  policy: L7Policy | null;
  pool: P;
}

function hostMatcher(compare: string, value: string): (host: string) => boolean {
  const want = value.toLowerCase();
  if (compare === 'REGEX') {
    const re = new RegExp(value, 'i');
    return (h) => re.test(h);
  }
  if (want.startsWith('*.')) {
    // A wildcard domain covers one label, like a wildcard certificate (FAQ 7.1).
    const suffix = want.slice(1);
    return (h) => h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
  }
  return compare === 'STARTS_WITH' ? (h) => h.startsWith(want) : (h) => h === want;
}

function pathMatcher(compare: string, value: string): (path: string) => boolean {
  if (compare === 'REGEX') {
    const re = new RegExp(value);
    return (p) => re.test(p);
  }
  return compare === 'STARTS_WITH' ? (p) => p.startsWith(value) : (p) => p === value;
}

export function compileRule(rule: L7Policy['rules'][number]): CompiledRule {
  const m =
    rule.type === 'HOST_NAME'
      ? hostMatcher(rule.compare_type, rule.value)
      : pathMatcher(rule.compare_type, rule.value);
  return { type: rule.type, test: m };
}

const COMPARE_RANK: Record<string, number> = { EQUAL_TO: 0, STARTS_WITH: 1, REGEX: 2 };

function sortKey(p: L7Policy): [number, number, number, number] {
  const hasHost = p.rules.some((r) => r.type === 'HOST_NAME') ? 0 : 1;
  const path = p.rules.find((r) => r.type === 'PATH');
  return [p.priority, hasHost, path ? (COMPARE_RANK[path.compare_type] ?? 3) : 1, -(path?.value.length ?? 1)];
}

export class Router<P> {
  private readonly compiled: { policy: L7Policy; rules: CompiledRule[]; pool: P }[];
  private readonly defaultRoute: Route<P> | null;

  constructor(policies: readonly { policy: L7Policy; pool: P }[], defaultPool: P | null) {
    const withKeys = policies.map((p, i) => ({ ...p, key: sortKey(p.policy), i }));
    withKeys.sort((a, b) => {
      for (let k = 0; k < 4; k++) {
        const d = (a.key[k] ?? 0) - (b.key[k] ?? 0);
        if (d !== 0) return d;
      }
      return a.i - b.i;
    });
    this.compiled = withKeys.map((p) => ({
      policy: p.policy,
      rules: p.policy.rules.map(compileRule),
      pool: p.pool,
    }));
    this.defaultRoute = defaultPool === null ? null : { policy: null, pool: defaultPool };
  }

  /** The route for a request as received: `Host` value (or absolute-form authority) and target with its query. */
  routeRequest(hostHeader: string, target: string): Route<P> | null {
    // Without policies every request goes to the default pool: nothing to normalise.
    if (this.compiled.length === 0) return this.defaultRoute;
    const query = target.indexOf('?');
    return this.route(hostWithoutPort(hostHeader), query < 0 ? target : target.slice(0, query));
  }

  /** `host` without port, lower case; `path` without the query string. */
  route(host: string, path: string): Route<P> | null {
    for (const c of this.compiled) {
      if (c.rules.every((r) => r.test(r.type === 'HOST_NAME' ? host : path)))
        return { policy: c.policy, pool: c.pool };
    }
    return this.defaultRoute;
  }
}

/** `Host: Example.com:8080` → `example.com`; IPv6 `[::1]:80` → `::1`. */
export function hostWithoutPort(host: string | undefined): string {
  if (!host) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}
