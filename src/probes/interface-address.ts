// interface-address: is the member address configured on the host (on the
// primary NIC)? A member registered with an address the host does not hold
// never answers health checks (FAQ 2.1/2.2).
import { z } from 'zod';
import {
  couldNotCheck,
  findSection,
  interfaceName,
  ipParam,
  rawOf,
  sectionProblem,
} from './host-probe-support.js';
import { parseIpAddr } from './parsers/ip-addr.js';
import type { HostProbe } from './types.js';

export const interfaceAddressParams = z
  .object({ address: ipParam, interface: interfaceName.optional() })
  .strict();
export type InterfaceAddressParams = z.infer<typeof interfaceAddressParams>;

export const interfaceAddressProbe: HostProbe<InterfaceAddressParams> = {
  kind: 'interface-address',
  needs: 'host',
  summary: 'the member address is configured on the host (and on the given NIC)',
  params: interfaceAddressParams,
  sections: () => [{ id: 'ip-addr' }],
  evaluate(p, outputs) {
    const out = findSection(outputs, { id: 'ip-addr' });
    const problem = sectionProblem(out, 'ip addr');
    if (problem) return couldNotCheck(problem, rawOf(out));
    const addrs = parseIpAddr(out!.stdout);
    const hit = addrs.filter((a) => a.address === p.address);
    const data = { addresses: addrs.map((a) => `${a.ifname} ${a.address}/${a.prefix}`), matches: hit };
    const expected = `${p.address}${p.interface ? ` on ${p.interface}` : ''}`;
    const raw = rawOf(out);
    if (hit.length === 0) {
      return {
        outcome: 'fail',
        summary: `${p.address} is not configured on any interface`,
        data,
        expected,
        actual: data.addresses.join(', '),
        durationMs: 0,
        raw,
      };
    }
    const onIf = p.interface ? hit.filter((a) => a.ifname === p.interface) : hit;
    if (onIf.length === 0) {
      return {
        outcome: 'fail',
        summary: `${p.address} is on ${hit.map((a) => a.ifname).join(', ')}, not ${p.interface}`,
        data,
        expected,
        actual: hit.map((a) => a.ifname).join(', '),
        durationMs: 0,
        raw,
      };
    }
    const bad = onIf.find((a) => a.flags.includes('dadfailed') || a.flags.includes('tentative'));
    if (bad) {
      return {
        outcome: 'fail',
        summary: `${p.address} on ${bad.ifname} is ${bad.flags.join(' ')} (not usable yet)`,
        data,
        expected,
        actual: bad.flags.join(' '),
        durationMs: 0,
        raw,
      };
    }
    return {
      outcome: 'pass',
      summary: `${p.address}/${onIf[0]!.prefix} on ${onIf[0]!.ifname}`,
      data,
      expected,
      actual: `${p.address} on ${onIf[0]!.ifname}`,
      durationMs: 0,
      raw,
    };
  },
};
