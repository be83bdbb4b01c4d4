// hosts-deny: does tcp-wrappers (hosts.allow / hosts.deny) deny the load
// balancer's addresses? FAQ 2.1/2.2 "Checking the hosts.deny File".
import { z } from 'zod';
import {
  cidrParam,
  couldNotCheck,
  findSection,
  rawOf,
  SHARED_LB_RANGE,
  sectionProblem,
} from './host-probe-support.js';
import { evaluateHostsAccess } from './parsers/hosts-access.js';
import type { SectionOutput } from '../transport/types.js';
import type { HostProbe } from './types.js';

export const hostsDenyParams = z
  .object({
    client: cidrParam.default(SHARED_LB_RANGE),
    /** A daemon name as tcp-wrappers sees it (sshd, vsftpd…); absent: any daemon the files name. */
    daemon: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a daemon name such as sshd')
      .optional(),
  })
  .strict();
export type HostsDenyParams = z.infer<typeof hostsDenyParams>;

const ALLOW = { id: 'file', args: ['/etc/hosts.allow'] };
const DENY = { id: 'file', args: ['/etc/hosts.deny'] };

/** A missing file means no rules: tcp-wrappers treats it as empty. */
function textOf(out: SectionOutput | undefined, what: string): { text: string } | { problem: string } {
  if (out && out.exitCode !== 0 && /No such file/.test(out.stderr)) return { text: '' };
  const problem = sectionProblem(out, what);
  return problem ? { problem } : { text: out!.stdout };
}

export const hostsDenyProbe: HostProbe<HostsDenyParams> = {
  kind: 'hosts-deny',
  needs: 'host',
  summary: 'tcp-wrappers: does /etc/hosts.allow + /etc/hosts.deny deny the client range? (FAQ 2.1/2.2)',
  params: hostsDenyParams,
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
