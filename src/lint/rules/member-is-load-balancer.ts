// FAQ 4.3: the virtual IP address comes from the load balancer's frontend
// subnet and belongs to the load balancer, not to a server; 3.5: using one
// address as both sides of the load balancer is advised against. A member at
// the load balancer's own VIP or EIP sends traffic back into the load
// balancer. Loopback is the one exception, unless the member port is one the
// load balancer listens on: an inventory on 127.0.0.1 describes a local setup
// (the reference load balancer and its backends share the host on purpose,
// as examples/inventory.yaml does), where only a listener's own port loops.
import ipaddr from 'ipaddr.js';
import { memberName } from '../../model/inventory.js';
import { membersOf, quoted, sameAddress } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

function isLoopback(address: string): boolean {
  return ipaddr.process(address).range() === 'loopback';
}

export const memberIsLoadBalancer = defineRule(
  {
    id: 'member-is-load-balancer',
    severity: 'error',
    summary: "a member whose address is its own load balancer's VIP or EIP",
    faq: ['4.3', '3.5'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of membersOf(inv)) {
      const lb = at.entry.loadbalancer;
      // A listener on the member's port and transport: the load balancer forwards to itself.
      const transport = (p: string) => (p === 'UDP' || p === 'QUIC' ? 'udp' : 'tcp');
      const loopsToListener = at.entry.listeners.some(
        (l) =>
          l.protocol_port === at.member.protocol_port &&
          transport(l.protocol) === transport(at.pool.protocol),
      );
      for (const [field, addr] of [
        ['vip_address', lb.vip_address],
        ['eip', lb.eip],
      ] as const) {
        if (addr == null || !sameAddress(addr, at.member.address)) continue;
        if (isLoopback(addr) && !loopsToListener) continue;
        out.push({
          path: [...at.memberPath, 'address'],
          title: `member ${quoted(memberName(at.member))} of pool ${quoted(at.pool.id)} is the load balancer's own ${field === 'eip' ? 'EIP' : 'VIP'} ${addr}`,
          cause:
            'The address belongs to the load balancer itself. Requests forwarded to it come back to the ' +
            'load balancer instead of reaching a backend server' +
            (loopsToListener ? `, on a port it listens on: a loop.` : '.'),
          fix: [
            `inventory: set the member's address to the backend server's private IP address`,
            `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Backend Servers: remove it and add the server`,
          ],
          subject: { kind: 'member', name: memberName(at.member) },
        });
        break;
      }
    }
    return out;
  },
);
