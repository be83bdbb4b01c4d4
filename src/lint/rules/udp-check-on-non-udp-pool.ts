// FAQ 2.4: a UDP health check pings the member, then sends a UDP datagram to
// the checked port and marks the member unhealthy on ICMP port unreachable.
// A TCP/HTTP service has no UDP socket on that port, so it answers exactly
// that: the check fails against a working server.
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const udpCheckOnNonUdpPool = defineRule(
  {
    id: 'udp-check-on-non-udp-pool',
    severity: 'error',
    summary: 'a UDP_CONNECT health check on a TCP, HTTP or HTTPS pool',
    faq: ['2.4'],
  },
  (inv) =>
    poolsOf(inv).flatMap((at) => {
      const hm = at.pool.healthmonitor;
      if (hm?.type !== 'UDP_CONNECT' || at.pool.protocol === 'UDP' || at.pool.protocol === 'QUIC') return [];
      const suggested = at.pool.protocol === 'TCP' ? 'TCP' : at.pool.protocol;
      return [
        {
          path: [...at.path, 'healthmonitor', 'type'],
          title: `${at.pool.protocol} pool ${quoted(at.pool.id)} is checked with UDP`,
          cause:
            'The UDP check sends a datagram to the member port. A service that listens on TCP there answers ' +
            'with ICMP port unreachable, which the check reads as unhealthy.',
          fix: [
            `inventory: set healthmonitor.type of pool ${quoted(at.pool.id)} to ${suggested}`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Protocol ${suggested}`,
          ],
          subject: { kind: 'pool' as const, name: at.pool.id },
        },
      ];
    }),
);
