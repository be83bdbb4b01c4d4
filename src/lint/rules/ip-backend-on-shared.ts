// FAQ 3.4 (and 1.1, 1.3, 4.3): "IP as a Backend" — servers added by IP
// address, forwarded with fullNAT — is described for dedicated load balancers
// only.
import { entryPath, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const ipBackendOnShared = defineRule(
  {
    id: 'ip-backend-on-shared',
    severity: 'warn',
    summary: 'ip_target_enable (IP as a Backend) on a shared load balancer',
    faq: ['3.4'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    inv.loadbalancers.forEach((entry, e) => {
      const lb = entry.loadbalancer;
      if (lb.type !== 'shared' || !lb.ip_target_enable) return;
      out.push({
        path: [...entryPath(e), 'loadbalancer', 'ip_target_enable'],
        title: `shared load balancer ${quoted(lb.name)} enables IP as a Backend, a dedicated load balancer feature`,
        cause:
          'Adding servers by IP address (other VPCs, on-premises over Direct Connect or VPN) is offered by ' +
          'dedicated load balancers; on a shared one the setting does not exist.',
        fix: [
          'inventory: set ip_target_enable: false, or describe a dedicated load balancer (type: dedicated)',
        ],
        subject: { kind: 'loadbalancer', name: lb.name },
      });
    });
    return out;
  },
);
