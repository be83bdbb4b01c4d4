// interface-address: is the member address configured on the host (on the
// primary NIC)? A member registered with an address the host does not hold
// never answers health checks (FAQ 2.1/2.2).

import type { z } from 'zod';
import type { Proof, Same } from './contracts/define.js';
import {
  type InterfaceAddressParams,
  interfaceAddressContract,
  type interfaceAddressEntry,
} from './contracts/interface-address.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import type { InterfaceAddress } from './parsers/ip-addr.js';
import { parseIpAddr } from './parsers/ip-addr.js';
import type { HostProbe } from './types.js';

export { type InterfaceAddressParams, interfaceAddressParams } from './contracts/interface-address.js';

/** The data schema's entries are exactly what the parser reports. */
export type InterfaceAddressListed = Proof<Same<z.infer<typeof interfaceAddressEntry>, InterfaceAddress>>;

export const interfaceAddressProbe: HostProbe<InterfaceAddressParams> = {
  ...interfaceAddressContract,
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
