// FAQ 3.7: IPv6 is a dedicated load balancer feature; a shared load balancer
// has IPv4 addresses only, at the front and towards its members.
import { memberName } from '../../model/inventory.js';
import { addressFamily, entryPath, membersOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const ipv6OnShared = defineRule(
  {
    id: 'ipv6-on-shared',
    severity: 'error',
    summary: 'an IPv6 VIP, EIP, subnet or member on a shared load balancer',
    faq: ['3.7'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    const fix = ['use a dedicated load balancer with an IPv6-enabled backend subnet, or IPv4 addresses'];
    inv.loadbalancers.forEach((entry, e) => {
      const lb = entry.loadbalancer;
      if (lb.type !== 'shared') return;
      for (const field of ['vip_address', 'eip', 'vip_subnet_cidr'] as const) {
        const value = lb[field];
        if (value == null || addressFamily(value.split('/')[0]!) !== 'ipv6') continue;
        out.push({
          path: [...entryPath(e), 'loadbalancer', field],
          title: `shared load balancer ${quoted(lb.name)} has an IPv6 ${field} (${value})`,
          cause: 'Shared load balancers work over IPv4 only; IPv6 needs a dedicated load balancer.',
          fix,
          subject: { kind: 'loadbalancer', name: lb.name },
        });
      }
    });
    for (const at of membersOf(inv)) {
      if (at.entry.loadbalancer.type !== 'shared' || addressFamily(at.member.address) !== 'ipv6') continue;
      out.push({
        path: [...at.memberPath, 'address'],
        title: `member ${quoted(memberName(at.member))} of shared load balancer ${quoted(at.entry.loadbalancer.name)} has an IPv6 address`,
        cause: 'A shared load balancer reaches its backend servers over IPv4 only.',
        fix: [`inventory: use the member's IPv4 address`, ...fix],
        subject: { kind: 'member', name: memberName(at.member) },
      });
    }
    return out;
  },
);
