// ephemeral-ports: TIME_WAIT sockets against the ephemeral port range (FAQ 1.10).
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const ephemeralPortsParams = z
  .object({
    maxTimeWaitShare: z
      .number()
      .positive()
      .max(1)
      .default(0.5)
      .describe('fail when TIME_WAIT sockets reach this share of the ephemeral range (0-1)'),
  })
  .strict();
export type EphemeralPortsParams = z.infer<typeof ephemeralPortsParams>;

const whenRead = 'pass, fail';

export const ephemeralPortsData = z
  .object({
    timeWait: sometimes(
      whenRead,
      z.number().int().describe('TCP sockets in TIME_WAIT (/proc/net/sockstat tw)'),
    ),
    portRange: sometimes(
      whenRead,
      z
        .object({
          low: z.number().int().describe('first ephemeral port'),
          high: z.number().int().describe('last ephemeral port'),
          size: z.number().int().describe('ports in the range'),
        })
        .strict()
        .describe('net.ipv4.ip_local_port_range'),
    ),
    share: sometimes(whenRead, z.number().describe('timeWait / portRange.size, 0-1')),
    tcpTwReuse: sometimes(
      whenRead,
      z.string().nullable().describe('net.ipv4.tcp_tw_reuse as sysctl prints it (a string); null: not read'),
    ),
  })
  .strict();

export const ephemeralPortsContract = defineContract({
  kind: 'ephemeral-ports',
  needs: 'host',
  summary: 'TIME_WAIT count against the ephemeral port range (port exhaustion risk)',
  params: ephemeralPortsParams,
  data: ephemeralPortsData,
});
