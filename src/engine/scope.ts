// What a walk is about: the load balancer, listener, pool, member or host it
// is bound to, as template-friendly views of the inventory (or of --target
// when there is no inventory).
import type {
  HostAccess,
  Inventory,
  Listener,
  LoadBalancer,
  LoadBalancerEntry,
  Member,
  Pool,
} from '../model/inventory.js';
import { memberName } from '../model/inventory.js';
import type { FactScope, FanOut } from '../model/vocabulary.js';
import type { Subject } from './result.js';

export interface ListenerView extends Partial<Listener> {
  name: string;
  protocol: Listener['protocol'];
  /** Where a client reaches it: --target host, else EIP, else VIP. Undefined when it has none (FAQ 2.1). */
  address: string | undefined;
  port: number | undefined;
  /** host:port, bracketed for IPv6. */
  hostport: string | undefined;
  scheme: 'http' | 'https' | 'tcp' | 'udp';
  /**
   * Its place among the inventory's listeners, across load balancers, from 1
   * (1 for --target): short, URL-safe and unique in a run, so a request can
   * be marked as sent through this listener and no other.
   */
  index: number;
  /**
   * Host names clients ask this listener for (FAQ 1.12 cause 3, 7.1): exact
   * HOST_NAME values of its forwarding policies, then the `domain` of its
   * certificates (default, then SNI). Empty when the inventory names none.
   */
  server_names: string[];
  /** The first of server_names. */
  server_name: string | undefined;
}

/** A listener, of any load balancer of the inventory, whose traffic reaches a member. */
export interface Forwarder {
  loadbalancer: string;
  listener: string;
  protocol: Listener['protocol'];
  transparent_client_ip: boolean;
  /** A port-range listener: each listening port goes to the same port on the member (FAQ 1.3). */
  port_range: boolean;
}

export interface MemberView extends Member {
  name: string;
  hostport: string;
  /** Every listener, across load balancers, forwarding to this address:port (FAQ 1.3). */
  forwarded_by: Forwarder[];
  /** How many of those keep the client's address (Transfer Client IP). */
  client_ip_forwarders: number;
  /** How many of those that keep the client's address are port-range listeners (FAQ 1.3). */
  port_range_forwarders: number;
  /** The inventory's hosts has an entry for it: it can be read over SSH. */
  has_ssh: boolean;
}

/** The load balancer, with where its health checks and traffic come from (FAQ 2.1, 2.2, 6.4). */
export interface LbView extends LoadBalancer {
  /** shared: 100.125.0.0/16; dedicated: its backend subnet (the VIP subnet, when the inventory has it). */
  source_range: string | undefined;
}

export interface PoolView extends Pool {
  /** Domain names the listeners' forwarding policies send to this pool (HOST_NAME rules). */
  domain_names: string[];
  /** Members with a weight above 0: the ones that can take new traffic (FAQ 6.13). */
  weighted_members: number;
}

export interface HostView extends HostAccess {
  name: string;
  /** The member of that name, when the host is one. */
  member?: MemberView;
}

export interface Scope {
  lb?: LbView;
  listener?: ListenerView;
  pool?: PoolView;
  member?: MemberView;
  host?: HostView;
}

export interface Target {
  host: string;
  port: number;
  raw: string;
}

const hostport = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

function schemeOf(protocol: Listener['protocol']): ListenerView['scheme'] {
  return protocol === 'HTTPS'
    ? 'https'
    : protocol === 'HTTP'
      ? 'http'
      : protocol === 'UDP' || protocol === 'QUIC'
        ? 'udp'
        : 'tcp';
}

