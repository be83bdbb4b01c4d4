// FAQ 6.1 (Tables 6-1 dedicated, 6-2 shared): Layer 4 pools (TCP, UDP, and
// QUIC on dedicated) keep clients by source IP; Layer 7 pools (HTTP, HTTPS) by
// a load balancer or application cookie. 1.11: stickiness of the wrong kind
// is one reason sticky sessions "do not work".
import {
  ALGORITHM_LABEL,
  STICKINESS_BY_POOL_PROTOCOL,
  STICKINESS_LABEL,
  STICKINESS_TABLE,
} from '../faq-tables.js';
import { article, poolsOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const stickinessType = defineRule(
  {
    id: 'stickiness-type',
    severity: 'error',
    summary: "a sticky-session type the pool's protocol does not support",
    faq: ['6.1', '1.11'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of poolsOf(inv)) {
      const sp = at.pool.session_persistence;
      // Source IP hash has its own rule.
      if (!sp || at.pool.lb_algorithm === 'SOURCE_IP') continue;
      const lbType = at.entry.loadbalancer.type;
      const allowed = STICKINESS_BY_POOL_PROTOCOL[lbType][at.pool.protocol];
      // No row for this protocol (shared HTTPS/QUIC pools): protocol-pair reports the pool.
      if (!allowed || allowed.includes(sp.type)) continue;
      out.push({
        path: [...at.path, 'session_persistence', 'type'],
        title: `${at.pool.protocol} pool ${quoted(at.pool.id)} cannot use ${STICKINESS_LABEL[sp.type]} stickiness`,
        cause:
          `With ${ALGORITHM_LABEL[at.pool.lb_algorithm]} ${article(at.pool.protocol)} ${at.pool.protocol} backend server group on a ${lbType} load balancer ` +
          `supports ${allowed.map((t) => STICKINESS_LABEL[t]).join(' or ')} stickiness only ` +
          `(FAQ 6.1 ${STICKINESS_TABLE[lbType]}).`,
        fix: [
          `inventory: set session_persistence.type of pool ${quoted(at.pool.id)} to ${allowed.join(' or ')}`,
          `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Edit > Sticky Session > Type`,
        ],
        subject: { kind: 'pool', name: at.pool.id },
      });
    }
    return out;
  },
);
