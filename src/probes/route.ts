// route: does the default route go via the subnet gateway? FAQ 2.1/2.2
// "Checking the Backend Server Route": when the default route of the primary
// NIC was changed, health check replies leave by the wrong path.

import type { z } from 'zod';
import { cidrContains, parseCidr } from '../model/net.js';
import type { Proof, Same } from './contracts/define.js';
import { type RouteParams, routeContract, type routeEntry } from './contracts/route.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import type { Route } from './parsers/ip-route.js';
import { defaultRoutes, parseRoutes } from './parsers/ip-route.js';
import type { HostProbe } from './types.js';

export { type RouteParams, routeParams } from './contracts/route.js';

/** The data schema's entries are exactly what the parser reports. */
export type RouteListed = Proof<Same<z.infer<typeof routeEntry>, Route>>;

export const routeProbe: HostProbe<RouteParams> = {
  ...routeContract,
  sections: () => [{ id: 'ip-route' }],
  evaluate(p, outputs) {
    const out = findSection(outputs, { id: 'ip-route' });
    const problem = sectionProblem(out, 'ip route');
    if (problem) return couldNotCheck(problem, rawOf(out));
    const routes = parseRoutes(out!.stdout);
    const defaults = defaultRoutes(routes);
    const used = defaults[0];
    const expected = p.gateway
      ? `default via ${p.gateway}${p.interface ? ` dev ${p.interface}` : ''}`
      : p.subnet
        ? `default via a gateway in ${p.subnet}`
        : 'a default route';
    const toDestination = p.destination ? routeTo(routes, p.destination) : undefined;
    const gatewayEvidence = p.gateway ? 'given' : used?.gateway ? 'default-route' : 'none';
    const data = {
      routes,
      defaultRoute: used ?? null,
      ...(p.destination ? { destinationRoute: toDestination ?? null } : {}),
      gatewayEvidence,
    } as const;
    const raw = rawOf(out);
    if (!used || used.type) {
      return {
        outcome: 'fail',
        summary: used
          ? `the default route is ${used.type}`
          : 'no default route: replies to the load balancer have no way out (FAQ 2.1)',
        data,
        expected,
        actual: used ? used.type : 'none',
        durationMs: 0,
        raw,
      };
    }
    const actual = `default${used.gateway ? ` via ${used.gateway}` : ''}${used.dev ? ` dev ${used.dev}` : ''}`;
    const wrong: string[] = [];
    if (p.gateway && used.gateway !== p.gateway)
      wrong.push(`goes via ${used.gateway ?? 'no gateway'}, not the subnet gateway ${p.gateway}`);
    if (!p.gateway && p.subnet && (!used.gateway || !cidrContains(p.subnet, used.gateway))) {
      wrong.push(`goes via ${used.gateway ?? 'no gateway'}, outside the subnet ${p.subnet}`);
    }
    if (p.interface && used.dev !== p.interface)
      wrong.push(`leaves by ${used.dev ?? 'no device'}, not the primary NIC ${p.interface}`);
    // Replies to the load balancer follow the most specific route to its
    // range: one added by hand that points elsewhere loses them even when the
    // default route is right. Without a gateway given, the default route's
    // next hop is the evidence of what the subnet gateway is.
    const gateway = p.gateway ?? used.gateway;
    if (p.destination && toDestination && toDestination !== used) {
      const via = toDestination.gateway;
      if (toDestination.type)
        wrong.push(`sends ${p.destination} to a ${toDestination.type} route (${toDestination.destination})`);
      else if (via && via !== gateway)
        wrong.push(
          `sends replies to ${p.destination} via ${via} (route ${toDestination.destination}), not the subnet gateway ${gateway ?? '(unknown)'}${p.gateway ? '' : ' that the default route uses'}`,
        );
    }
    if (wrong.length) {
      return {
        outcome: 'fail',
        summary: `the default route ${wrong.join(' and ')} (FAQ 2.1 "Checking the Backend Server Route")`,
        data,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    return { outcome: 'pass', summary: actual, data, expected, actual, durationMs: 0, raw };
  },
};

/** The route the kernel picks for a whole range: the longest prefix that contains it (ip route get, for a range). */
function routeTo(routes: readonly Route[], destination: string): Route | undefined {
  const [addr, bits] = parseCidr(destination);
  let best: { r: Route; bits: number; metric: number } | undefined;
  for (const r of routes) {
    const d =
      r.destination === 'default'
        ? '0.0.0.0/0'
        : r.destination.includes('/')
          ? r.destination
          : `${r.destination}/32`;
    let rb: number;
    try {
      const [, b] = parseCidr(d);
      rb = b;
    } catch {
      continue;
    }
    if (rb > bits || !cidrContains(d, addr.toString())) continue;
    const metric = r.metric ?? 0;
    if (!best || rb > best.bits || (rb === best.bits && metric < best.metric)) best = { r, bits: rb, metric };
  }
  return best?.r;
}
