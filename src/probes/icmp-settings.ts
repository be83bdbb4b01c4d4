// icmp-settings: what a UDP health check needs from the backend kernel (FAQ
// 2.4). ELB pings first (icmp_echo_ignore_all must be 0), then treats an ICMP
// port unreachable as "unhealthy"; Linux rate limits the ICMP types in
// icmp_ratemask, and the default 6168 includes bit 3 (destination
// unreachable), so under load port unreachables go missing and a dead UDP
// service still looks healthy. 6160 clears that bit.

import { type IcmpSettingsParams, icmpSettingsContract } from './contracts/icmp-settings.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseSysctl, sysctlNumber } from './parsers/sysctl.js';
import type { HostProbe } from './types.js';

export { type IcmpSettingsParams, icmpSettingsParams } from './contracts/icmp-settings.js';

const KEYS = ['net.ipv4.icmp_echo_ignore_all', 'net.ipv4.icmp_ratelimit', 'net.ipv4.icmp_ratemask'];
const DEST_UNREACHABLE_BIT = 1 << 3;

export const icmpSettingsProbe: HostProbe<IcmpSettingsParams> = {
  ...icmpSettingsContract,
  sections: () => [{ id: 'sysctl', args: KEYS }],
  evaluate(p, outputs) {
    const out = findSection(outputs, { id: 'sysctl', args: KEYS });
    const v = out ? parseSysctl(out.stdout) : {};
    const echoIgnore = sysctlNumber(v, KEYS[0]!);
    const ratelimit = sysctlNumber(v, KEYS[1]!);
    const ratemask = sysctlNumber(v, KEYS[2]!);
    if (echoIgnore === undefined || ratelimit === undefined || ratemask === undefined) {
      return couldNotCheck(
        sectionProblem(out, 'sysctl') ?? `missing ${KEYS.filter((k) => v[k] === undefined).join(', ')}`,
        rawOf(out),
      );
    }
    const limited = ratelimit > 0 && (ratemask & DEST_UNREACHABLE_BIT) !== 0;
    const data = {
      icmp_echo_ignore_all: echoIgnore,
      icmp_ratelimit: ratelimit,
      icmp_ratemask: ratemask,
      portUnreachableRateLimited: limited,
      suggestedRatemask: ratemask & ~DEST_UNREACHABLE_BIT,
    };
    const problems: string[] = [];
    if (p.echo && echoIgnore !== 0)
      problems.push(
        'icmp_echo_ignore_all = 1: the host ignores ping, so UDP health checks fail at their first step (FAQ 2.4)',
      );
    if (p.portUnreachable && limited) {
      problems.push(
        `icmp_ratemask = ${ratemask} includes destination unreachable (bit 3) with icmp_ratelimit = ${ratelimit} ms: port unreachables are rate limited, so a dead UDP service can look healthy (FAQ 2.4; ${ratemask & ~DEST_UNREACHABLE_BIT} clears the bit)`,
      );
    }
    const actual = `icmp_echo_ignore_all=${echoIgnore} icmp_ratelimit=${ratelimit} icmp_ratemask=${ratemask}`;
    if (problems.length) {
      return {
        outcome: 'fail',
        summary: problems.join('; '),
        data,
        actual,
        expected: 'echo answered; port unreachables not rate limited',
        durationMs: 0,
        raw: rawOf(out),
      };
    }
    return {
      outcome: 'pass',
      summary: `ICMP ready for UDP health checks (${actual})`,
      data,
      actual,
      durationMs: 0,
      raw: rawOf(out),
    };
  },
};
