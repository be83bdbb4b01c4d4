// conntrack: is the connection-tracking table dropping connections? A full
// table (count at max) or insert races drop new connections silently, which
// a load balancer sees as timeouts.

import { type ConntrackParams, conntrackContract } from './contracts/conntrack.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseConntrackStats } from './parsers/conntrack-stats.js';
import { parseSysctl, sysctlNumber } from './parsers/sysctl.js';
import type { HostProbe } from './types.js';

export { type ConntrackParams, conntrackParams } from './contracts/conntrack.js';

const KEYS = ['net.netfilter.nf_conntrack_count', 'net.netfilter.nf_conntrack_max'];

export const conntrackProbe: HostProbe<ConntrackParams> = {
  ...conntrackContract,
  sections: () => [{ id: 'conntrack-stats' }, { id: 'sysctl', args: KEYS }],
  evaluate(p, outputs) {
    const st = findSection(outputs, { id: 'conntrack-stats' });
    const sys = findSection(outputs, { id: 'sysctl', args: KEYS });
    const raw = rawOf(st, sys);
    const v = sys ? parseSysctl(sys.stdout) : {};
    const count = sysctlNumber(v, KEYS[0]!);
    const max = sysctlNumber(v, KEYS[1]!);
    const problem = sectionProblem(st, 'conntrack statistics');
    if (problem && max === undefined) {
      return {
        outcome: 'skip',
        summary: 'connection tracking is not in use on this host',
        reason: problem,
        data: {},
        durationMs: 0,
        raw,
      };
    }
    if (problem) return couldNotCheck(problem, raw);
    const s = parseConntrackStats(st!.stdout);
    const fill = count !== undefined && max ? Math.round((count / max) * 1000) / 10 : undefined;
    const data = {
      insertFailed: s.insert_failed ?? null,
      drop: s.drop ?? null,
      earlyDrop: s.early_drop ?? null,
      count: count ?? null,
      max: max ?? null,
      fillPercent: fill ?? null,
    };
    const actual = `insert_failed ${data.insertFailed ?? '?'}, drop ${data.drop ?? '?'}, ${count ?? '?'}/${max ?? '?'} entries`;
    const problems: string[] = [];
    if ((s.insert_failed ?? 0) > p.maxInsertFailed) problems.push(`${s.insert_failed} insert failures`);
    if ((s.drop ?? 0) > p.maxDrop) problems.push(`${s.drop} drops`);
    if (fill !== undefined && fill >= p.maxFillPercent) problems.push(`table ${fill}% full`);
    const expected = `insert_failed ≤ ${p.maxInsertFailed}, drop ≤ ${p.maxDrop}, fill < ${p.maxFillPercent}%`;
    if (problems.length) {
      return {
        outcome: 'fail',
        summary: `connection tracking loses connections: ${problems.join(', ')}`,
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
