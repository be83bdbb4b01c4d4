// ephemeral-ports: TIME_WAIT sockets against the ephemeral port range. A host
// that opens many short connections (to its own backends, or as a stress-test
// client, FAQ 1.10) runs out of local ports and new connections fail.

import { type EphemeralPortsParams, ephemeralPortsContract } from './contracts/ephemeral-ports.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parsePortRange, parseSockstat, timeWaitCount } from './parsers/sockstat.js';
import { parseSysctl } from './parsers/sysctl.js';
import type { HostProbe } from './types.js';

export { type EphemeralPortsParams, ephemeralPortsParams } from './contracts/ephemeral-ports.js';

const KEYS = ['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_tw_reuse'];

export const ephemeralPortsProbe: HostProbe<EphemeralPortsParams> = {
  ...ephemeralPortsContract,
  sections: () => [{ id: 'sockstat' }, { id: 'sysctl', args: KEYS }],
  evaluate(p, outputs) {
    const sock = findSection(outputs, { id: 'sockstat' });
    const sys = findSection(outputs, { id: 'sysctl', args: KEYS });
    const raw = rawOf(sock, sys);
    const problem = sectionProblem(sock, '/proc/net/sockstat');
    const tw = sock && !problem ? timeWaitCount(parseSockstat(sock.stdout)) : undefined;
    const values = sys ? parseSysctl(sys.stdout) : {};
    const rangeText = values[KEYS[0]!];
    const range = parsePortRange(rangeText);
    if (tw !== undefined && !range && rangeText !== undefined)
      return couldNotCheck(`${KEYS[0]} is ${JSON.stringify(rangeText)}, not two port numbers`, raw);
    if (tw === undefined || !range)
      return couldNotCheck(
        problem ?? sectionProblem(sys, 'sysctl') ?? 'no TIME_WAIT count or port range',
        raw,
      );
    const share = Math.round((tw / range.size) * 1000) / 1000;
    const data = { timeWait: tw, portRange: range, share, tcpTwReuse: values[KEYS[1]!] ?? null };
    const actual = `${tw} TIME_WAIT sockets, ephemeral range ${range.low}-${range.high} (${range.size} ports, ${Math.round(share * 100)}%)`;
    const expected = `TIME_WAIT below ${Math.round(p.maxTimeWaitShare * 100)}% of the ephemeral range`;
    if (share >= p.maxTimeWaitShare) {
      return {
        outcome: 'fail',
        summary: `${actual}: new outgoing connections may fail for lack of local ports (tcp_tw_reuse = ${data.tcpTwReuse ?? 'unknown'})`,
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
