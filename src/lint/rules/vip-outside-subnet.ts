// FAQ 4.3: the load balancer's virtual IP address is taken from its frontend
// subnet (vip_subnet_cidr). A VIP outside that subnet is a typo in one of them.
import { cidrContains } from '../../model/net.js';
import { entryPath, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const vipOutsideSubnet = defineRule(
  {
    id: 'vip-outside-subnet',
    severity: 'error',
    summary: 'a vip_address outside the vip_subnet_cidr it should come from',
    faq: ['4.3'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    inv.loadbalancers.forEach((entry, e) => {
      const { vip_address: vip, vip_subnet_cidr: cidr, name } = entry.loadbalancer;
      if (vip == null || cidr == null || cidrContains(cidr, vip)) return;
      out.push({
        path: [...entryPath(e), 'loadbalancer', 'vip_address'],
        title: `VIP ${vip} of load balancer ${quoted(name)} is not in its frontend subnet ${cidr}`,
        cause: 'The virtual IP address is assigned from the frontend subnet; one of the two values is wrong.',
        fix: [
          `console: Load Balancers > ${name} > Summary: compare the private IPv4 address and the subnet, then correct the inventory`,
        ],
        subject: { kind: 'loadbalancer', name },
      });
    });
    return out;
  },
);
