// FAQ 5.7 (Tables 5-3 dedicated, 5-4 shared) and 3.6: a listener can only be
// associated with a backend server group whose protocol its load balancer
// type allows. Checked wherever a listener sends to a pool: its default pool
// and every forwarding policy that redirects to a pool.
import { PAIR_TABLE, PROTOCOL_PAIRS } from '../faq-tables.js';
import { article, listenersOf, poolRefsOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const protocolPair = defineRule(
  {
    id: 'protocol-pair',
    severity: 'error',
    summary: 'a listener sends to a pool whose protocol its load balancer type does not allow',
    faq: ['5.7', '3.6'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of listenersOf(inv)) {
      const lbType = at.entry.loadbalancer.type;
      const allowed = PROTOCOL_PAIRS[lbType][at.listener.protocol];
      const table = `FAQ 5.7 ${PAIR_TABLE[lbType]}`;
      const lb = at.entry.loadbalancer.name;
      if (allowed === undefined) {
        // Neither table has a QUIC frontend. On a shared load balancer that is
        // a refusal (its table lists every frontend it has); for a dedicated one
        // the FAQ gives no pairs, so there is nothing to check against.
        if (lbType === 'shared') {
          out.push({
            path: [...at.path, 'protocol'],
            title: `shared load balancer ${quoted(lb)} has no ${at.listener.protocol} listeners`,
            cause: `A shared load balancer offers TCP, UDP, HTTP and HTTPS frontends only (${table}).`,
            fix: [
              `inventory: change the protocol of listener ${quoted(at.listener.name)} to one of TCP, UDP, HTTP, HTTPS, or use a dedicated load balancer`,
            ],
            subject: { kind: 'listener', name: at.listener.name },
          });
        }
        continue;
      }
      for (const ref of poolRefsOf(at)) {
        if (!ref.pool || allowed.includes(ref.pool.protocol)) continue;
        const https =
          lbType === 'shared' && at.listener.protocol === 'HTTPS' && ref.pool.protocol === 'HTTPS';
        out.push({
          path: ref.path,
          title: `${at.listener.protocol} listener ${quoted(at.listener.name)} cannot use ${ref.pool.protocol} pool ${quoted(ref.pool.id)} on a ${lbType} load balancer`,
          cause:
            `On a ${lbType} load balancer ${article(at.listener.protocol)} ${at.listener.protocol} frontend forwards only to ` +
            `${allowed.join(' or ')} backend server groups (${table}); the console does not offer ` +
            `this group for the listener${ref.via === 'forwarding policy' ? "'s forwarding policy" : ''}.` +
            (https ? ' HTTPS at both ends needs a dedicated load balancer (FAQ 3.6).' : ''),
          fix: [
            `inventory: point ${ref.via === 'default pool' ? 'default_pool_id' : 'redirect_pool_id'} at a pool of protocol ${allowed.join(' or ')}, or change pool ${quoted(ref.pool.id)}'s protocol`,
            `console: Elastic Load Balance > Backend Server Groups > Create Backend Server Group (Backend Protocol ${allowed[0]}), then associate it with listener ${at.listener.name}`,
          ],
          subject: { kind: 'listener', name: at.listener.name },
        });
      }
    }
    return out;
  },
);
