// route: does the default route go via the subnet gateway? FAQ 2.1/2.2
// "Checking the Backend Server Route": when the default route of the primary
// NIC was changed, health check replies leave by the wrong path.
import { z } from 'zod';
import { cidrContains } from '../model/net.js';
import {
  cidrParam,
  couldNotCheck,
  findSection,
  interfaceName,
  ipParam,
  rawOf,
  sectionProblem,
} from './host-probe-support.js';
import { defaultRoutes, parseRoutes } from './parsers/ip-route.js';
import type { HostProbe } from './types.js';

export const routeParams = z
  .object({
    /** The VPC subnet gateway the default route must use. */
    gateway: ipParam.optional(),
    /** The member's subnet: without `gateway`, the default gateway must at least be inside it. */
    subnet: cidrParam.optional(),
    /** The primary NIC, e.g. eth0. */
    interface: interfaceName.optional(),
  })
  .strict();
export type RouteParams = z.infer<typeof routeParams>;

export const routeProbe: HostProbe<RouteParams> = {
  kind: 'route',
  needs: 'host',
  summary: 'default route: present, via the subnet gateway, on the primary NIC (FAQ 2.1/2.2)',
  params: routeParams,
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
    const data = { routes, defaultRoute: used ?? null };
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
