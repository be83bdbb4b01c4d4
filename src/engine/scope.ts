// What a walk is about: the load balancer, listener, pool and member it is
// bound to, as template-friendly views of the inventory (or of --target when
// there is no inventory).
import type { Inventory, Listener, LoadBalancer, Member, Pool } from '../model/inventory.js';
import { memberName } from '../model/inventory.js';
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
}

export interface MemberView extends Member {
  name: string;
  hostport: string;
}

export interface Scope {
  lb?: LoadBalancer;
  listener?: ListenerView;
  pool?: Pool;
  member?: MemberView;
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

function listenerView(l: Listener, lb: LoadBalancer, target: Target | undefined): ListenerView {
  const address = target?.host ?? lb.eip ?? lb.vip_address ?? undefined;
  const port = target?.port ?? l.protocol_port ?? l.port_ranges?.[0]?.start_port ?? undefined;
  return {
    ...l,
    address,
    port,
    hostport: address && port ? hostport(address, port) : undefined,
    scheme: schemeOf(l.protocol),
  };
}

export function memberView(m: Member): MemberView {
  return { ...m, name: memberName(m), hostport: hostport(m.address, m.protocol_port) };
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
  };
}

/** Expands a fan-out into scopes, narrowing within the walk's current scope. */
export function expand(
  kind: 'members' | 'listeners' | 'pools',
  current: Scope,
  inventory: Inventory | undefined,
  target: Target | undefined,
): Scope[] {
  if (!inventory) {
    if (kind === 'listeners' && target) return [{ listener: targetListener(target) }];
    return [];
  }
  const out: Scope[] = [];
  for (const entry of inventory.loadbalancers) {
    if (current.lb && current.lb !== entry.loadbalancer) continue;
    const lb = entry.loadbalancer;
    const listenerFor = (pool: Pool) => {
      const l = entry.listeners.find((x) => x.default_pool_id === pool.id);
      return l ? listenerView(l, lb, target) : undefined;
    };
    if (kind === 'listeners') {
      for (const l of entry.listeners) {
        if (current.listener && current.listener.name !== l.name) continue;
        const pool = entry.pools.find((p) => p.id === l.default_pool_id);
        out.push({ lb, listener: listenerView(l, lb, target), ...(pool ? { pool } : {}) });
      }
      continue;
    }
    for (const pool of entry.pools) {
      if (current.pool && current.pool.id !== pool.id) continue;
      if (current.listener && current.listener.default_pool_id !== pool.id) continue;
      const listener = current.listener ?? listenerFor(pool);
      const base = { lb, pool, ...(listener ? { listener } : {}) };
      if (kind === 'pools') out.push(base);
      else for (const m of pool.members) out.push({ ...base, member: memberView(m) });
    }
  }
  return out;
}

/** The most specific thing a walk is bound to, for findings and reports. */
export function subjectOf(scope: Scope, target: Target | undefined): Subject | undefined {
  if (scope.member) return { kind: 'member', name: scope.member.name, address: scope.member.hostport };
  if (scope.listener) {
    return {
      kind: 'listener',
      name: scope.listener.name,
      ...(scope.listener.hostport ? { address: scope.listener.hostport } : {}),
    };
  }
  if (scope.pool) return { kind: 'pool', name: scope.pool.name ?? scope.pool.id };
  if (target) return { kind: 'target', name: target.raw, address: target.raw };
  return undefined;
}

/** "pool:web-pool", "member:be1": the scope part of a scoped fact key. */
export function scopeKey(scope: Scope, level: 'run' | 'member' | 'listener' | 'pool'): string | undefined {
  if (level === 'member' && scope.member) return `member:${scope.member.name}`;
  if (level === 'listener' && scope.listener) return `listener:${scope.listener.name}`;
  if (level === 'pool' && scope.pool) return `pool:${scope.pool.id}`;
  return undefined;
}
