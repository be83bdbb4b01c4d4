// listen-overflows: has an accept queue overflowed? When an application
// accepts too slowly (or somaxconn is small) the kernel drops SYNs, and the
// load balancer sees connect timeouts: health checks fail and clients get 504s.

import { type ListenOverflowsParams, listenOverflowsContract } from './contracts/listen-overflows.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseNetCounters } from './parsers/net-counters.js';
import { parseSysctl } from './parsers/sysctl.js';
import type { SectionRequest } from '../transport/types.js';
import type { HostProbe } from './types.js';

export { type ListenOverflowsParams, listenOverflowsParams } from './contracts/listen-overflows.js';

/** The counters' section: the run's shared read, or a named later one (before/after a burst). */
function countersRead(p: ListenOverflowsParams): SectionRequest {
  return p.reading ? { id: 'net-counters', reading: p.reading } : { id: 'net-counters' };
}

const KEYS = ['net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog'];

export const listenOverflowsProbe: HostProbe<ListenOverflowsParams> = {
  ...listenOverflowsContract,
  sections: (p) => [countersRead(p), { id: 'sysctl', args: KEYS }],
  evaluate(p, outputs) {
    const counters = findSection(outputs, countersRead(p));
    const sys = findSection(outputs, { id: 'sysctl', args: KEYS });
    const raw = rawOf(counters, sys);
    const problem = sectionProblem(counters, '/proc/net/netstat');
    if (problem) return couldNotCheck(problem, raw);
    const c = parseNetCounters(counters!.stdout);
    const overflows = c['TcpExt:ListenOverflows'];
    const drops = c['TcpExt:ListenDrops'];
    if (overflows === undefined && drops === undefined)
      return couldNotCheck('no ListenOverflows/ListenDrops counters in the output', raw);
    const limits = sys ? parseSysctl(sys.stdout) : {};
    // A limit that is not a whole number cannot be compared with anything: say so rather than guess.
    const garbled = KEYS.find((k) => limits[k] !== undefined && !/^\d+$/.test(limits[k]!));
    if (garbled)
      return couldNotCheck(`${garbled} is ${JSON.stringify(limits[garbled])}, not a whole number`, raw);
    const data = {
      listenOverflows: overflows ?? null,
      listenDrops: drops ?? null,
      somaxconn: limits[KEYS[0]!] ?? null,
      tcpMaxSynBacklog: limits[KEYS[1]!] ?? null,
    };
    const actual = `ListenOverflows ${overflows ?? '?'}, ListenDrops ${drops ?? '?'} since boot (somaxconn ${data.somaxconn ?? '?'})`;
    const expected = `at most ${p.max}`;
    if ((overflows ?? 0) > p.max || (drops ?? 0) > p.max) {
      return {
        outcome: 'fail',
        summary: `${actual}: an application accepts connections too slowly or its backlog is too small; the load balancer sees connect timeouts`,
        data,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    return { outcome: 'pass', summary: actual, data, expected, actual, durationMs: 0, raw };
  },
};
