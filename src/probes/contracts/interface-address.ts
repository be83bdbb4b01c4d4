// interface-address: is the member address configured on the host? (FAQ 2.1/2.2)
import { z } from 'zod';
import { interfaceName, ipParam } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const interfaceAddressParams = z
  .object({
    address: ipParam.describe('the member address the load balancer sends to'),
    interface: interfaceName.optional().describe('the NIC that must hold it, e.g. eth0'),
  })
  .strict();
export type InterfaceAddressParams = z.infer<typeof interfaceAddressParams>;

export const interfaceAddressEntry = z
  .object({
    index: z.number().int().describe('interface index'),
    ifname: z.string().describe('interface name'),
    family: z.enum(['inet', 'inet6']).describe('address family'),
    address: z.string().describe('the address'),
    prefix: z.number().int().describe('prefix length'),
    scope: sometimes('ip printed one', z.string().describe('global, link, host…')),
    flags: z.array(z.string()).describe('tentative, dadfailed, deprecated, secondary, dynamic…'),
    label: sometimes('IPv4 with a label', z.string().describe('address label, e.g. eth0:1')),
  })
  .strict();

const whenRead = 'pass, fail';

export const interfaceAddressData = z
  .object({
    addresses: sometimes(
      whenRead,
      z.array(z.string()).describe('every address on the host, "ifname address/prefix"'),
    ),
    matches: sometimes(
      whenRead,
      z.array(interfaceAddressEntry).describe('the entries holding the address parameter'),
    ),
  })
  .strict();

export const interfaceAddressContract = defineContract({
  kind: 'interface-address',
  needs: 'host',
  summary: 'the member address is configured on the host (and on the given NIC)',
  params: interfaceAddressParams,
  data: interfaceAddressData,
});
