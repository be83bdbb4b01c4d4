// The inventory's own operating_status of a member against what the rest of
// the inventory implies, per FAQ 2.1/2.2: a shared load balancer reports a
// weight-0 member unhealthy; members of a pool no listener uses fail their
// health checks; so do members behind TCP/UDP listeners of a load balancer
// with neither a private IP nor an EIP. An ONLINE status there means the
// inventory is stale or describes another configuration than the one it says.
import { memberName } from '../../model/inventory.js';
import { isLayer4, listenersOfPool, membersOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const memberStatusContradiction = defineRule(
  {
    id: 'member-status-contradiction',
    severity: 'warn',
    summary: 'a member marked ONLINE where the rest of the inventory means its health check cannot pass',
    faq: ['2.1', '2.2'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of membersOf(inv)) {
      if (at.member.operating_status !== 'ONLINE') continue;
      const lb = at.entry.loadbalancer;
      const listeners = listenersOfPool(inv, at.e, at.pool.id);
      const reasons: string[] = [];
      if (lb.type === 'shared' && at.member.weight === 0)
        reasons.push('its weight is 0, and a shared load balancer reports weight-0 members unhealthy');
      if (listeners.length === 0)
        reasons.push(`pool ${quoted(at.pool.id)} is used by no listener, so its health checks fail`);
      else if (
        lb.vip_address === null &&
        lb.eip === null &&
        listeners.every((l) => isLayer4(l.listener.protocol))
      )
        reasons.push(
          'its TCP/UDP listeners belong to a load balancer with neither a private IP nor an EIP, so its health checks fail',
        );
      if (reasons.length === 0) continue;
      out.push({
        path: [...at.memberPath, 'operating_status'],
        title: `member ${quoted(memberName(at.member))} of pool ${quoted(at.pool.id)} is marked ONLINE, which the inventory contradicts`,
        cause: `The load balancer would not report this member healthy: ${reasons.join('; ')}.`,
        fix: [
          `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Backend Servers: read the Health Check Result and update operating_status`,
          `verify from the backends: lbdoctor run unhealthy-backend -i ${inv.source ?? 'INVENTORY'}`,
        ],
        subject: { kind: 'member', name: memberName(at.member) },
      });
    }
    return out;
  },
);
