// FAQ 2.4: UDP backends are checked with ICMP echo plus a UDP probe. A TCP or
// HTTP check on a UDP (or QUIC) pool connects to a TCP port the service does
// not need to open, and fails or passes regardless of the UDP service.
import { article, poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const udpPoolWithoutUdpCheck = defineRule(
  {
    id: 'udp-pool-without-udp-check',
    severity: 'warn',
    summary: 'a UDP or QUIC pool checked over TCP, HTTP or HTTPS instead of UDP_CONNECT',
    faq: ['2.4'],
  },
  (inv) =>
    poolsOf(inv).flatMap((at) => {
      const hm = at.pool.healthmonitor;
      if (!hm || hm.type === 'UDP_CONNECT' || (at.pool.protocol !== 'UDP' && at.pool.protocol !== 'QUIC'))
        return [];
      return [
        {
          path: [...at.path, 'healthmonitor', 'type'],
          title: `${at.pool.protocol} pool ${quoted(at.pool.id)} is checked with ${hm.type}, not UDP`,
          cause:
            `${article(hm.type, true)} ${hm.type} check tests a TCP port; the service behind this pool answers on UDP. The result says ` +
            'little about whether the UDP service works.',
          fix: [
            `inventory: set healthmonitor.type of pool ${quoted(at.pool.id)} to UDP_CONNECT`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Protocol UDP`,
            'backend: keep ICMP echo on (net.ipv4.icmp_echo_ignore_all = 0) for UDP checks to pass',
          ],
          subject: { kind: 'pool' as const, name: at.pool.id },
        },
      ];
    }),
);
