// established-connections: counts the ESTABLISHED TCP connections a member
// holds on its port, and how many come from the load balancer's backend range.
// Behind a TCP listener the load balancer opens one connection to a member for
// each client connection, so Cloud Eye's active connections should add up to
// the members' counts from that range (FAQ 6.11); connections from elsewhere
// (direct clients, the operator) are counted apart so they do not hide a gap.
import { cidrContains } from '../model/net.js';
import {
  type EstablishedConnectionsParams,
  establishedConnectionsContract,
} from './contracts/established-connections.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseTcpSockets } from './parsers/tcp-sockets.js';
import type { HostProbe } from './types.js';

export {
  type EstablishedConnectionsParams,
  establishedConnectionsParams,
} from './contracts/established-connections.js';

const SECTION = { id: 'tcp-sockets' } as const;

/** Which tool wrote the output, from its header; undefined when it is neither. */
function toolOf(stdout: string): 'ss' | 'netstat' | undefined {
  const head = stdout.trimStart();
  if (/^State\s+Recv-Q\s+Send-Q/.test(head)) return 'ss';
  if (/^(Active Internet connections|Proto\s+Recv-Q)/.test(head)) return 'netstat';
  return undefined;
}

export const establishedConnectionsProbe: HostProbe<EstablishedConnectionsParams> = {
  ...establishedConnectionsContract,
  sections: () => [SECTION],
  evaluate(p, outputs) {
    const out = findSection(outputs, SECTION);
    const raw = rawOf(out);
    const problem = sectionProblem(out, 'TCP sockets (ss -tan)');
    if (problem) return couldNotCheck(problem, raw);
    const tool = toolOf(out!.stdout);
    // A header-less answer is not an empty socket table: saying "0 connections" would be a guess.
    if (!tool) return couldNotCheck('TCP sockets: the output is neither ss -tan nor netstat -tan', raw);
    const range = p.range ?? '';
    const established = parseTcpSockets(out!.stdout).filter(
      (s) => s.state === 'ESTAB' && s.local.port === p.port,
    );
    const fromRange = range ? established.filter((s) => cidrContains(range, s.peer.address)).length : 0;
    const fromOthers = established.length - fromRange;
    const compared = range ? fromRange : established.length;
    const split = range
      ? `${fromRange} from the load balancer's range ${range}, ${fromOthers} from elsewhere`
      : "the load balancer's range is not known, so every peer is counted";
    const data = {
      port: p.port,
      established: established.length,
      fromRange,
      fromOthers,
      compared,
      range,
      tool,
    };
    const summary = `${established.length} established connection(s) on port ${p.port}: ${split}`;
    const base = { data, actual: String(compared), durationMs: 0, raw };
    if (p.max !== undefined && compared > p.max) {
      return {
        ...base,
        outcome: 'fail',
        summary: `${summary}; ${compared} is above the ${p.max} one member port takes`,
        data: { ...data, max: p.max },
        expected: `at most ${p.max}`,
      };
    }
    return {
      ...base,
      outcome: 'pass',
      summary,
      ...(p.max !== undefined ? { expected: `at most ${p.max}` } : {}),
    };
  },
};
