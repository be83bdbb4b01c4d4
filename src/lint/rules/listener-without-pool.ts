// FAQ 3.1: a load balancer distributes traffic only through a listener that
// has backend servers behind it; 1.6: with no pool to send to, requests end
// with x-router-code 40000.
import { listenersOf, poolRefsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const listenerWithoutPool = defineRule(
  {
    id: 'listener-without-pool',
    severity: 'error',
    summary: 'a listener with no default pool and no forwarding policy that sends to a pool',
    faq: ['3.1', '1.6'],
  },
  (inv) =>
    listenersOf(inv)
      .filter((at) => poolRefsOf(at).length === 0)
      .map((at) => ({
        path: [...at.path, 'default_pool_id'],
        title: `listener ${quoted(at.listener.name)} has no backend server group`,
        cause:
          'Nothing behind this listener can receive a request: it has no default pool and no forwarding ' +
          'policy that redirects to a pool, so clients get an error from the load balancer itself ' +
          '(x-router-code 40000 at Layer 7).',
        fix: [
          `inventory: set default_pool_id of listener ${quoted(at.listener.name)} to a pool of protocol ${at.listener.protocol === 'HTTPS' ? 'HTTP or HTTPS' : at.listener.protocol}`,
          `console: Elastic Load Balance > Load Balancers > ${at.entry.loadbalancer.name} > Listeners > ${at.listener.name} > Backend Server Groups > Change Backend Server Group`,
        ],
        subject: { kind: 'listener', name: at.listener.name },
      })),
);
