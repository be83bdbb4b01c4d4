// One backend server group holds a server's address:port once: the console
// refuses a second one. In an inventory a repeated member double-counts its
// weight, which skews the traffic shares FAQ 1.8 compares against weights.
import { memberName } from '../../model/inventory.js';
import { memberKey, poolsOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const duplicateMember = defineRule(
  {
    id: 'duplicate-member',
    severity: 'error',
    summary: 'the same address:port twice in one pool',
    faq: ['1.8'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of poolsOf(inv)) {
      const seen = new Map<string, number>();
      at.pool.members.forEach((m, i) => {
        const key = memberKey(m);
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, i);
          return;
        }
        const other = at.pool.members[first]!;
        out.push({
          path: [...at.path, 'members', i, 'protocol_port'],
          title: `pool ${quoted(at.pool.id)} lists ${key} twice (${quoted(memberName(other))} and ${quoted(memberName(m))})`,
          cause:
            'A backend server group can hold an address and port once. The load balancer refuses the second ' +
            'entry; described twice, the server would seem to receive the sum of both weights.',
          fix: [`inventory: remove one of the two members, or correct its address or protocol_port`],
          subject: { kind: 'member', name: memberName(m) },
        });
      });
    }
    return out;
  },
);
