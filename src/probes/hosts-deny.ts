// hosts-deny: does tcp-wrappers (hosts.allow / hosts.deny) deny the load
// balancer's addresses? FAQ 2.1/2.2 "Checking the hosts.deny File".

import type { z } from 'zod';
import type { SectionOutput } from '../transport/types.js';
import type { Proof, Same } from './contracts/define.js';
import { type HostsDenyParams, type hostsAccessEntry, hostsDenyContract } from './contracts/hosts-deny.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import type { HostsAccessEntry } from './parsers/hosts-access.js';
import { evaluateHostsAccess } from './parsers/hosts-access.js';
import type { HostProbe } from './types.js';

export { type HostsDenyParams, hostsDenyParams } from './contracts/hosts-deny.js';

/** The data schema's entries are exactly what the parser reports. */
export type HostsAccessEntryListed = Proof<Same<z.infer<typeof hostsAccessEntry>, HostsAccessEntry>>;

const ALLOW = { id: 'file', args: ['/etc/hosts.allow'] };
const DENY = { id: 'file', args: ['/etc/hosts.deny'] };

/** A missing file means no rules: tcp-wrappers treats it as empty. */
function textOf(out: SectionOutput | undefined, what: string): { text: string } | { problem: string } {
  if (out && out.exitCode !== 0 && /No such file/.test(out.stderr)) return { text: '' };
  const problem = sectionProblem(out, what);
  return problem ? { problem } : { text: out!.stdout };
}

export const hostsDenyProbe: HostProbe<HostsDenyParams> = {
  ...hostsDenyContract,
  sections: () => [ALLOW, DENY],
  evaluate(p, outputs) {
    const allowOut = findSection(outputs, ALLOW);
    const denyOut = findSection(outputs, DENY);
    const raw = rawOf(allowOut, denyOut);
    const allow = textOf(allowOut, '/etc/hosts.allow');
    const deny = textOf(denyOut, '/etc/hosts.deny');
    if ('problem' in allow) return couldNotCheck(allow.problem, raw);
    if ('problem' in deny) return couldNotCheck(deny.problem, raw);
    const d = evaluateHostsAccess(allow.text, deny.text, p.client, p.daemon);
    const at = d.entry ? `/etc/${d.entry.file}:${d.entry.line} "${d.entry.text}"` : undefined;
    const data = { decision: d.decision, daemon: d.daemon, entry: d.entry ?? null };
    const who = `${p.client} for ${p.daemon ?? d.daemon}`;
    if (d.decision === 'denied' || d.decision === 'partly-denied') {
      return {
        outcome: 'fail',
        summary: `${d.decision === 'denied' ? '' : 'part of '}${who} is denied by ${at}`,
        data,
        expected: 'not denied',
        actual: d.decision,
        durationMs: 0,
        raw,
      };
    }
    if (d.decision === 'unknown')
      return couldNotCheck(`cannot tell for ${who}: ${d.reason} (${at})`, raw, data);
    return {
      outcome: 'pass',
      summary: `${who} is not denied${at ? ` (allowed by ${at})` : ''}`,
      data,
      expected: 'not denied',
      actual: 'allowed',
      durationMs: 0,
      raw,
    };
  },
};
