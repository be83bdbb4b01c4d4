// FAQ 1.3: two Layer 4 listeners (of one load balancer or of several) that
// both pass the client address unchanged, forwarding to the same member
// address and port, can hand that member two connections with the same
// 5-tuple; the client then sees occasional timeouts.
import { memberName } from '../../model/inventory.js';
import { listenersOf, memberKey, poolRefsOf, quoted, transfersClientIp } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const clientIpSharedMember = defineRule(
  {
    id: 'client-ip-shared-member',
    severity: 'warn',
    summary:
      'two listeners that transfer the client IP forward to the same member address:port (5-tuple conflicts)',
    faq: ['1.3'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    // transport/address:port → the first listener that reaches it.
    const first = new Map<string, { lb: string; listener: string }>();
    for (const at of listenersOf(inv)) {
      if (!transfersClientIp(at.entry, at.listener)) continue;
      const transport = at.listener.protocol === 'UDP' ? 'udp' : 'tcp';
      const mine = new Set<string>();
      for (const ref of poolRefsOf(at)) {
        const pool = ref.pool;
        if (!pool) continue;
        const p = at.entry.pools.indexOf(pool);
        pool.members.forEach((m, i) => {
          const key = `${transport}/${memberKey(m)}`;
          if (mine.has(key)) return;
          mine.add(key);
          const other = first.get(key);
          if (!other) {
            first.set(key, { lb: at.entry.loadbalancer.name, listener: at.listener.name });
            return;
          }
          const where =
            other.lb === at.entry.loadbalancer.name
              ? `listener ${quoted(other.listener)}`
              : `listener ${quoted(other.listener)} of load balancer ${quoted(other.lb)}`;
          out.push({
            path: ['loadbalancers', at.e, 'pools', p, 'members', i, 'address'],
            title: `member ${memberKey(m)} is reached by listener ${quoted(at.listener.name)} and ${where}, both passing the client IP`,
            cause:
              "Both listeners forward the client's own address and port. " +
              'A client using the same source port ' +
              'towards both makes the member receive two connections with one 5-tuple, and one of them fails.',
            fix: [
              'route the two listeners to different backend servers or ports',
              'clients: do not pin the source port when talking to several load balancers',
              'console: enable IP as a Backend on the load balancer (fullNAT; Transfer Client IP Address is then not applied)',
            ],
            subject: { kind: 'member', name: memberName(m) },
          });
        });
      }
    }
    return out;
  },
);
