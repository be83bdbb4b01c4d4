// FAQ 5.6 (Table 5-2): TCP and UDP listeners have an idle timeout only; the
// request (client) and response (member) timeouts belong to HTTP and HTTPS.
// Shared load balancers let TCP, HTTP and HTTPS timeouts be changed, not UDP.
import { isLayer4, listenersOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const timeoutNotApplicable = defineRule(
  {
    id: 'timeout-not-applicable',
    severity: 'info',
    summary:
      'a listener timeout the load balancer does not offer for that listener (the setting has no effect)',
    faq: ['5.6'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of listenersOf(inv)) {
      const l = at.listener;
      const subject = { kind: 'listener' as const, name: l.name };
      if (isLayer4(l.protocol)) {
        for (const [field, label] of [
          ['client_timeout', 'request timeout'],
          ['member_timeout', 'response timeout'],
        ] as const) {
          if (l[field] == null) continue;
          out.push({
            path: [...at.path, field],
            title: `${l.protocol} listener ${quoted(l.name)} has a ${label} (${field}), which only HTTP/HTTPS listeners have`,
            cause:
              'At Layer 4 the load balancer has an idle timeout only; request and response timeouts ' +
              'apply to HTTP and HTTPS listeners. This value changes nothing.',
            fix: [`inventory: remove ${field} from listener ${quoted(l.name)}`],
            subject,
          });
        }
      }
      if (at.entry.loadbalancer.type === 'shared' && l.protocol === 'UDP' && l.keepalive_timeout != null) {
        out.push({
          path: [...at.path, 'keepalive_timeout'],
          title: `UDP listener ${quoted(l.name)} sets an idle timeout, which shared load balancers do not let you change`,
          cause:
            'On a shared load balancer the timeouts of TCP, HTTP and HTTPS listeners can be changed, not those ' +
            'of UDP listeners; the listener keeps the default.',
          fix: [
            `inventory: remove keepalive_timeout from listener ${quoted(l.name)}, or move the listener to a dedicated load balancer`,
          ],
          subject,
        });
      }
    }
    return out;
  },
);
