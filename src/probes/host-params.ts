// Parameter pieces shared by the host probes' contracts, so every probe spells
// an address, a range or an interface the same way in a playbook's `with:`.
// Light on purpose (zod and src/model/net.ts only): contracts import it.
import { z } from 'zod';
import { isValidCidr, isValidIp } from '../model/net.js';

export const cidrParam = z
  .string()
  .trim()
  .refine(isValidCidr, { message: 'expected an IP address or CIDR such as 100.125.0.0/16' });
export const ipParam = z.string().trim().refine(isValidIp, { message: 'expected an IP address' });
export const portNumber = z.number().int('port must be an integer').min(1).max(65535);
export const interfaceName = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,32}$/, 'expected an interface name such as eth0');
/** The shared load balancers' health-check and proxy range (FAQ 2.2, 3.9). */
export const SHARED_LB_RANGE = '100.125.0.0/16';
