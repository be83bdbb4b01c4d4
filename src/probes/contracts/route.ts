// route: does the default route go via the subnet gateway? (FAQ 2.1/2.2)
import { z } from 'zod';
import { cidrParam, interfaceName, ipParam } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const routeParams = z
  .object({
    gateway: ipParam.optional().describe('the VPC subnet gateway the default route must use'),
    subnet: cidrParam
      .optional()
      .describe("the member's subnet: without gateway, the default gateway must at least be inside it"),
    interface: interfaceName
      .optional()
      .describe('the primary NIC the default route must leave by, e.g. eth0'),
    destination: cidrParam
      .optional()
      .describe(
        "the load balancer's source range (100.125.0.0/16, or the LB subnet): replies to it must leave via the gateway too, or on-link",
      ),
  })
  .strict();
export type RouteParams = z.infer<typeof routeParams>;

export const routeEntry = z
  .object({
    destination: z.string().describe('"default" or a CIDR (a host route gets /32)'),
    gateway: sometimes('via a gateway', z.string().describe('next hop')),
    dev: sometimes('the route names a device', z.string().describe('outgoing interface')),
    proto: sometimes('ip route', z.string().describe('who installed it: kernel, dhcp, static…')),
    scope: sometimes('ip route', z.string().describe('link, host, global…')),
    src: sometimes('ip route', z.string().describe('preferred source address')),
    metric: sometimes('the route has a metric', z.number().describe('metric: lowest wins')),
    type: sometimes('not unicast', z.string().describe('blackhole, unreachable, prohibit, local…')),
  })
  .strict();

const whenRead = 'pass, fail';

export const routeData = z
  .object({
    routes: sometimes(
      whenRead,
      z.array(routeEntry).describe('the IPv4 routing table (ip route or route -n)'),
    ),
    defaultRoute: sometimes(
      whenRead,
      routeEntry.nullable().describe('the default route in use (lowest metric); null: none'),
    ),
    destinationRoute: sometimes(
      'destination given, and read',
      routeEntry
        .nullable()
        .describe('the route replies to the destination take (longest prefix match); null: none'),
    ),
    gatewayEvidence: sometimes(
      'pass, fail',
      z
        .enum(['given', 'default-route', 'none'])
        .describe('where the subnet gateway came from: the gateway parameter, the default route, or nowhere'),
    ),
  })
  .strict();

export const routeContract = defineContract({
  kind: 'route',
  needs: 'host',
  summary: 'default route: present, via the subnet gateway, on the primary NIC (FAQ 2.1/2.2)',
  params: routeParams,
  data: routeData,
});
