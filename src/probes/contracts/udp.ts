// udp: what a UDP port does with a datagram, on a connected socket so ICMP
// errors come back (FAQ 2.4); burst mode for ICMP rate limits.
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, sometimes, vantageField } from './define.js';

export const udpParams = z
  .object({
    host: hostParam.describe('name or IP address to send to'),
    port: portParam.describe('UDP port'),
    payload: z
      .string()
      .max(1200)
      .optional()
      .describe('datagram payload as text (default "lbdoctor udp probe\\n")'),
    payloadHex: z
      .string()
      .regex(/^([0-9a-fA-F]{2})*$/, 'payloadHex must be hex bytes')
      .max(2400)
      .optional()
      .describe('datagram payload as hex bytes, for binary protocols (instead of payload)'),
    attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe('single mode: datagrams to try before calling silence open|filtered (UDP may be lost)'),
    waitMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .optional()
      .describe(
        'wait for a reply or ICMP error after each datagram (and after a burst), ms; default min(1000, timeout)',
      ),
    burst: z
      .number()
      .int()
      .min(2)
      .max(10_000)
      .optional()
      .describe('burst mode: send this many datagrams and count ICMP port unreachables against them'),
    intervalMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(5)
      .describe('burst mode: gap between datagrams, ms'),
  })
  .strict()
  .refine((p) => !(p.payload !== undefined && p.payloadHex !== undefined), {
    message: 'give payload or payloadHex, not both',
    path: ['payloadHex'],
  });
export type UdpParams = z.infer<typeof udpParams>;

export const udpState = z.enum(['open', 'closed', 'open|filtered', 'dns-error', 'error']);
export type UdpState = z.infer<typeof udpState>;

export const udpData = z
  .object({
    host: z.string().describe('the host parameter'),
    port: z.number().int().describe('the port parameter'),
    vantage: vantageField,
    state: sometimes(
      'not skip',
      udpState.describe(
        'open (a reply: pass), closed (ICMP port unreachable: fail), open|filtered (silence: pass, as ELB counts it, FAQ 2.4), dns-error, error',
      ),
    ),
    address: sometimes('the socket opened', z.string().describe('IP address the datagrams went to')),
    sent: sometimes('the socket opened, no socket error', z.number().int().describe('datagrams sent')),
    reply: sometimes('single mode, open', z.string().describe('first reply, UTF-8, at most 256 bytes')),
    waitMs: sometimes('single mode, open|filtered', z.number().describe('wait after each datagram, ms')),
    mode: sometimes('burst mode', z.literal('burst').describe('burst mode ran')),
    unreachable: sometimes('burst mode', z.number().int().describe('ICMP port unreachables counted')),
    replies: sometimes('burst mode', z.number().int().describe('replies received')),
    intervalMs: sometimes('burst mode', z.number().int().describe('gap between datagrams, ms')),
    rateLimited: sometimes(
      'burst mode',
      z
        .boolean()
        .describe(
          'closed, but fewer unreachables than datagrams: icmp_ratelimit/icmp_ratemask limit port unreachables (fail)',
        ),
    ),
    error: sometimes(
      'burst mode, a send failed other than ECONNREFUSED',
      z.string().describe('the first other socket error message (a string here, not an object)'),
    ),
  })
  .strict();

export const udpContract = defineContract({
  kind: 'udp',
  needs: 'network',
  summary:
    'UDP datagram on a connected socket: reply (open), ICMP port unreachable (closed), silence; burst mode for ICMP rate limits',
  params: udpParams,
  data: udpData,
});
