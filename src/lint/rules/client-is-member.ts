// FAQ 3.5 and 3.9: with Transfer Client IP Address in effect on a TCP or UDP
// listener (always, on a dedicated load balancer, unless IP as a Backend is
// on), a backend server of that listener cannot also be its client.
import { memberName } from '../../model/inventory.js';
import { listenersOf, poolRefsOf, quoted, sameAddress, transfersClientIp } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const clientIsMember = defineRule(
  {
    id: 'client-is-member',
    severity: 'error',
    summary: 'the inventory client is a member behind a Layer 4 listener that transfers the client IP',
    faq: ['3.5', '3.9'],
  },
  (inv) => {
    const client = inv.client?.address;
    if (client == null) return [];
    const out: FindingDraft[] = [];
    const reported = new Set<string>();
    for (const at of listenersOf(inv)) {
      if (!transfersClientIp(at.entry, at.listener)) continue;
      for (const ref of poolRefsOf(at)) {
        const pool = ref.pool;
        if (!pool) continue;
        const p = at.entry.pools.indexOf(pool);
        pool.members.forEach((m, i) => {
          const key = `${at.e}/${p}/${i}`;
          if (!sameAddress(m.address, client) || reported.has(key)) return;
          reported.add(key);
          out.push({
            path: ['loadbalancers', at.e, 'pools', p, 'members', i, 'address'],
            title: `client ${client} is also member ${quoted(memberName(m))} behind ${at.listener.protocol} listener ${quoted(at.listener.name)}`,
            cause:
              'The listener passes the client address to the backend unchanged. When the client is itself a ' +
              'member, the reply goes straight back to it instead of through the load balancer, and the ' +
              'connection fails.',
            fix: [
              'test from a machine that is not a member of the pool (set client.address to it)',
              at.entry.loadbalancer.type === 'dedicated'
                ? `console: Load Balancers > ${at.entry.loadbalancer.name} > enable IP as a Backend (Transfer Client IP Address is then not applied)`
                : `console: Listeners > ${at.listener.name} > Edit > turn Transfer Client IP Address off`,
            ],
            subject: { kind: 'member', name: memberName(m) },
          });
        });
      }
    }
    return out;
  },
);
