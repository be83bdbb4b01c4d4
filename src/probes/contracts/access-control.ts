// access-control: would the listener's whitelist or blacklist let this client
// in? (FAQ 1.1, 1.2 step 5, 6.12) Decided by the reference load balancer's own
// access-control code, so lbdoctor and the reference LB cannot disagree.
import { z } from 'zod';
import { IpGroup } from '../../model/inventory.js';
import { ipParam } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const accessControlParams = z
  .object({
    client: ipParam.describe("the client's address as the load balancer sees it"),
    ipgroup: IpGroup.nullish().describe(
      "the listener's ipgroup (type white|black, ip_list, enable); absent: no access control",
    ),
  })
  .strict();
export type AccessControlParams = z.infer<typeof accessControlParams>;

export const accessControlData = z
  .object({
    client: z.string().describe('the client address checked'),
    enabled: z.boolean().describe('the listener has access control turned on'),
    type: sometimes('enabled', z.enum(['white', 'black']).describe('whitelist or blacklist')),
    matched: sometimes(
      'enabled',
      z.array(z.string()).describe('entries of ip_list that contain the client (empty: none)'),
    ),
    allowed: z.boolean().describe('the load balancer would accept the client'),
  })
  .strict();

export const accessControlContract = defineContract({
  kind: 'access-control',
  needs: 'network',
  summary: "whether a listener's whitelist/blacklist admits a client address (the reference LB's own rule)",
  params: accessControlParams,
  data: accessControlData,
});
