// FAQ 2.4: a UDP health check with a short timeout misses late ICMP replies
// and flaps between healthy and unhealthy; the FAQ asks to keep the default
// parameters (ELB's default timeout: 3 s) and to lengthen the timeout first.
import { UDP_CHECK_DEFAULT_TIMEOUT } from '../faq-tables.js';
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const udpCheckTimeoutShort = defineRule(
  {
    id: 'udp-check-timeout-short',
    severity: 'warn',
    summary: `a UDP_CONNECT health check with a timeout below the ${UDP_CHECK_DEFAULT_TIMEOUT} s default`,
    faq: ['2.4'],
  },
  (inv) =>
    poolsOf(inv).flatMap((at) => {
      const hm = at.pool.healthmonitor;
      if (hm?.type !== 'UDP_CONNECT' || hm.timeout >= UDP_CHECK_DEFAULT_TIMEOUT) return [];
      return [
        {
          path: [...at.path, 'healthmonitor', 'timeout'],
          title: `UDP health check of pool ${quoted(at.pool.id)} times out after ${hm.timeout} s`,
          cause:
            'An ICMP echo reply or port-unreachable message that arrives after the timeout is missed, so the ' +
            'member flips between healthy and unhealthy.',
          fix: [
            `inventory: set healthmonitor.timeout of pool ${quoted(at.pool.id)} to ${UDP_CHECK_DEFAULT_TIMEOUT} or more`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Timeout`,
          ],
          subject: { kind: 'pool' as const, name: at.pool.id },
        },
      ];
    }),
);
