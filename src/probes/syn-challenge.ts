// syn-challenge: did SYNs arrive for connections the host already had? When
// two load balancers that keep the client's address and port forward two
// connections to the same member ip:port (FAQ 1.3), the second SYN carries a
// 5-tuple the member already has established. Linux does not open a second
// connection: it answers with a challenge ACK (RFC 5961) and counts it in
// TcpExt TCPSYNChallenge, and the client's second connection times out. The
// counter is per network namespace, since boot.

import { type SynChallengeParams, synChallengeContract } from './contracts/syn-challenge.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseNetCounters } from './parsers/net-counters.js';
import type { HostProbe } from './types.js';

export { type SynChallengeParams, synChallengeParams } from './contracts/syn-challenge.js';

export const synChallengeProbe: HostProbe<SynChallengeParams> = {
  ...synChallengeContract,
  sections: () => [{ id: 'net-counters' }],
  evaluate(p, outputs) {
    const out = findSection(outputs, { id: 'net-counters' });
    const raw = rawOf(out);
    const problem = sectionProblem(out, '/proc/net/netstat');
    if (problem) return couldNotCheck(problem, raw);
    const c = parseNetCounters(out!.stdout);
    const syn = c['TcpExt:TCPSYNChallenge'];
    if (syn === undefined)
      return couldNotCheck('no TCPSYNChallenge counter in the output (kernel older than 4.x?)', raw);
    const data = { synChallenges: syn, challengeAcks: c['TcpExt:TCPChallengeACK'] ?? null };
    const actual = `TCPSYNChallenge ${syn}, TCPChallengeACK ${data.challengeAcks ?? '?'} since boot`;
    const expected = `TCPSYNChallenge at most ${p.max}`;
    const conflict = syn > p.max;
    return {
      outcome: conflict ? 'fail' : 'pass',
      summary: conflict
        ? `${syn} SYN(s) arrived for a 5-tuple already established and got a challenge ACK instead of a SYN-ACK: two flows shared client address, client port and backend port (FAQ 1.3)`
        : `no SYN arrived for an established 5-tuple (${actual})`,
      data,
      expected,
      actual,
      durationMs: 0,
      raw,
    };
  },
};
