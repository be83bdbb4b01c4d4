// listening: is anything listening on the health-check/backend port, on an
// address the load balancer can reach? FAQ 2.1/2.2 "Checking the Backend
// Server": a port not listened on, or bound to 127.0.0.1 only, fails every check.

import type { z } from 'zod';
import type { Proof, Same } from './contracts/define.js';
import { type ListeningParams, listeningContract, type listeningSocket } from './contracts/listening.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { isLoopback, isWildcard, type ListeningSocket, parseListening } from './parsers/listening.js';
import type { HostProbe } from './types.js';

export { type ListeningParams, listeningParams } from './contracts/listening.js';

/** The data schema's entries are exactly what the parser reports. */
export type ListeningSocketListed = Proof<Same<z.infer<typeof listeningSocket>, ListeningSocket>>;

const describe = (s: ListeningSocket) =>
  `${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}${s.processes.length ? ` (${s.processes.map((p) => `${p.name}${p.pid ? `/${p.pid}` : ''}`).join(', ')})` : ''}`;

export const listeningProbe: HostProbe<ListeningParams> = {
  ...listeningContract,
  sections: () => [{ id: 'listening' }],
  evaluate(p, outputs) {
    const out = findSection(outputs, { id: 'listening' });
    const problem = sectionProblem(out, 'ss -ltnup');
    if (problem) return couldNotCheck(problem, rawOf(out));
    const all = parseListening(out!.stdout);
    const onPort = all.filter((s) => s.protocol === p.protocol && s.port === p.port);
    const others = all.filter((s) => s.protocol === p.protocol).map((s) => s.port);
    const data = { sockets: onPort, otherPorts: [...new Set(others)].sort((a, b) => a - b) };
    const expected = `${p.protocol} ${p.address ?? '*'}:${p.port} listening`;
    const raw = rawOf(out);
    if (onPort.length === 0) {
      return {
        outcome: 'fail',
        summary: `nothing listens on ${p.protocol}/${p.port}${data.otherPorts.length ? ` (listening ${p.protocol} ports: ${data.otherPorts.join(', ')})` : ''}`,
        data,
        expected,
        actual: 'not listening',
        durationMs: 0,
        raw,
      };
    }
    const reachable = onPort.filter(
      (s) => isWildcard(s.address) || (p.address ? s.address === p.address : !isLoopback(s.address)),
    );
    if (reachable.length === 0) {
      const where = onPort.map(describe).join(', ');
      const loop = onPort.every((s) => isLoopback(s.address));
      return {
        outcome: 'fail',
        summary: loop
          ? `${p.protocol}/${p.port} listens on loopback only (${where}): the load balancer cannot reach it`
          : `${p.protocol}/${p.port} is bound to ${where}, not to ${p.address}`,
        data,
        expected,
        actual: where,
        durationMs: 0,
        raw,
      };
    }
    return {
      outcome: 'pass',
      summary: `${p.protocol} ${reachable.map(describe).join(', ')}`,
      data,
      expected,
      actual: reachable.map(describe).join(', '),
      durationMs: 0,
      raw,
    };
  },
};
