// access-control: the listener's whitelist/blacklist against one client
// address (FAQ 1.1, 1.2 step 5). Nothing goes on the wire: the observation is
// of the configuration, decided by src/reference/access-control.ts.
import { cidrContains } from '../model/net.js';
import { checkClientAccess } from '../reference/access-control.js';
import { type AccessControlParams, accessControlContract } from './contracts/access-control.js';
import type { NetworkProbe } from './types.js';

export const accessControlProbe: NetworkProbe<AccessControlParams> = {
  ...accessControlContract,
  async run(p) {
    const g = p.ipgroup;
    const enabled = !!g && g.enable !== false;
    const decision = checkClientAccess(g, p.client);
    const matched = enabled ? g!.ip_list.filter((c) => safeContains(c, p.client)) : [];
    const data = {
      client: p.client,
      enabled,
      ...(enabled ? { type: g!.type, matched } : {}),
      allowed: decision.allowed,
    };
    const list = enabled ? `${g!.type}list ${g!.ip_list.join(', ') || '(empty)'}` : 'no access control';
    return decision.allowed
      ? {
          outcome: 'pass',
          summary: `${p.client} is admitted (${list})`,
          data,
          durationMs: 0,
        }
      : {
          outcome: 'fail',
          summary: `${decision.reason}: ${list}${matched.length ? `, matched by ${matched.join(', ')}` : ''}`,
          data,
          expected: 'admitted',
          actual: 'refused',
          durationMs: 0,
        };
  },
};

function safeContains(cidr: string, ip: string): boolean {
  try {
    return cidrContains(cidr, ip);
  } catch {
    return false;
  }
}
