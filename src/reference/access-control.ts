// Listener access control (FAQ 1.1 "Access Control Blacklist or Whitelist",
// 6.12): a whitelist admits only the listed clients, a blacklist refuses the
// listed ones. It guards the listener only; it says nothing about who may reach
// the backends directly (6.12). CIDR maths lives in src/model/net.ts.
import type { IpGroup } from '../model/inventory.js';
import { anyCidrContains } from '../model/net.js';

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether a client may use a listener whose access control is `ipgroup`.
 * No ip group, or a disabled one, admits everyone. An empty whitelist admits
 * nobody: the FAQ's rule is "not in the whitelist → denied", with no exception.
 */
export function checkClientAccess(ipgroup: IpGroup | null | undefined, clientIp: string): AccessDecision {
  if (!ipgroup || ipgroup.enable === false) return { allowed: true };
  const listed = matches(ipgroup.ip_list, clientIp);
  if (ipgroup.type === 'white') {
    return listed
      ? { allowed: true }
      : { allowed: false, reason: `${clientIp} is not in the listener's whitelist (FAQ 1.1)` };
  }
  return listed
    ? { allowed: false, reason: `${clientIp} is in the listener's blacklist (FAQ 1.1)` }
    : { allowed: true };
}

/** Shorthand for listeners that only need the yes/no. */
export function isClientAllowed(ipgroup: IpGroup | null | undefined, clientIp: string): boolean {
  return checkClientAccess(ipgroup, clientIp).allowed;
}

function matches(cidrs: readonly string[], ip: string): boolean {
  try {
    return anyCidrContains(cidrs, ip);
  } catch {
    // A client address we cannot parse (should not happen for socket peers) matches nothing.
    return false;
  }
}
