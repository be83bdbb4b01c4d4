// firewall: would the host firewall (iptables/nft) accept a new connection
// from the load balancer's range? (FAQ 2.1/2.2)
import { z } from 'zod';
import { cidrParam, interfaceName, ipParam, portNumber, SHARED_LB_RANGE } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const firewallParams = z
  .object({
    source: cidrParam
      .default(SHARED_LB_RANGE)
      .describe(
        'where the traffic comes from: 100.125.0.0/16 for shared load balancers, the LB subnet for dedicated ones',
      ),
    port: portNumber.optional().describe('destination port (required for tcp and udp)'),
    protocol: z.enum(['tcp', 'udp', 'icmp']).default('tcp').describe('protocol of the traffic'),
    destination: ipParam.optional().describe('destination address, when rules match on it'),
    interface: interfaceName.optional().describe('incoming interface, when rules match on it'),
  })
  .strict()
  .refine((p) => p.protocol === 'icmp' || p.port !== undefined, {
    message: 'port is required for tcp and udp',
    path: ['port'],
  });
export type FirewallParams = z.infer<typeof firewallParams>;

const whenRead = 'pass, fail, error (not when neither iptables nor nft is installed)';

export const firewallData = z
  .object({
    traffic: sometimes(
      whenRead,
      z
        .object({
          source: z.string().describe('source address or range'),
          protocol: z.enum(['tcp', 'udp', 'icmp']).describe('protocol'),
          port: z.number().int().describe('destination port (0 for icmp without a port)'),
          destination: sometimes('destination given', z.string().describe('destination address')),
          inInterface: sometimes('interface given', z.string().describe('incoming interface')),
        })
        .strict()
        .describe('the traffic the rules were walked for'),
    ),
    verdict: sometimes(
      whenRead,
      z
        .enum(['accept', 'drop', 'reject', 'unknown'])
        .describe('what the rules do with it; unknown: a rule lbdoctor does not model decides (error)'),
    ),
    chain: sometimes(
      whenRead,
      z
        .string()
        .nullable()
        .describe('deciding chain, e.g. "iptables filter INPUT"; null: no input filtering'),
    ),
    rule: sometimes(
      whenRead,
      z.string().nullable().describe('deciding rule as written; null: the chain policy decided'),
    ),
    partial: sometimes(whenRead, z.boolean().describe('the verdict holds for part of the source range only')),
    unreadable: sometimes(
      whenRead,
      z.array(z.string()).describe('rule sets that could not be read, and why'),
    ),
  })
  .strict();

export const firewallContract = defineContract({
  kind: 'firewall',
  needs: 'host',
  summary:
    'host firewall (iptables/nft): is traffic from a range to port/protocol accepted, dropped or rejected?',
  params: firewallParams,
  data: firewallData,
});
