// FAQ 5.9: a forwarding policy identical to an existing one on the same
// listener goes into the faulty state, and stays faulty even after the
// original is deleted. "Identical" here: the same set of match rules, in any
// order (host names compared without case, as DNS does).
import type { L7Policy } from '../../model/inventory.js';
import { listenersOf, policiesOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

function conditionsKey(policy: L7Policy): string {
  const rules = policy.rules.map(
    (r) =>
      `${r.type}\u0000${r.compare_type}\u0000${r.type === 'HOST_NAME' ? r.value.toLowerCase() : r.value}`,
  );
  return [...new Set(rules)].sort().join('\u0001');
}

const policyName = (policy: L7Policy, k: number) => quoted(policy.name ?? policy.id ?? `#${k + 1}`);

export const duplicatePolicy = defineRule(
  {
    id: 'duplicate-policy',
    severity: 'error',
    summary: 'two forwarding policies of one listener with the same match rules',
    faq: ['5.9'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of listenersOf(inv)) {
      const seen = new Map<string, { policy: L7Policy; k: number }>();
      for (const { policy, k, path } of policiesOf(at.entry, at.e, at.listener)) {
        const key = conditionsKey(policy);
        const first = seen.get(key);
        if (!first) {
          seen.set(key, { policy, k });
          continue;
        }
        out.push({
          path: [...path, 'rules'],
          title: `forwarding policy ${policyName(policy, k)} repeats ${policyName(first.policy, first.k)} on listener ${quoted(at.listener.name)}`,
          cause:
            'Both policies match exactly the same requests. The load balancer puts the later one in the ' +
            'faulty state, and deleting the earlier one does not repair it.',
          fix: [
            `inventory: remove policy ${policyName(policy, k)} or give it different rules`,
            `console: Listeners > ${at.listener.name} > Forwarding Policies: delete the faulty policy and add one with different rules`,
          ],
          subject: { kind: 'listener', name: at.listener.name },
        });
      }
    }
    return out;
  },
);
