// Transfer Client IP Address is a Layer 4 setting (FAQ 3.9: Layer 7 passes
// the client address in HTTP headers), and IP as a Backend forwards with
// fullNAT so the setting is not applied (3.5 note, 1.3). Set where it cannot
// act, it suggests the backend will see client addresses it will not see.
import { isLayer4, listenersOf, quoted } from '../inventory-walk.js';
import { defineRule } from '../types.js';

export const clientIpIgnored = defineRule(
  {
    id: 'client-ip-ignored',
    severity: 'info',
    summary:
      'Transfer Client IP Address enabled where it has no effect (Layer 7 listener, or IP as a Backend)',
    faq: ['3.9', '3.5'],
  },
  (inv) =>
    listenersOf(inv).flatMap((at) => {
      const l = at.listener;
      if (!l.transparent_client_ip_enable) return [];
      const layer7 = !isLayer4(l.protocol);
      if (!layer7 && !at.entry.loadbalancer.ip_target_enable) return [];
      return [
        {
          path: [...at.path, 'transparent_client_ip_enable'],
          title: layer7
            ? `${l.protocol} listener ${quoted(l.name)} enables Transfer Client IP Address, a TCP/UDP setting`
            : `Transfer Client IP Address on listener ${quoted(l.name)} is not applied: IP as a Backend is on`,
          cause: layer7
            ? 'At Layer 7 the backend learns the client address from the X-Forwarded-For and X-Real-IP headers; ' +
              'this setting changes nothing for an HTTP or HTTPS listener.'
            : 'With IP as a Backend the load balancer rewrites source addresses to its backend subnet, so ' +
              'backends see those addresses, not the client address.',
          fix: layer7
            ? [
                `inventory: remove transparent_client_ip_enable from listener ${quoted(l.name)}`,
                'backend: read the client address from X-Forwarded-For / X-Real-IP (lbdoctor run client-ip)',
              ]
            : [
                `inventory: remove transparent_client_ip_enable from listener ${quoted(l.name)}`,
                'backend: use the TOA module to learn client addresses (FAQ 3.9), or turn IP as a Backend off',
              ],
          subject: { kind: 'listener' as const, name: l.name },
          ...(layer7 ? {} : { faq: ['1.3'] }),
        },
      ];
    }),
);
