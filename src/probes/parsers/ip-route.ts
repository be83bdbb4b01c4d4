// Parses the IPv4 routing table from `ip route` (iproute2) or `route -n`
// (net-tools, older CentOS-style hosts). FAQ 2.1/2.2 "Checking the Backend
// Server Route": the default route must go via the subnet gateway.
import ipaddr from 'ipaddr.js';

export interface Route {
  /** "default" or a CIDR such as 192.168.0.0/24 (a host route gets /32). */
  destination: string;
  gateway?: string;
  dev?: string;
  proto?: string;
  scope?: string;
  src?: string;
  metric?: number;
  /** Route type when not unicast: blackhole, unreachable, prohibit, local… */
  type?: string;
}

const ROUTE_TYPES = new Set([
  'unicast',
  'local',
  'broadcast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'anycast',
]);

export function parseIpRoute(text: string): Route[] {
  const routes: Route[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const words = line.split(/\s+/);
    const route: Route = { destination: '' };
    let i = 0;
    if (ROUTE_TYPES.has(words[0]!)) {
      if (words[0] !== 'unicast') route.type = words[0]!;
      i = 1;
    }
    const dest = words[i++]!;
    route.destination = dest === 'default' || dest.includes('/') ? dest : `${dest}/32`;
    for (; i < words.length; i++) {
      const w = words[i]!;
      const next = words[i + 1];
      if (next === undefined) break;
      if (w === 'via') route.gateway = words[++i]!.replace(/^inet6?\s*/, '');
      else if (w === 'dev') route.dev = words[++i]!;
      else if (w === 'proto') route.proto = words[++i]!;
      else if (w === 'scope') route.scope = words[++i]!;
      else if (w === 'src') route.src = words[++i]!;
      else if (w === 'metric') route.metric = Number(words[++i]);
    }
    routes.push(route);
  }
  return routes;
}

/** `route -n`: Destination Gateway Genmask Flags Metric Ref Use Iface. */
export function parseRouteN(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 8 || !ipaddr.IPv4.isValidFourPartDecimal(w[0]!)) continue;
    const [dest, gw, mask, flags, metric, , , iface] = w as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const bits = ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask() ?? 32;
    const route: Route = {
      destination: dest === '0.0.0.0' && bits === 0 ? 'default' : `${dest}/${bits}`,
      dev: iface,
      metric: Number(metric),
    };
    if (flags.includes('G') && gw !== '0.0.0.0') route.gateway = gw;
    if (flags.includes('!')) route.type = 'unreachable';
    routes.push(route);
  }
  return routes;
}

/** Either format: `route -n` output starts with "Kernel IP routing table". */
export function parseRoutes(text: string): Route[] {
  return /^Kernel IP routing table/m.test(text) ? parseRouteN(text) : parseIpRoute(text);
}

/** Default routes, lowest metric first (the one the kernel uses). */
export function defaultRoutes(routes: readonly Route[]): Route[] {
  return routes
    .filter((r) => r.destination === 'default' || r.destination === '0.0.0.0/0')
    .sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0));
}
