// Which sticky-session types a pool may combine with which algorithm, per FAQ
// 6.1 (Table 6-1 dedicated, Table 6-2 shared). The tables key on the backend
// server group's protocol, so callers pass the pool's, not the listener's. Layer 4 keeps clients by source
// IP, Layer 7 by cookie (1.4, 1.11); source-IP hash is sticky by itself, so it
// takes no sticky-session setting at all. Pure, so config validation and the
// `sticky-session` playbook can both call it.
import type { ListenerProtocol, LoadBalancer, SessionPersistence } from '../../model/inventory.js';
import type { AlgorithmName } from './registry.js';

export type StickinessType = SessionPersistence['type'];

/** The sticky-session types FAQ 6.1 lists for a protocol/algorithm pair on a load balancer type. */
export function allowedStickinessTypes(
  protocol: ListenerProtocol,
  algorithm: AlgorithmName,
  // Both tables agree on every pair the model can express; the type stays in the
  // signature because the tables are per type and may diverge.
  _lbType: LoadBalancer['type'],
): readonly StickinessType[] {
  // Source IP hash already pins a client to a member: "Not supported" in both tables.
  if (algorithm === 'SOURCE_IP') return [];
  switch (protocol) {
    case 'TCP':
    case 'UDP':
      return ['SOURCE_IP'];
    case 'HTTP':
    case 'HTTPS':
      // Shared HTTPS listeners forward to HTTP pools (FAQ 5.7 Table 5-4); both tables give cookies.
      return ['HTTP_COOKIE', 'APP_COOKIE'];
    case 'QUIC':
      // Table 6-1 pairs QUIC only with the connection-ID algorithm, which the
      // model has no name for; shared load balancers have no QUIC at all.
      return [];
  }
}

/** FAQ 6.1: whether `type` stickiness is allowed for this pool protocol, algorithm and load balancer type. */
export function stickinessAllowed(
  poolProtocol: ListenerProtocol,
  algorithm: AlgorithmName,
  type: StickinessType,
  lbType: LoadBalancer['type'],
): boolean {
  return allowedStickinessTypes(poolProtocol, algorithm, lbType).includes(type);
}

/** A sentence for validation errors and playbook findings when a combination is refused. */
export function explainStickiness(
  poolProtocol: ListenerProtocol,
  algorithm: AlgorithmName,
  type: StickinessType,
  lbType: LoadBalancer['type'],
): string {
  const allowed = allowedStickinessTypes(poolProtocol, algorithm, lbType);
  const table = lbType === 'dedicated' ? 'Table 6-1' : 'Table 6-2';
  if (allowed.includes(type))
    return `${type} stickiness is allowed with ${algorithm} on a ${poolProtocol} backend server group (FAQ 6.1 ${table})`;
  if (algorithm === 'SOURCE_IP') {
    return `source IP hash already keeps a client on one member; it takes no sticky-session setting (FAQ 6.1 ${table})`;
  }
  const choices = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no sticky-session type is allowed';
  return `${type} stickiness is not allowed with ${algorithm} for a ${poolProtocol} backend server group on a ${lbType} load balancer; ${choices} (FAQ 6.1 ${table})`;
}
