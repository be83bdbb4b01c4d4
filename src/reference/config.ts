// What the reference load balancer checks before it starts, beyond the schema
// and load-inventory's cross references: the frontend/backend protocol pairs
// ELB allows (FAQ 5.7, Tables 5-3 dedicated and 5-4 shared), sticky-session
// and algorithm combinations (6.1), certificates that can be read and match
// their keys (7.2, 7.4), TLS policy names (1.12), regular expressions in
// forwarding rules, and ports two load balancers would both bind. Every
// problem is collected and thrown as one InputError (exit 2).
import tls from 'node:tls';
import { InputError, type Problem } from '../errors.js';
import type { Inventory, ListenerProtocol, LoadBalancer } from '../model/inventory.js';
import { explainStickiness, stickinessAllowed } from './balancers/stickiness-rules.js';
import { loadCaBundle, loadCertificate } from './tls/certificates.js';
import { TLS_POLICIES, tlsPolicy } from './tls/policies.js';

/** FAQ 5.7: backend protocols each frontend protocol may use. */
const PROTOCOL_PAIRS: Record<LoadBalancer['type'], Partial<Record<ListenerProtocol, readonly string[]>>> = {
  // Table 5-3 (gRPC backends exist in ELB but not in this model).
  dedicated: { TCP: ['TCP'], UDP: ['UDP', 'QUIC'], HTTP: ['HTTP'], HTTPS: ['HTTP', 'HTTPS'] },
  // Table 5-4.
  shared: { TCP: ['TCP'], UDP: ['UDP'], HTTP: ['HTTP'], HTTPS: ['HTTP'] },
};

export function allowedBackendProtocols(
  lbType: LoadBalancer['type'],
  frontend: ListenerProtocol,
): readonly string[] {
  return PROTOCOL_PAIRS[lbType][frontend] ?? [];
}

