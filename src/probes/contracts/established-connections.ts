// established-connections: how many ESTABLISHED TCP connections a member holds
// on one port, split by where they come from (FAQ 6.11: behind a TCP listener
// the load balancer's active connections should add up to these).
import { z } from 'zod';
import { isValidCidr } from '../../model/net.js';
import { defineContract, sometimes } from './define.js';

export const establishedConnectionsParams = z
  .object({
    port: z.coerce
      .number()
      .int()
      .min(1)
      .max(65535)
      .describe('the local port the connections reach (the member port)'),
    range: z
      .string()
      .refine(
        (s) => s === '' || isValidCidr(s),
        'expected a CIDR such as 100.125.0.0/16, or "" when not known',
      )
      .optional()
      .describe(
        "the load balancer's backend range (a CIDR): connections from it are counted apart; empty or absent when not known",
      ),
    max: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        "fail when the compared count exceeds this: the connections one member port takes from the load balancer's addresses (FAQ 1.10 step 5)",
      ),
  })
  .strict();
export type EstablishedConnectionsParams = z.infer<typeof establishedConnectionsParams>;

const whenRead = 'pass, fail';

export const establishedConnectionsData = z
  .object({
    port: sometimes(whenRead, z.number().int().describe('the port counted')),
    established: sometimes(
      whenRead,
      z.number().int().describe('ESTABLISHED connections to the port, from any peer'),
    ),
    fromRange: sometimes(
      whenRead,
      z.number().int().describe("of those, from the load balancer's range (0 when the range is not known)"),
    ),
    fromOthers: sometimes(
      whenRead,
      z.number().int().describe('of those, from elsewhere (all of them when the range is not known)'),
    ),
    compared: sometimes(
      whenRead,
      z
        .number()
        .int()
        .describe(
          "what a load balancer's count compares with: fromRange when the range is known, else established",
        ),
    ),
    range: sometimes(whenRead, z.string().describe('the range used, "" when not known')),
    max: sometimes('fail', z.number().int().describe('the max parameter, exceeded')),
    tool: sometimes(whenRead, z.enum(['ss', 'netstat']).describe('which tool the host answered with')),
  })
  .strict();

export const establishedConnectionsContract = defineContract({
  kind: 'established-connections',
  needs: 'host',
  summary:
    "a member's ESTABLISHED TCP connections on its port, from the load balancer's range and from others (FAQ 6.11)",
  params: establishedConnectionsParams,
  data: establishedConnectionsData,
});
