// icmp-settings: what a UDP health check needs from the backend kernel (FAQ 2.4).
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const icmpSettingsParams = z
  .object({
    echo: z.boolean().default(true).describe('require ping replies (UDP health checks ping first)'),
    portUnreachable: z
      .boolean()
      .default(true)
      .describe('require ICMP port unreachables not to be rate limited'),
  })
  .strict();
export type IcmpSettingsParams = z.infer<typeof icmpSettingsParams>;

const whenRead = 'pass, fail';

export const icmpSettingsData = z
  .object({
    icmp_echo_ignore_all: sometimes(
      whenRead,
      z.number().int().describe('net.ipv4.icmp_echo_ignore_all: 1 ignores ping'),
    ),
    icmp_ratelimit: sometimes(
      whenRead,
      z.number().int().describe('net.ipv4.icmp_ratelimit, ms between limited ICMP messages (0: no limit)'),
    ),
    icmp_ratemask: sometimes(
      whenRead,
      z.number().int().describe('net.ipv4.icmp_ratemask: bit mask of rate-limited ICMP types'),
    ),
    portUnreachableRateLimited: sometimes(
      whenRead,
      z
        .boolean()
        .describe(
          'ratelimit > 0 and the mask has bit 3 (destination unreachable): dead UDP services can look healthy',
        ),
    ),
    suggestedRatemask: sometimes(
      whenRead,
      z.number().int().describe('the mask with bit 3 cleared (6168 → 6160)'),
    ),
  })
  .strict();

export const icmpSettingsContract = defineContract({
  kind: 'icmp-settings',
  needs: 'host',
  summary: 'ICMP settings for UDP health checks: echo ignored? port unreachables rate limited? (FAQ 2.4)',
  params: icmpSettingsParams,
  data: icmpSettingsData,
});
