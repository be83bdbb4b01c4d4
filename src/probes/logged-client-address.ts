// logged-client-address: the client address a backend's own access log
// recorded for the request lbdoctor sent through the listener (FAQ 3.9). Behind
// a Layer-7 listener the connection comes from the load balancer; the server
// logs the client only when it takes the address from X-Forwarded-For (nginx
// real_ip, Apache mod_remoteip, Tomcat RemoteIpValve). The log is what the
// application saw, so it settles what the configuration only suggests.
// Read with the allow-listed `tail -n N PATH` (the log-tail section).
//
// Only the line for exactly this marker counts: a playbook makes it unique
// per run and listener ({{ run.id }}, {{ listener.index }}), so a line an
// earlier run left for the same path, through another listener or before the
// configuration changed, is never read as this request's. And the log is read
// as a named reading of its own, when this step runs, after its request: never
// a copy read earlier in the run for another listener's request.

import { cidrContains } from '../model/net.js';
import {
  type LoggedClientAddressParams,
  loggedClientAddressContract,
} from './contracts/logged-client-address.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseWebAccessLog } from './parsers/web-access-log.js';
import type { HostProbe, Observation } from './types.js';

export {
  type LoggedClientAddressParams,
  loggedClientAddressParams,
} from './contracts/logged-client-address.js';

const request = (p: LoggedClientAddressParams) => ({
  id: 'log-tail',
  args: [p.path, String(p.lines)],
  reading: `after ${p.marker}`,
});

/** The marker's path without its query: other requests for it are earlier runs' (or other listeners'). */
const pathOf = (target: string) => target.split('?')[0]!;

export const loggedClientAddressProbe: HostProbe<LoggedClientAddressParams> = {
  ...loggedClientAddressContract,
  sections: (p) => [request(p)],
  evaluate(p, outputs): Observation {
    const out = findSection(outputs, request(p));
    const base = { path: p.path, marker: p.marker };
    const problem = sectionProblem(out, p.path);
    if (problem) return couldNotCheck(problem, rawOf(out), base);
    const log = parseWebAccessLog(out!.stdout);
    if (log.records.length === 0) {
      return couldNotCheck(
        log.lines === 0
          ? `${p.path} is empty: nothing is logged there`
          : `none of the ${log.lines} line(s) read from ${p.path} is in nginx combined or Apache common/combined format`,
        rawOf(out),
        base,
      );
    }
    const hits = log.records.filter((r) => r.target === p.marker);
    const markedPath = pathOf(p.marker);
    const others = log.records.filter(
      (r) => r.target !== p.marker && r.target !== null && pathOf(r.target) === markedPath,
    );
    const last = hits.at(-1);
    if (!last) {
      // With several members the request reached one of them: on the others this does not apply.
      // Older lines for the same path are not this request: they say nothing about it.
      const older = others.length
        ? `; ${others.length} other request(s) for ${markedPath} there (earlier runs or other listeners) are not this one and were not used`
        : '';
      return {
        outcome: 'skip',
        summary: `this run's request ${p.marker} is not in the last ${log.lines} line(s) of ${p.path}: it went to another member, or this server logs elsewhere${older}`,
        reason: `${p.marker} is not in ${p.path}`,
        data: { ...base, matches: 0, others: others.length },
        durationMs: 0,
        ...(others.length
          ? {
              raw: `$ tail -n ${p.lines} ${p.path}  (lines for ${markedPath}, not this run's)\n${others.map((r) => lineText(out!.stdout, r.line)).join('\n')}`,
            }
          : {}),
      };
    }
    const line = lineText(out!.stdout, last.line) || last.request;
    let fromProxy: boolean;
    try {
      fromProxy = cidrContains(p.proxy, last.source);
    } catch {
      return couldNotCheck(`the logged client "${last.source}" is not an IP address`, line, base);
    }
    const data = {
      ...base,
      address: last.source,
      fromProxy,
      line,
      matches: hits.length,
      others: others.length,
    };
    const expected = `a client address outside ${p.proxy}`;
    return {
      outcome: fromProxy ? 'fail' : 'pass',
      summary: fromProxy
        ? `${p.path} logged ${p.marker} as from ${last.source}, the load balancer's range ${p.proxy}: the application sees the load balancer, not the client (FAQ 3.9)`
        : `${p.path} logged ${p.marker} as from ${last.source}, outside the load balancer's range ${p.proxy}: the application sees the client`,
      data,
      expected,
      actual: last.source,
      durationMs: 0,
      raw: `$ tail -n ${p.lines} ${p.path}  (the line for ${p.marker})\n${line}`,
    };
  },
};

/** Line `n` (from 1) of a log as the parser counts them: non-empty lines. */
function lineText(text: string, n: number): string {
  return text.split('\n').filter((l) => l.trim())[n - 1] ?? '';
}
