// A check that may wait longer than the interval between checks overlaps the
// next one, and a member's state then changes later than the interval
// suggests (FAQ 2.1: configuration changes take effect after the interval
// and timeout; 2.3: several checker nodes already multiply the checks). The
// FAQ states no limit in its own words: the ELB API asks for a timeout no
// longer than the interval, and this rule follows it.
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const healthCheckTimeoutOverInterval = defineRule(
  {
    id: 'health-check-timeout-over-interval',
    severity: 'warn',
    summary: 'a health check timeout longer than its interval (delay)',
    faq: ['2.1', '2.3'],
  },
  (inv) =>
    poolsOf(inv).flatMap((at) => {
      const hm = at.pool.healthmonitor;
      if (!hm || hm.timeout <= hm.delay) return [];
      return [
        {
          path: [...at.path, 'healthmonitor', 'timeout'],
          title: `health check of pool ${quoted(at.pool.id)} waits ${hm.timeout} s, longer than its ${hm.delay} s interval`,
          cause:
            'Each check may still be waiting when the next one starts, so results overlap and a failed member ' +
            'is noticed later than the interval suggests. The load balancer expects a timeout no longer than the interval.',
          fix: [
            `inventory: set healthmonitor.timeout of pool ${quoted(at.pool.id)} to at most ${hm.delay}, or raise delay`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Timeout / Interval`,
          ],
          subject: { kind: 'pool' as const, name: at.pool.id },
        },
      ];
    }),
);
