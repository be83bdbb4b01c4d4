// FAQ 2.1 (Table 2-4) and 2.2 (Table 2-8): the health check port should be
// the backend port. A monitor_port that is no member's port checks something
// other than the service, so members can be healthy while the service is
// down, or unhealthy while it works.
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const healthCheckPort = defineRule(
  {
    id: 'health-check-port',
    severity: 'warn',
    summary: "a health check port (monitor_port) that is not any member's port",
    faq: ['2.1', '2.2'],
  },
  (inv) =>
    poolsOf(inv).flatMap((at) => {
      const port = at.pool.healthmonitor?.monitor_port;
      if (port == null || at.pool.members.length === 0) return [];
      if (at.pool.members.some((m) => m.protocol_port === port)) return [];
      const ports = [...new Set(at.pool.members.map((m) => m.protocol_port))];
      return [
        {
          path: [...at.path, 'healthmonitor', 'monitor_port'],
          title: `pool ${quoted(at.pool.id)} checks port ${port}, but its members serve on ${ports.join(', ')}`,
          cause:
            'The health check tests a port the backend servers do not serve traffic on, so the health ' +
            'status says nothing about the service the listener forwards to.',
          fix: [
            `inventory: set healthmonitor.monitor_port of pool ${quoted(at.pool.id)} to null (the member port)${ports.length === 1 ? ` or ${ports[0]}` : ''}`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Port: use the backend port`,
          ],
          subject: { kind: 'pool' as const, name: at.pool.id },
        },
      ];
    }),
);
