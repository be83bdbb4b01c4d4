// firewall: would the host firewall accept a new connection from the load
// balancer's range to this port? FAQ 2.1/2.2 "Checking the Firewall on the
// Backend Server". Reads iptables-save and nft; walks the input path; answers
// accepted (pass), dropped/rejected with the rule (fail), or cannot tell with
// the rule it does not model (error).

import { type FirewallParams, firewallContract } from './contracts/firewall.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { combineVerdicts, type Verdict } from './parsers/firewall-eval.js';
import { evaluateIptables, iptablesNftTables, parseIptablesSave } from './parsers/iptables.js';
import { evaluateNft, parseNftRuleset } from './parsers/nft.js';
import type { HostProbe, Observation } from './types.js';

export { type FirewallParams, firewallParams } from './contracts/firewall.js';

const NOT_INSTALLED = 127;

export const firewallProbe: HostProbe<FirewallParams> = {
  ...firewallContract,
  // IPv6 sources are filtered by ip6tables, not iptables.
  sections: (p) => [
    { id: p.source.includes(':') ? 'ip6tables-save' : 'iptables-save' },
    { id: 'nft-ruleset' },
  ],
  evaluate(p, outputs): Observation {
    const v6 = p.source.includes(':');
    const tool = v6 ? 'ip6tables-save' : 'iptables-save';
    const ipt = findSection(outputs, { id: tool });
    const nft = findSection(outputs, { id: 'nft-ruleset' });
    const raw = rawOf(ipt, nft);
    const traffic = {
      source: p.source,
      protocol: p.protocol,
      port: p.port ?? 0,
      ...(p.destination ? { destination: p.destination } : {}),
      ...(p.interface ? { inInterface: p.interface } : {}),
    };
    const what = `${p.protocol}${p.port ? `/${p.port}` : ''} from ${p.source}`;
    const unreadable: string[] = [];
    const verdicts: Verdict[] = [];
    let skipTables: string[] = [];
    // Legacy iptables without the filter table loaded has no rules to read: the same as an empty table.
    const noTable =
      ipt && ipt.exitCode !== 0 && /Table does not exist|can't initialize iptables table/i.test(ipt.stderr);
    const iptProblem = noTable ? undefined : sectionProblem(ipt, tool);
    if (!iptProblem) {
      const save = parseIptablesSave(noTable ? '' : ipt!.stdout);
      skipTables = iptablesNftTables(save, v6 ? 'ip6' : 'ip');
      const v = evaluateIptables(save, traffic);
      if (v) verdicts.push({ ...v, chain: `${v6 ? 'ip6tables' : 'iptables'} filter ${v.chain}` });
    } else if (ipt?.exitCode !== NOT_INSTALLED) unreadable.push(iptProblem);
    const nftProblem = sectionProblem(nft, 'nft list ruleset');
    if (!nftProblem) {
      const v = evaluateNft(parseNftRuleset(nft!.stdout), traffic, { skipTables });
      if (v) verdicts.push({ ...v, chain: `nft ${v.chain}` });
    } else if (nft?.exitCode !== NOT_INSTALLED) unreadable.push(nftProblem);
    if (ipt?.exitCode === NOT_INSTALLED && nft?.exitCode === NOT_INSTALLED) {
      return couldNotCheck(`neither ${tool} nor nft is installed, so the rules cannot be read`, raw);
    }
    const v = combineVerdicts(verdicts);
    const rule = v?.rule ? `${v.rule.text} (${v.chain}, line ${v.rule.line})` : undefined;
    const data = {
      traffic,
      verdict: v?.verdict ?? 'accept',
      chain: v?.chain ?? null,
      rule: v?.rule?.text ?? null,
      partial: v && 'partial' in v ? Boolean(v.partial) : false,
      unreadable,
    };
    if (v && (v.verdict === 'drop' || v.verdict === 'reject')) {
      const how = v.verdict === 'drop' ? 'dropped' : 'rejected';
      const by = rule ?? `the ${v.chain} chain policy`;
      return {
        outcome: 'fail',
        summary: `${what} is ${v.partial ? `${how} for part of the range` : how} by ${by}`,
        data,
        expected: 'accepted',
        actual: how,
        durationMs: 0,
        raw,
      };
    }
    if (unreadable.length) return couldNotCheck(unreadable.join('; '), raw, data);
    if (v?.verdict === 'unknown') {
      return {
        ...couldNotCheck(
          `cannot tell whether ${what} is accepted: ${v.reason}${rule ? ` — rule: ${rule}` : ''}`,
          raw,
          data,
        ),
        actual: 'cannot tell',
      };
    }
    return {
      outcome: 'pass',
      summary: `${what} is accepted${rule ? ` by ${rule}` : v ? ` (${v.chain} policy)` : ' (no input filtering rules)'}`,
      data,
      expected: 'accepted',
      actual: 'accepted',
      durationMs: 0,
      raw,
    };
  },
};
