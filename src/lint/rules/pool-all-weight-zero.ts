// FAQ 2.1/2.2: a member of weight 0 receives no requests (and a shared load
// balancer also reports it unhealthy); 6.13: weight changes apply within 5 s.
// When every member of a pool weighs 0, the pool serves nothing at all.
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const poolAllWeightZero = defineRule(
  {
    id: 'pool-all-weight-zero',
    severity: 'error',
    summary: 'a pool whose members all have weight 0, so no member receives traffic',
    faq: ['2.1', '2.2', '6.13'],
  },
  (inv) =>
    poolsOf(inv)
      .filter((at) => at.pool.members.length > 0 && at.pool.members.every((m) => m.weight === 0))
      .map((at) => ({
        path: [...at.path, 'members', 0, 'weight'],
        title: `every member of pool ${quoted(at.pool.id)} has weight 0`,
        cause:
          'A member with weight 0 gets no new requests, healthy or not. With all of them at 0 the backend ' +
          'server group serves no traffic' +
          (at.entry.loadbalancer.type === 'shared'
            ? ', and a shared load balancer also reports each of them unhealthy.'
            : '.'),
        fix: [
          `inventory: give the members of pool ${quoted(at.pool.id)} a weight from 1 to 100`,
          `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Backend Servers > Modify Weight (applied within 5 s)`,
        ],
        subject: { kind: 'pool', name: at.pool.id },
      })),
);
