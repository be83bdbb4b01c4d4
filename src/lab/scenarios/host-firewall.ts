// The firewall faults of host scenarios: one rule appended to a lab host's
// real iptables INPUT chain (in its namespace), said as what it does to whom,
// so a scenario reads as its fault rather than as an argv.
import type { HostBuildContext } from './define-host.js';

export interface InputRule {
  /** Only packets from this address (else from anywhere). */
  from?: string;
  /** TCP to this port (`synOnly`: new connections alone), or ICMP echo requests (ping). */
  to: { tcpPort: number; synOnly?: boolean } | 'icmp-echo';
  /** Further iptables matches (`-m connlimit …`, `-m statistic …`). */
  match?: readonly string[];
  /** Dropped in silence (the default), or refused at once with a TCP reset. */
  verdict?: 'drop' | 'reset';
}

/** Appends `rule` to the INPUT chain of `host`'s iptables. */
export async function addInputRule(
  ctx: Pick<HostBuildContext, 'exec'>,
  host: string,
  rule: InputRule,
): Promise<void> {
  const source = rule.from ? ['-s', rule.from] : [];
  const packets =
    rule.to === 'icmp-echo'
      ? ['-p', 'icmp', '--icmp-type', 'echo-request']
      : ['-p', 'tcp', ...(rule.to.synOnly ? ['--syn'] : []), '--dport', String(rule.to.tcpPort)];
  const target = rule.verdict === 'reset' ? ['REJECT', '--reject-with', 'tcp-reset'] : ['DROP'];
  await ctx.exec(host, [
    'iptables',
    '-A',
    'INPUT',
    ...source,
    ...packets,
    ...(rule.match ?? []),
    '-j',
    ...target,
  ]);
}
