// source-port-reuse: one local address:port with connections to several
// peers. On a client this is a fixed source port (bind() before connect(), or
// an OS that picks the same ephemeral port for different destinations): sent
// to two load balancers that keep the client's address and port, both
// connections reach the member with the same 5-tuple (FAQ 1.3). Ports the host
// listens on are left out: a server has many peers on its own port.

import { endpointKey } from '../model/net.js';
import { type SourcePortReuseParams, sourcePortReuseContract } from './contracts/source-port-reuse.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseTcpSockets } from './parsers/tcp-sockets.js';
import type { HostProbe } from './types.js';

export { type SourcePortReuseParams, sourcePortReuseParams } from './contracts/source-port-reuse.js';

const SECTION = { id: 'tcp-sockets' } as const;

export const sourcePortReuseProbe: HostProbe<SourcePortReuseParams> = {
  ...sourcePortReuseContract,
  sections: () => [SECTION],
  evaluate(p, outputs) {
    const out = findSection(outputs, SECTION);
    const raw = rawOf(out);
    const problem = sectionProblem(out, 'TCP sockets (ss -tan)');
    if (problem) return couldNotCheck(problem, raw);
    const sockets = parseTcpSockets(out!.stdout);
    const listening = new Set(sockets.filter((s) => s.state === 'LISTEN').map((s) => s.local.port));
    const wanted = p.peers ? new Set(p.peers) : undefined;
    const outgoing = sockets.filter(
      (s) => s.state !== 'LISTEN' && !listening.has(s.local.port) && (!wanted || wanted.has(s.peer.address)),
    );
    const byLocal = new Map<string, { peer: string; state: string }[]>();
    for (const s of outgoing) {
      const key = endpointKey(s.local.address, s.local.port);
      const list = byLocal.get(key) ?? [];
      const peer = endpointKey(s.peer.address, s.peer.port);
      if (!list.some((x) => x.peer === peer)) list.push({ peer, state: s.state });
      byLocal.set(key, list);
    }
    const reused = [...byLocal]
      .filter(([, peers]) => peers.length >= 2)
      // ss lists sockets in hash order: sorted, the same sockets read the same way every time.
      .map(([local, peers]) => ({ local, peers: peers.sort((a, b) => a.peer.localeCompare(b.peer)) }))
      .sort((a, b) => a.local.localeCompare(b.local));
    const data = { reused, sockets: outgoing.length };
    const towards = wanted ? ` towards ${[...wanted].join(', ')}` : '';
    if (reused.length === 0) {
      return {
        outcome: 'pass',
        summary: `each of ${outgoing.length} outgoing TCP connection(s)${towards} has its own source port`,
        data,
        expected: 'one peer per source port',
        actual: 'one peer per source port',
        durationMs: 0,
        raw,
      };
    }
    const first = reused[0]!;
    const listed = first.peers.map((x) => `${x.peer} (${x.state})`).join(', ');
    return {
      outcome: 'fail',
      summary: `source ${first.local} is used towards ${first.peers.length} peers: ${listed}${reused.length > 1 ? `; ${reused.length - 1} more port(s) like it` : ''} (FAQ 1.3)`,
      data,
      expected: 'one peer per source port',
      actual: `${reused.length} source port(s) shared`,
      durationMs: 0,
      raw,
    };
  },
};
