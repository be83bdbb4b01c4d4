// FAQ 5.6 (Table 5-2): the idle timeout of a TCP, UDP or QUIC listener is
// 10–4000 s; HTTP and HTTPS take 0–4000 s. The schema accepts 0–4000 for all,
// so the Layer 4 lower bound is checked here.
import { IDLE_TIMEOUT_RANGE } from '../faq-tables.js';
import { article, listenersOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const idleTimeoutRange = defineRule(
  {
    id: 'idle-timeout-range',
    severity: 'error',
    summary: 'an idle timeout (keepalive_timeout) outside the range FAQ 5.6 gives for the protocol',
    faq: ['5.6'],
  },
  (inv) =>
    listenersOf(inv).flatMap((at) => {
      const t = at.listener.keepalive_timeout;
      const [min, max] = IDLE_TIMEOUT_RANGE[at.listener.protocol];
      if (t == null || (t >= min && t <= max)) return [];
      return [
        {
          path: [...at.path, 'keepalive_timeout'],
          title: `idle timeout ${t} s of ${at.listener.protocol} listener ${quoted(at.listener.name)} is outside ${min}–${max} s`,
          cause: `${article(at.listener.protocol, true)} ${at.listener.protocol} listener's idle timeout can be set from ${min} to ${max} seconds; the load balancer does not accept ${t}.`,
          fix: [
            `inventory: set keepalive_timeout of listener ${quoted(at.listener.name)} between ${min} and ${max}`,
            `console: Listeners > ${at.listener.name} > Edit > Advanced Settings > Idle Timeout`,
          ],
          subject: { kind: 'listener' as const, name: at.listener.name },
        },
      ];
    }),
);
