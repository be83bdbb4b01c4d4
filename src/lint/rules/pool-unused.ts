// FAQ 2.1/2.2: health checks of a pool that no listener uses fail, and 3.1:
// without a listener the pool's members receive nothing.
import { listenersOfPool, poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const poolUnused = defineRule(
  {
    id: 'pool-unused',
    severity: 'warn',
    summary: 'a pool that no listener uses, by default or through a forwarding policy',
    faq: ['2.1', '2.2', '3.1'],
  },
  (inv) =>
    poolsOf(inv)
      .filter((at) => listenersOfPool(inv, at.e, at.pool.id).length === 0)
      .map((at) => ({
        path: [...at.path, 'id'],
        title: `pool ${quoted(at.pool.id)} is not used by any listener`,
        cause:
          'No listener sends traffic to this backend server group, so its members receive no requests, ' +
          'and their health checks are reported as failing until the group is associated with a listener.',
        fix: [
          `inventory: name ${quoted(at.pool.id)} in a listener's default_pool_id or a forwarding policy's redirect_pool_id, or remove the pool`,
          `console: Elastic Load Balance > Load Balancers > ${at.entry.loadbalancer.name} > Listeners > (listener) > Change Backend Server Group > ${at.pool.name ?? at.pool.id}`,
        ],
        subject: { kind: 'pool', name: at.pool.id },
      })),
);