/** See ListenerView.server_names: read from the inventory only, never from certificate files. */
function serverNamesOf(
  l: Listener,
  entry: LoadBalancerEntry,
  certificates: Inventory['certificates'],
): string[] {
  const names: string[] = [];
  for (const p of entry.l7policies) {
    if (p.listener !== l.name && p.listener !== l.id) continue;
    for (const r of p.rules) if (r.type === 'HOST_NAME' && r.compare_type === 'EQUAL_TO') names.push(r.value);
  }
  for (const ref of [l.default_tls_container_ref, ...l.sni_container_refs]) {
    const domain = certificates.find((c) => c.id === ref)?.domain;
    for (const d of domain?.split(',') ?? []) if (d.trim()) names.push(d.trim());
  }
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

function listenerView(
  l: Listener,
  lb: LoadBalancer,
  target: Target | undefined,
  index: number,
  serverNames: string[] = [],
): ListenerView {
  const address = target?.host ?? lb.eip ?? lb.vip_address ?? undefined;
  const port = target?.port ?? l.protocol_port ?? l.port_ranges?.[0]?.start_port ?? undefined;
  return {
    ...l,
    address,
    port,
    hostport: address && port ? hostport(address, port) : undefined,
    scheme: schemeOf(l.protocol),
    index,
    server_names: serverNames,
    server_name: serverNames[0],
  };
}

/** Pools a listener sends traffic to: its default pool and those of its forwarding policies. */
function poolsOf(l: Listener, entry: LoadBalancerEntry): Set<string> {
  const ids = new Set<string>();
  if (l.default_pool_id) ids.add(l.default_pool_id);
  for (const p of entry.l7policies)
    if (p.listener === l.name && p.redirect_pool_id) ids.add(p.redirect_pool_id);
  return ids;
}

export function memberView(m: Member, inventory?: Inventory): MemberView {
  const forwarded_by: Forwarder[] = [];
  for (const entry of inventory?.loadbalancers ?? []) {
    for (const l of entry.listeners) {
      const pools = poolsOf(l, entry);
      const reaches = entry.pools.some(
        (p) =>
          pools.has(p.id) &&
          p.members.some((x) => x.address === m.address && x.protocol_port === m.protocol_port),
      );
      if (!reaches) continue;
      forwarded_by.push({
        loadbalancer: entry.loadbalancer.name,
        listener: l.name,
        protocol: l.protocol,
        transparent_client_ip: l.transparent_client_ip_enable === true,
        port_range: (l.port_ranges?.length ?? 0) > 0,
      });
    }
  }
  return {
    ...m,
    name: memberName(m),
    hostport: hostport(m.address, m.protocol_port),
    forwarded_by,
    client_ip_forwarders: forwarded_by.filter((f) => f.transparent_client_ip).length,
    port_range_forwarders: forwarded_by.filter((f) => f.transparent_client_ip && f.port_range).length,
    has_ssh: inventory !== undefined && Object.hasOwn(inventory.hosts, memberName(m)),
  };
}

/** FAQ 6.4: shared load balancers check and forward from 100.125.0.0/16. */
export const SHARED_LB_SOURCE = '100.125.0.0/16';

function lbView(lb: LoadBalancer): LbView {
  return { ...lb, source_range: lb.type === 'shared' ? SHARED_LB_SOURCE : (lb.vip_subnet_cidr ?? undefined) };
}

function poolView(pool: Pool, entry: LoadBalancerEntry): PoolView {
  const domain_names = entry.l7policies
    .filter((p) => p.redirect_pool_id === pool.id)
    .flatMap((p) => p.rules.filter((r) => r.type === 'HOST_NAME').map((r) => r.value));
  return {
    ...pool,
    domain_names: [...new Set(domain_names)],
    weighted_members: pool.members.filter((m) => (m.weight ?? 1) > 0).length,
  };
}

/** A listener made up from --target when there is no inventory (the protocol is a guess the probe refines). */
export function targetListener(target: Target, protocol: Listener['protocol'] = 'HTTP'): ListenerView {
  return {
    name: target.raw,
    protocol,
    address: target.host,
    port: target.port,
    hostport: hostport(target.host, target.port),
    scheme: schemeOf(protocol),
    index: 1,
    server_names: [],
    server_name: undefined,
  };
}

/** Expands a fan-out into scopes, narrowing within the walk's current scope. */
export function expand(
  kind: FanOut,
  current: Scope,
  inventory: Inventory | undefined,
  target: Target | undefined,
): Scope[] {
  if (!inventory) {
    if (kind === 'listeners' && target) return [{ listener: targetListener(target) }];
    return [];
  }
  if (kind === 'hosts') return expandHosts(current, inventory);
  const allListeners = inventory.loadbalancers.flatMap((e) => e.listeners);
  const view = (l: Listener, lb: LbView, entry: LoadBalancerEntry) =>
    listenerView(l, lb, target, allListeners.indexOf(l) + 1, serverNamesOf(l, entry, inventory.certificates));
  const out: Scope[] = [];
  for (const entry of inventory.loadbalancers) {
    if (current.lb && current.lb.name !== entry.loadbalancer.name) continue;
    const lb = lbView(entry.loadbalancer);
    if (kind === 'loadbalancers') {
      out.push({ lb });
      continue;
    }
    const listenerFor = (pool: Pool) => {
      const l = entry.listeners.find((x) => x.default_pool_id === pool.id);
      return l ? view(l, lb, entry) : undefined;
    };
    if (kind === 'listeners') {
      for (const l of entry.listeners) {
        if (current.listener && current.listener.name !== l.name) continue;
        if (current.pool && l.default_pool_id !== current.pool.id) continue;
        const pool = entry.pools.find((p) => p.id === l.default_pool_id);
        out.push({
          lb,
          listener: view(l, lb, entry),
          ...(pool ? { pool: poolView(pool, entry) } : {}),
        });
      }
      continue;
    }
    for (const pool of entry.pools) {
      if (current.pool && current.pool.id !== pool.id) continue;
      if (current.listener && current.listener.default_pool_id !== pool.id) continue;
      const listener = current.listener ?? listenerFor(pool);
      const base = { lb, pool: poolView(pool, entry), ...(listener ? { listener } : {}) };
      if (kind === 'pools') out.push(base);
      else
        for (const m of pool.members) {
          const member = memberView(m, inventory);
          if (current.member && current.member.name !== member.name) continue;
          out.push({ ...base, member });
        }
    }
  }
  return out;
}

/** One scope per host of the inventory (within the walk's member, if it has one). */
function expandHosts(current: Scope, inventory: Inventory): Scope[] {
  const members = new Map<string, MemberView>();
  for (const entry of inventory.loadbalancers)
    for (const pool of entry.pools)
      for (const m of pool.members) {
        const view = memberView(m, inventory);
        if (!members.has(view.name)) members.set(view.name, view);
      }
  return Object.entries(inventory.hosts)
    .filter(([name]) => !current.member || current.member.name === name)
    .map(([name, access]) => {
      const member = members.get(name);
      return { ...current, host: { ...access, name, ...(member ? { member } : {}) } };
    });
}

/** The most specific thing a walk is bound to, for findings and reports. */
export function subjectOf(scope: Scope, target: Target | undefined): Subject | undefined {
  if (scope.host) return { kind: 'host', name: scope.host.name };
  if (scope.member) return { kind: 'member', name: scope.member.name, address: scope.member.hostport };
  if (scope.listener) {
    return {
      kind: 'listener',
      name: scope.listener.name,
      ...(scope.listener.hostport ? { address: scope.listener.hostport } : {}),
    };
  }
  if (scope.pool) return { kind: 'pool', name: scope.pool.name ?? scope.pool.id };
  if (scope.lb) return { kind: 'loadbalancer', name: scope.lb.name };
  if (target) return { kind: 'target', name: target.raw, address: target.raw };
  return undefined;
}

/** The scope without what lies below `level`: what a `once_per` finding is about. */
export function scopeAt(scope: Scope, level: 'listener' | 'pool' | 'loadbalancer'): Scope {
  const { lb, listener, pool } = scope;
  if (level === 'listener')
    return { ...(lb ? { lb } : {}), ...(listener ? { listener } : {}), ...(pool ? { pool } : {}) };
  if (level === 'pool') return { ...(lb ? { lb } : {}), ...(pool ? { pool } : {}) };
  return lb ? { lb } : {};
}

/** "pool:web-pool", "member:be1": the scope part of a scoped fact key. */
export function scopeKey(scope: Scope, level: FactScope): string | undefined {
  if (level === 'member' && scope.member) return `member:${scope.member.name}`;
  if (level === 'listener' && scope.listener) return `listener:${scope.listener.name}`;
  if (level === 'pool' && scope.pool) return `pool:${scope.pool.id}`;
  if (level === 'loadbalancer' && scope.lb) return `loadbalancer:${scope.lb.name}`;
  return undefined;
}

/** Whether a walk is already bound at this fan-out level (so `foreach` does not fork again). */
export function isBound(kind: FanOut, scope: Scope): boolean {
  switch (kind) {
    case 'loadbalancers':
      return !!scope.lb;
    case 'listeners':
      return !!scope.listener;
    case 'pools':
      return !!scope.pool;
    case 'members':
      return !!scope.member;
    case 'hosts':
      return !!scope.host;
  }
}
