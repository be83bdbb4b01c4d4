// The host names a certificate file must cover, read from an inventory
// (FAQ 5.8, 7.1): for each listener that binds the file as its default
// certificate, the exact HOST_NAME rules of its forwarding policies and the
// certificate's `domain`; for an SNI certificate, its own `domain`.
import { resolve } from 'node:path';
import type { Inventory } from '../model/inventory.js';
import { isPemText, resolvePemPath } from '../reference/tls/certificates.js';

export interface ListenerNames {
  names: string[];
  /** Listeners that bind the file; empty when the inventory does not name it (then every HTTPS listener counts). */
  boundBy: string[];
}

const split = (domain: string | null | undefined) =>
  (domain ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);

export function namesForCertificate(inventory: Inventory, file: string): ListenerNames {
  const target = resolve(file);
  const ids = new Set(
    inventory.certificates
      .filter((c) => !isPemText(c.certificate) && resolvePemPath(c.certificate, inventory.source) === target)
      .map((c) => c.id),
  );
  const domainOf = (id: string | null | undefined) =>
    split(inventory.certificates.find((c) => c.id === id)?.domain);
  const names: string[] = [];
  const boundBy: string[] = [];
  const all: string[] = [];
  for (const entry of inventory.loadbalancers) {
    for (const l of entry.listeners) {
      if (l.protocol !== 'HTTPS') continue;
      const hostRules = entry.l7policies
        .filter((p) => p.listener === l.name || p.listener === l.id)
        .flatMap((p) => p.rules)
        .filter((r) => r.type === 'HOST_NAME' && r.compare_type === 'EQUAL_TO')
        .map((r) => r.value.toLowerCase());
      const listenerNames = [...hostRules, ...domainOf(l.default_tls_container_ref)];
      all.push(...listenerNames, ...l.sni_container_refs.flatMap(domainOf));
      if (l.default_tls_container_ref && ids.has(l.default_tls_container_ref)) {
        names.push(...listenerNames);
        boundBy.push(l.name);
      }
      for (const ref of l.sni_container_refs.filter((r) => ids.has(r))) {
        names.push(...domainOf(ref));
        boundBy.push(`${l.name} (SNI)`);
      }
    }
  }
  return { names: [...new Set(boundBy.length ? names : all)], boundBy };
}
