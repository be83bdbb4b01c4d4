// Forwarding policies match HTTP host names and paths (FAQ 5.9; 1.6 names
// the Layer 7 router codes they lead to). A TCP or UDP listener has no
// request to match, so a policy on it never applies.
import { entryPath, listenersOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const policyOnLayer4Listener = defineRule(
  {
    id: 'policy-on-layer4-listener',
    severity: 'error',
    summary: 'a forwarding policy attached to a listener that is not HTTP or HTTPS',
    faq: ['5.9', '1.6'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of listenersOf(inv)) {
      if (at.listener.protocol === 'HTTP' || at.listener.protocol === 'HTTPS') continue;
      at.entry.l7policies.forEach((policy, k) => {
        if (policy.listener !== at.listener.name && policy.listener !== at.listener.id) return;
        out.push({
          path: [...entryPath(at.e), 'l7policies', k, 'listener'],
          title: `forwarding policy ${quoted(policy.name ?? policy.id ?? `#${k + 1}`)} is on ${at.listener.protocol} listener ${quoted(at.listener.name)}`,
          cause:
            'Forwarding policies route HTTP requests by host name or path; only HTTP and HTTPS listeners ' +
            'have them. On this listener the policy never matches anything.',
          fix: [
            'inventory: attach the policy to an HTTP or HTTPS listener, or remove it',
            `console: forwarding policies are under Listeners > (an HTTP/HTTPS listener) > Forwarding Policies`,
          ],
          subject: { kind: 'listener', name: at.listener.name },
        });
      });
    }
    return out;
  },
);
