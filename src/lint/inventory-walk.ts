// Ways through the normalised inventory that several rules share: every
// listener, pool and member with its path, and which pools a listener sends to.
import ipaddr from 'ipaddr.js';
import type {
  Inventory,
  L7Policy,
  Listener,
  ListenerProtocol,
  LoadBalancerEntry,
  Member,
  Pool,
} from '../model/inventory.js';
import type { InventoryPath } from './types.js';
import { endpointKey } from '../model/net.js';

export interface ListenerAt {
  entry: LoadBalancerEntry;
  e: number;
  listener: Listener;
  i: number;
  path: InventoryPath;
}

export interface PoolAt {
  entry: LoadBalancerEntry;
  e: number;
  pool: Pool;
  p: number;
  path: InventoryPath;
}

export interface MemberAt extends PoolAt {
  member: Member;
  m: number;
  memberPath: InventoryPath;
}

export interface PolicyAt {
  policy: L7Policy;
  k: number;
  path: InventoryPath;
}

export const entryPath = (e: number): InventoryPath => ['loadbalancers', e];

export function listenersOf(inv: Inventory): ListenerAt[] {
  return inv.loadbalancers.flatMap((entry, e) =>
    entry.listeners.map((listener, i) => ({
      entry,
      e,
      listener,
      i,
      path: [...entryPath(e), 'listeners', i],
    })),
  );
}

export function poolsOf(inv: Inventory): PoolAt[] {
  return inv.loadbalancers.flatMap((entry, e) =>
    entry.pools.map((pool, p) => ({ entry, e, pool, p, path: [...entryPath(e), 'pools', p] })),
  );
}

export function membersOf(inv: Inventory): MemberAt[] {
  return poolsOf(inv).flatMap((at) =>
    at.pool.members.map((member, m) => ({
      ...at,
      member,
      m,
      memberPath: [...at.path, 'members', m],
    })),
  );
}

/** The forwarding policies attached to a listener (by name or id), with their paths. */
export function policiesOf(entry: LoadBalancerEntry, e: number, listener: Listener): PolicyAt[] {
  const out: PolicyAt[] = [];
  entry.l7policies.forEach((policy, k) => {
    if (policy.listener === listener.name || (listener.id != null && policy.listener === listener.id))
      out.push({ policy, k, path: [...entryPath(e), 'l7policies', k] });
  });
  return out;
}

/** Where a listener sends traffic: its default pool and each REDIRECT_TO_POOL policy's pool. */
export interface PoolRef {
  poolId: string;
  pool: Pool | undefined;
  /** The field that names the pool. */
  path: InventoryPath;
  via: 'default pool' | 'forwarding policy';
}

export function poolRefsOf(at: ListenerAt): PoolRef[] {
  const { entry, e, listener } = at;
  const find = (id: string) => entry.pools.find((p) => p.id === id);
  const refs: PoolRef[] = [];
  if (listener.default_pool_id != null) {
    refs.push({
      poolId: listener.default_pool_id,
      pool: find(listener.default_pool_id),
      path: [...at.path, 'default_pool_id'],
      via: 'default pool',
    });
  }
  for (const { policy, path } of policiesOf(entry, e, listener)) {
    if (policy.action === 'REDIRECT_TO_POOL' && policy.redirect_pool_id != null) {
      refs.push({
        poolId: policy.redirect_pool_id,
        pool: find(policy.redirect_pool_id),
        path: [...path, 'redirect_pool_id'],
        via: 'forwarding policy',
      });
    }
  }
  return refs;
}

/** The listeners of an entry that send traffic to a pool, by default or through a policy. */
export function listenersOfPool(inv: Inventory, e: number, poolId: string): ListenerAt[] {
  return listenersOf(inv).filter((at) => at.e === e && poolRefsOf(at).some((r) => r.poolId === poolId));
}

/** Layer 4 in the FAQ's sense (3.5, 3.9): TCP and UDP listeners and pools. */
export function isLayer4(protocol: ListenerProtocol): boolean {
  return protocol === 'TCP' || protocol === 'UDP';
}

/** HTTP and HTTPS: the protocols forwarding policies, cookies and X-Forwarded-For belong to. */
export function isLayer7(protocol: ListenerProtocol): boolean {
  return protocol === 'HTTP' || protocol === 'HTTPS';
}

/** ipv4 or ipv6; an IPv4-mapped IPv6 address counts as IPv4. */
export function addressFamily(address: string): 'ipv4' | 'ipv6' {
  const a = ipaddr.process(address);
  return a.kind();
}

/** Whether two textual addresses name the same address (`::1` = `0:0::1`, `::ffff:10.0.0.1` = `10.0.0.1`). */
export function sameAddress(a: string, b: string): boolean {
  try {
    return ipaddr.process(a).toNormalizedString() === ipaddr.process(b).toNormalizedString();
  } catch {
    return a === b;
  }
}

/** `10.0.1.12:8080`, `[2001:db8::1]:8080`, with the address normalised so duplicates compare equal. */
export function memberKey(m: Pick<Member, 'address' | 'protocol_port'>): string {
  return endpointKey(m.address, m.protocol_port);
}

/** `listener "web"`, `pool "web-pool"`, `member "be1"` as titles name them. */
export function quoted(name: string): string {
  return `"${name}"`;
}

/** Whether Transfer Client IP Address is in effect for a listener (FAQ 3.5, 3.9). */
export function transfersClientIp(entry: LoadBalancerEntry, listener: Listener): boolean {
  if (!isLayer4(listener.protocol)) return false;
  // IP as a Backend forwards with fullNAT: the setting is not applied (3.5 note, 1.3).
  if (entry.loadbalancer.ip_target_enable) return false;
  // Dedicated load balancers keep it on for TCP/UDP and it cannot be turned off (3.9).
  return listener.transparent_client_ip_enable || entry.loadbalancer.type === 'dedicated';
}

/** "an HTTP listener", "a TCP listener": the article as the protocol is read aloud. */
export function article(protocolOrType: string, capital = false): string {
  const an = /^(HTTP|HTTPS)$/.test(protocolOrType) ? 'an' : 'a';
  return capital ? `${an[0]!.toUpperCase()}${an.slice(1)}` : an;
}
