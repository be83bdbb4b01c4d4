// FAQ 6.1 (Tables 6-1 and 6-2): source IP hash already sends a client to the
// same member, so both tables list no sticky-session type for it.
import { ALGORITHM_LABEL, STICKINESS_LABEL, STICKINESS_TABLE } from '../faq-tables.js';
import { poolsOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const stickinessWithSourceIpHash = defineRule(
  {
    id: 'stickiness-with-source-ip-hash',
    severity: 'error',
    summary: 'sticky sessions configured on a pool that balances by source IP hash',
    faq: ['6.1'],
  },
  (inv) =>
    poolsOf(inv)
      // Table 6-1's QUIC row uses the connection-ID algorithm, which the model
      // cannot name; the FAQ says nothing of source IP hash on QUIC pools.
      .filter((at) => at.pool.lb_algorithm === 'SOURCE_IP' && at.pool.protocol !== 'QUIC')
      .filter((at) => at.pool.session_persistence != null)
      .map((at) => {
        const sp = at.pool.session_persistence!;
        return {
          path: [...at.path, 'session_persistence', 'type'],
          title: `pool ${quoted(at.pool.id)} combines ${ALGORITHM_LABEL.SOURCE_IP} with ${STICKINESS_LABEL[sp.type]} stickiness`,
          cause:
            `${ALGORITHM_LABEL.SOURCE_IP[0]!.toUpperCase()}${ALGORITHM_LABEL.SOURCE_IP.slice(1)} keeps each client on one member by itself; ` +
            `no sticky-session type can be added to it (FAQ 6.1 ${STICKINESS_TABLE[at.entry.loadbalancer.type]}).`,
          fix: [
            `inventory: remove session_persistence from pool ${quoted(at.pool.id)}, or change lb_algorithm to ROUND_ROBIN or LEAST_CONNECTIONS`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Edit: turn Sticky Session off, or pick another Load Balancing Algorithm`,
          ],
          subject: { kind: 'pool', name: at.pool.id },
        };
      }),
);
