// FAQ 2.1/2.2 ("Checking whether an EIP or private IP address is bound"):
// members behind a TCP or UDP listener are reported unhealthy while the load
// balancer has neither a private IP nor an EIP. Only an explicit `null` for
// both counts: a field left out means "not known", not "none".
import { listenersOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const layer4ListenerWithoutAddress = defineRule(
  {
    id: 'layer4-listener-without-address',
    severity: 'warn',
    summary: 'a TCP/UDP listener on a load balancer whose vip_address and eip are both null',
    faq: ['2.1', '2.2'],
  },
  (inv) =>
    listenersOf(inv)
      .filter((at) => at.listener.protocol === 'TCP' || at.listener.protocol === 'UDP')
      .filter((at) => at.entry.loadbalancer.vip_address === null && at.entry.loadbalancer.eip === null)
      .map((at) => ({
        path: ['loadbalancers', at.e, 'loadbalancer', 'vip_address'],
        title: `${at.listener.protocol} listener ${quoted(at.listener.name)} is on load balancer ${quoted(at.entry.loadbalancer.name)}, which has no private IP and no EIP`,
        cause:
          'Until the load balancer has a private IP address or an EIP, the health checks of members behind ' +
          'its TCP and UDP listeners report them unhealthy, and clients have nothing to connect to.',
        fix: [
          `console: Load Balancers > ${at.entry.loadbalancer.name} > bind a private IPv4 address or an EIP`,
          'inventory: record it as vip_address or eip',
        ],
        subject: { kind: 'listener' as const, name: at.listener.name },
      })),
);