/** Throws one InputError listing every problem; returns quietly when the inventory can run. */
export function validateReferenceConfig(inv: Inventory): void {
  const problems: Problem[] = [];
  const file = inv.source ? { file: inv.source } : {};
  const multi = inv.loadbalancers.length > 1;
  const at = (e: number, path: string) => `${multi ? `loadbalancers[${e}].` : ''}${path}`;
  const ports = new Map<string, { e: number; name: string }>();
  const poolOwners = new Map<string, number>();
  const certProblems = new Map<string, string>();

  const checkCert = (id: string, asCa = false): string | undefined => {
    const cacheKey = `${asCa ? 'ca' : 'server'}:${id}`;
    if (certProblems.has(cacheKey)) return certProblems.get(cacheKey);
    const c = inv.certificates.find((x) => x.id === id);
    let problem: string | undefined;
    if (c) {
      try {
        if (asCa) {
          tls.createSecureContext({ ca: loadCaBundle(c, inv.source) });
        } else {
          const loaded = loadCertificate(c, inv.source);
          tls.createSecureContext({ cert: loaded.cert, key: loaded.key });
        }
      } catch (err) {
        const p = err instanceof InputError ? err.problems[0]?.message : undefined;
        problem = `${err instanceof Error ? err.message : String(err)}${p ? `: ${p}` : ''}`;
      }
    }
    certProblems.set(cacheKey, problem ?? '');
    return problem;
  };

  inv.loadbalancers.forEach((entry, e) => {
    const lbType = entry.loadbalancer.type;
    entry.pools.forEach((p, i) => {
      const owner = poolOwners.get(p.id);
      if (owner !== undefined && owner !== e) {
        problems.push({
          ...file,
          field: at(e, `pools[${i}].id`),
          message: `pool id "${p.id}" is also used by another load balancer; the reference LB needs pool ids unique across the inventory`,
        });
      }
      poolOwners.set(p.id, e);
    });
    entry.listeners.forEach((l, i) => {
      const where = (f: string) => at(e, `listeners[${i}]${f ? `.${f}` : ''}`);
      if (l.protocol_port != null) {
        const key = `${l.protocol === 'UDP' || l.protocol === 'QUIC' ? 'udp' : 'tcp'}/${l.protocol_port}`;
        const other = ports.get(key);
        // Same-entry duplicates are load-inventory's to report.
        if (other && other.e !== e) {
          problems.push({
            ...file,
            field: where('protocol_port'),
            message: `port ${key} is also used by listener "${other.name}" of another load balancer; the reference LB binds both on one address`,
          });
        }
        ports.set(key, { e, name: l.name });
      }
      const poolRefs: { id: string; field: string }[] = [];
      if (l.default_pool_id) poolRefs.push({ id: l.default_pool_id, field: where('default_pool_id') });
      entry.l7policies.forEach((pol, k) => {
        if (pol.listener !== l.name && pol.listener !== l.id) return;
        if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') {
          problems.push({
            ...file,
            field: at(e, `l7policies[${k}].listener`),
            message: `forwarding policies need an HTTP or HTTPS listener; "${l.name}" is ${l.protocol}`,
          });
        }
        if (pol.action === 'REDIRECT_TO_POOL' && pol.redirect_pool_id) {
          poolRefs.push({ id: pol.redirect_pool_id, field: at(e, `l7policies[${k}].redirect_pool_id`) });
        } else if (pol.action !== 'REDIRECT_TO_POOL') {
          problems.push({
            ...file,
            field: at(e, `l7policies[${k}].action`),
            message: `the reference load balancer implements REDIRECT_TO_POOL only, not ${pol.action}`,
            expected: 'REDIRECT_TO_POOL',
          });
        }
        pol.rules.forEach((r, n) => {
          if (r.compare_type !== 'REGEX') return;
          try {
            new RegExp(r.value);
          } catch (err) {
            problems.push({
              ...file,
              field: at(e, `l7policies[${k}].rules[${n}].value`),
              message: `not a valid regular expression: ${(err as Error).message}`,
            });
          }
        });
      });
      for (const ref of poolRefs) {
        const pool = entry.pools.find((p) => p.id === ref.id);
        if (!pool) continue;
        const allowed = allowedBackendProtocols(lbType, l.protocol);
        if (!allowed.includes(pool.protocol)) {
          problems.push({
            ...file,
            field: ref.field,
            message: `a ${lbType} load balancer cannot send ${l.protocol} listener "${l.name}" to ${pool.protocol} pool "${pool.id}" (FAQ 5.7 Table ${lbType === 'dedicated' ? '5-3' : '5-4'})`,
            expected: allowed.length
              ? `a pool with protocol ${allowed.join(' or ')}`
              : 'no pool: the reference LB has no backend protocol for it',
          });
        }
        const sp = pool.session_persistence;
        // FAQ 6.1 keys the allowed pairs on the backend server group's protocol.
        if (sp && !stickinessAllowed(pool.protocol, pool.lb_algorithm, sp.type, lbType)) {
          problems.push({
            ...file,
            field: at(e, `pools[${entry.pools.indexOf(pool)}].session_persistence.type`),
            message: explainStickiness(pool.protocol, pool.lb_algorithm, sp.type, lbType),
          });
        }
      }
      if (l.protocol === 'HTTPS') {
        if (!tlsPolicy(l.tls_ciphers_policy)) {
          problems.push({
            ...file,
            field: where('tls_ciphers_policy'),
            message: `unknown TLS security policy "${l.tls_ciphers_policy}" (FAQ 1.12)`,
            expected: `one of ${Object.keys(TLS_POLICIES).join(', ')}`,
          });
        }
        const refs = [
          ...(l.default_tls_container_ref
            ? [{ id: l.default_tls_container_ref, field: where('default_tls_container_ref') }]
            : []),
          ...l.sni_container_refs.map((id, k) => ({ id, field: where(`sni_container_refs[${k}]`) })),
        ];
        if (l.client_ca_tls_container_ref) {
          const problem = checkCert(l.client_ca_tls_container_ref, true);
          if (problem) {
            problems.push({
              ...file,
              field: where('client_ca_tls_container_ref'),
              message: `CA certificate "${l.client_ca_tls_container_ref}" cannot be used: ${problem}`,
            });
          }
        }
        for (const ref of refs) {
          const problem = checkCert(ref.id);
          if (problem)
            problems.push({
              ...file,
              field: ref.field,
              message: `certificate "${ref.id}" cannot be used: ${problem}`,
            });
        }
      }
    });
  });
  if (problems.length > 0) {
    throw new InputError(
      `${inv.source ?? 'the inventory'} cannot run on the reference load balancer`,
      problems,
      'fix each field listed; FAQ sections are named where the rule comes from',
    );
  }
}
