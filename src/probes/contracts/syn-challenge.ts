// syn-challenge: has the host answered SYNs for connections it already had?
// The trace a 5-tuple conflict leaves on a backend server (FAQ 1.3).
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const synChallengeParams = z
  .object({
    max: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('highest acceptable TCPSYNChallenge count (SYNs that hit an established connection)'),
  })
  .strict();
export type SynChallengeParams = z.infer<typeof synChallengeParams>;

const whenRead = 'pass, fail';

export const synChallengeData = z
  .object({
    synChallenges: sometimes(
      whenRead,
      z
        .number()
        .int()
        .describe(
          'TcpExt TCPSYNChallenge since boot: SYNs that arrived for a 5-tuple already established, answered with a challenge ACK instead of a SYN-ACK',
        ),
    ),
    challengeAcks: sometimes(
      whenRead,
      z
        .number()
        .int()
        .nullable()
        .describe(
          'TcpExt TCPChallengeACK since boot: every challenge ACK sent (RFC 5961); null: not reported',
        ),
    ),
  })
  .strict();

export const synChallengeContract = defineContract({
  kind: 'syn-challenge',
  needs: 'host',
  summary: 'SYNs that arrived for an established 5-tuple (TCPSYNChallenge): 5-tuple conflicts (FAQ 1.3)',
  params: synChallengeParams,
  data: synChallengeData,
});
