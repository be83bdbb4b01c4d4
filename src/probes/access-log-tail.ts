// access-log-tail: the last lines of an access log on the host, parsed as ELB
// access-log lines where they are (src/accesslog), else kept as raw lines, for
// playbooks that look at status codes and upstream timings (FAQ 1.5, 1.9, 3.8).

import type { z } from 'zod';
import type { ElbAccessLogRecord } from '../accesslog/elb-line.js';
import { parseElbAccessLog } from '../accesslog/parse.js';
import {
  type AccessLogTailParams,
  accessLogTailContract,
  type elbAccessLogRecord,
} from './contracts/access-log-tail.js';
import type { Proof, Same } from './contracts/define.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import type { HostProbe } from './types.js';

export { type AccessLogTailParams, accessLogTailParams } from './contracts/access-log-tail.js';

/** The data schema's entries are exactly what the parser reports. */
export type ElbAccessLogRecordListed = Proof<Same<z.infer<typeof elbAccessLogRecord>, ElbAccessLogRecord>>;

const request = (p: AccessLogTailParams) => ({ id: 'log-tail', args: [p.path, String(p.lines)] });

export const accessLogTailProbe: HostProbe<AccessLogTailParams> = {
  ...accessLogTailContract,
  sections: (p) => [request(p)],
  evaluate(p, outputs) {
    const out = findSection(outputs, request(p));
    const problem = sectionProblem(out, p.path);
    if (problem) return couldNotCheck(problem, rawOf(out));
    const lines = out!.stdout.split('\n').filter((l) => l.trim() !== '');
    const parsed = parseElbAccessLog(out!.stdout, p.path);
    const statuses: Record<string, number> = {};
    for (const r of parsed.records) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const elb = parsed.records.length > 0;
    const data = elb
      ? {
          format: 'elb',
          records: parsed.records,
          unreadableLines: parsed.errors.length,
          statuses,
          lines: lines.length,
        }
      : { format: 'raw', lines };
    return {
      outcome: 'pass',
      summary: elb
        ? `${parsed.records.length} ELB access-log line(s) from ${p.path}; statuses ${Object.entries(statuses)
            .map(([s, n]) => `${s}×${n}`)
            .join(', ')}`
        : `${lines.length} line(s) from ${p.path}`,
      data,
      durationMs: 0,
      raw: out!.stdout,
    };
  },
};
