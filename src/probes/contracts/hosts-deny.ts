// hosts-deny: does tcp-wrappers (hosts.allow / hosts.deny) deny the load
// balancer's addresses? (FAQ 2.1/2.2)
import { z } from 'zod';
import { cidrParam, SHARED_LB_RANGE } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const hostsDenyParams = z
  .object({
    client: cidrParam
      .default(SHARED_LB_RANGE)
      .describe(
        'client address or range: 100.125.0.0/16 for shared load balancers, the LB subnet for dedicated ones',
      ),
    daemon: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a daemon name such as sshd')
      .optional()
      .describe('a daemon name as tcp-wrappers sees it (sshd, vsftpd…); absent: any daemon the files name'),
  })
  .strict();
export type HostsDenyParams = z.infer<typeof hostsDenyParams>;

export const hostsAccessEntry = z
  .object({
    file: z.enum(['hosts.allow', 'hosts.deny']).describe('which file'),
    line: z.number().int().describe('1-based line'),
    text: z.string().describe('the entry as written'),
    daemons: z.array(z.string()).describe('daemon list'),
    clients: z.array(z.string()).describe('client list'),
    options: z.array(z.string()).describe('option fields (allow/deny override the file)'),
  })
  .strict();

const whenRead = 'pass, fail, error when a pattern cannot be judged';

export const hostsDenyData = z
  .object({
    decision: sometimes(
      whenRead,
      z
        .enum(['allowed', 'denied', 'partly-denied', 'unknown'])
        .describe('tcp-wrappers decision for the client (the first daemon that denies, when none was given)'),
    ),
    daemon: sometimes(
      whenRead,
      z.string().describe('the daemon decided for, "(any other daemon)" for the rest'),
    ),
    entry: sometimes(
      whenRead,
      hostsAccessEntry.nullable().describe('the deciding entry; null: nothing matched (allowed)'),
    ),
  })
  .strict();

export const hostsDenyContract = defineContract({
  kind: 'hosts-deny',
  needs: 'host',
  summary: 'tcp-wrappers: does /etc/hosts.allow + /etc/hosts.deny deny the client range? (FAQ 2.1/2.2)',
  params: hostsDenyParams,
  data: hostsDenyData,
});
