// FAQ 1.6: a listener whose default pool (40000) or whose matched policy's
// pool (40001) has no backend servers answers with the load balancer's own
// error; 3.1: backend servers must be associated for traffic to flow.
import { listenersOfPool, poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const poolWithoutMembers = defineRule(
  {
    id: 'pool-without-members',
    severity: 'warn',
    summary: 'a pool that a listener sends traffic to but that has no members',
    faq: ['1.6', '3.1'],
  },
  (inv) =>
    poolsOf(inv)
      .filter((at) => at.pool.members.length === 0 && listenersOfPool(inv, at.e, at.pool.id).length > 0)
      .map((at) => {
        const names = listenersOfPool(inv, at.e, at.pool.id).map((l) => quoted(l.listener.name));
        return {
          path: [...at.path, 'members'],
          title: `pool ${quoted(at.pool.id)} has no members but listener ${names.join(', ')} sends to it`,
          cause:
            'Requests routed to this backend server group find no server: the load balancer answers them ' +
            'itself (x-router-code 40000 for a default pool, 40001 for the pool of a forwarding policy).',
          fix: [
            `inventory: add the backend servers under members of pool ${quoted(at.pool.id)}`,
            `console: Elastic Load Balance > Backend Server Groups > ${at.pool.name ?? at.pool.id} > Backend Servers > Add`,
          ],
          subject: { kind: 'pool', name: at.pool.id },
        };
      }),
);
