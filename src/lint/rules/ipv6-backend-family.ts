// FAQ 3.7, dedicated load balancers: an application (HTTP/HTTPS) load
// balancer talks to its backend servers over IPv4 even for IPv6 clients; a
// network (TCP/UDP) load balancer reached over IPv6 talks to them over IPv6.
// So an IPv6 member in an HTTP/HTTPS pool is never used, and a Layer 4 pool of
// a load balancer whose only address is IPv6 needs IPv6 members. Whether the
// backend subnet has IPv6 enabled (3.7 note) is not in the inventory: not checked.
import { memberName } from '../../model/inventory.js';
import { addressFamily, listenersOfPool, membersOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const ipv6BackendFamily = defineRule(
  {
    id: 'ipv6-backend-family',
    severity: 'error',
    summary:
      'a member address family a dedicated load balancer cannot use (IPv6 at Layer 7; IPv4 behind an IPv6-only Layer 4 VIP)',
    faq: ['3.7'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of membersOf(inv)) {
      const lb = at.entry.loadbalancer;
      if (lb.type !== 'dedicated') continue;
      const family = addressFamily(at.member.address);
      const protocol = at.pool.protocol;
      const subject = { kind: 'member' as const, name: memberName(at.member) };
      if ((protocol === 'HTTP' || protocol === 'HTTPS') && family === 'ipv6') {
        out.push({
          path: [...at.memberPath, 'address'],
          title: `${protocol} pool ${quoted(at.pool.id)} has IPv6 member ${quoted(memberName(at.member))}`,
          cause:
            'An application (HTTP/HTTPS) dedicated load balancer forwards to backend servers over IPv4, also for ' +
            'clients that came in over IPv6.',
          fix: [`inventory: use the IPv4 address of member ${quoted(memberName(at.member))}`],
          subject,
        });
        continue;
      }
      const ipv6Only =
        lb.vip_address != null &&
        addressFamily(lb.vip_address) === 'ipv6' &&
        (lb.eip == null || addressFamily(lb.eip) === 'ipv6');
      const layer4 = protocol === 'TCP' || protocol === 'UDP' || protocol === 'QUIC';
      if (!ipv6Only || !layer4 || family !== 'ipv4') continue;
      if (listenersOfPool(inv, at.e, at.pool.id).length === 0) continue;
      out.push({
        path: [...at.memberPath, 'address'],
        title: `${protocol} pool ${quoted(at.pool.id)} of IPv6 load balancer ${quoted(lb.name)} has IPv4 member ${quoted(memberName(at.member))}`,
        cause:
          'Clients reach this network load balancer over IPv6, and a network load balancer forwards IPv6 ' +
          'traffic to backend servers over IPv6.',
        fix: [
          `inventory: use the IPv6 address of member ${quoted(memberName(at.member))}`,
          'console: the load balancer needs a backend subnet with IPv6 enabled',
        ],
        subject,
      });
    }
    return out;
  },
);
