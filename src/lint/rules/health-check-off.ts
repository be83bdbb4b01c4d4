// FAQ 2.1/2.2 (Background) and 1.2 step 2: without a health check the load
// balancer treats every member as healthy and keeps sending requests to a
// member that has failed.
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const healthCheckOff = defineRule(
  {
    id: 'health-check-off',
    severity: 'warn',
    summary: 'a pool with members but no health check, or with its health check disabled',
    faq: ['2.1', '2.2', '1.2'],
  },
  (inv) =>
    poolsOf(inv)
      .filter((at) => at.pool.members.length > 0)
      .filter((at) => at.pool.healthmonitor == null || !at.pool.healthmonitor.admin_state_up)
      .map((at) => {
        const hm = at.pool.healthmonitor;
        return {
          path: hm ? [...at.path, 'healthmonitor', 'admin_state_up'] : [...at.path, 'healthmonitor'],
          title: `pool ${quoted(at.pool.id)} has ${hm ? 'its health check disabled' : 'no health check'}`,
          cause:
            'Without health checks the load balancer considers every member healthy and keeps routing ' +
            'requests to a member that is down.',
          fix: [
            `inventory: give pool ${quoted(at.pool.id)} a healthmonitor with admin_state_up: true (type ${at.pool.protocol === 'UDP' || at.pool.protocol === 'QUIC' ? 'UDP_CONNECT' : at.pool.protocol === 'TCP' ? 'TCP' : 'HTTP'})`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Configure`,
          ],
          subject: { kind: 'pool' as const, name: at.pool.id },
        };
      }),
);
