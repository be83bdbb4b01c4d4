// FAQ 1.6: a request that matches no forwarding policy goes to the default
// pool; without one the load balancer answers it with x-router-code 40000.
import { listenersOf, poolRefsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const listenerWithoutDefaultPool = defineRule(
  {
    id: 'listener-without-default-pool',
    severity: 'warn',
    summary: 'a listener whose forwarding policies send to pools but which has no default pool',
    faq: ['1.6'],
  },
  (inv) =>
    listenersOf(inv)
      .filter((at) => at.listener.default_pool_id == null && poolRefsOf(at).length > 0)
      .map((at) => ({
        path: [...at.path, 'default_pool_id'],
        title: `listener ${quoted(at.listener.name)} has forwarding policies but no default pool`,
        cause:
          'Requests that match none of its forwarding policies have nowhere to go: the load balancer ' +
          'answers them itself with x-router-code 40000.',
        fix: [
          `inventory: set default_pool_id of listener ${quoted(at.listener.name)} to the pool that should take unmatched requests`,
          `console: Elastic Load Balance > Load Balancers > ${at.entry.loadbalancer.name} > Listeners > ${at.listener.name} > Change Backend Server Group`,
        ],
        subject: { kind: 'listener', name: at.listener.name },
      })),
);
