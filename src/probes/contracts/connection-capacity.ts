// connection-capacity: concurrent connections a set of members can carry
// against what must be carried (FAQ 1.1's IP-as-backend formula, FAQ 1.10's
// "too few members for the test"). Arithmetic on the configuration: nothing
// goes on the wire.
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const connectionCapacityParams = z
  .object({
    members: z.coerce.number().int().min(0).describe('members that take the connections'),
    perMember: z.coerce
      .number()
      .int()
      .min(1)
      .describe('concurrent connections one member takes (FAQ 1.1: 100000 for an IP-as-backend member)'),
    azs: z.coerce
      .number()
      .int()
      .min(1)
      .default(1)
      .describe(
        'availability zones the traffic arrives through (FAQ 1.1: counts for a public load balancer only)',
      ),
    required: z.coerce
      .number()
      .int()
      .min(0)
      .describe('concurrent connections to carry: the specification, or the stress test'),
  })
  .strict();
export type ConnectionCapacityParams = z.infer<typeof connectionCapacityParams>;

export const connectionCapacityData = z
  .object({
    members: z.number().int().describe('the members parameter'),
    perMember: z.number().int().describe('the perMember parameter'),
    azs: z.number().int().describe('the azs parameter'),
    capacity: z.number().int().describe('perMember × members × azs'),
    required: z.number().int().describe('the required parameter'),
    formula: z.string().describe('the sum, written out'),
    membersNeeded: z.number().int().describe('members needed to carry `required` at perMember × azs each'),
    shortBy: sometimes('fail', z.number().int().describe('required − capacity')),
  })
  .strict();

export const connectionCapacityContract = defineContract({
  kind: 'connection-capacity',
  needs: 'network',
  summary: 'concurrent connections members can carry (perMember × members × AZs) against what is required',
  params: connectionCapacityParams,
  data: connectionCapacityData,
});
