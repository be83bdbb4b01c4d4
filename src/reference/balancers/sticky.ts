// Sticky sessions as a decorator around any balancer (STYLE: gobetween). A
// binding lasts `persistence_timeout` minutes (default 20, FAQ 1.4) counted
// from its last use, so an active client stays put. A bound member that is no
// longer routable (unhealthy, admin down, weight 0, draining, or already tried
// by a retry) breaks the binding: the inner balancer picks again and the
// client is re-bound (FAQ 1.11: "traffic is routed to other backend servers
// and sticky sessions become invalid").
//   SOURCE_IP   — keyed by the client address (L4; also usable at L7).
//   HTTP_COOKIE — the load balancer inserts a cookie naming the member.
//   APP_COOKIE  — the backend's own cookie (`cookie_name`); the front end
//                 reports it with learnAppCookie and later requests follow it.
import { createHash } from 'node:crypto';
import type { SessionPersistence } from '../../model/inventory.js';
import type { MemberState, PickContext } from '../types.js';
import type { Balancer } from './types.js';

/** Name of the cookie the load balancer inserts for HTTP_COOKIE stickiness. */
export const LB_COOKIE_NAME = 'LBDOCTOR_STICKY';

export interface Picked {
  member: MemberState;
  setCookie?: { name: string; value: string; maxAgeSeconds: number };
}

/** What a Pool calls: a balancer, possibly wrapped in stickiness. */
export interface Picker {
  pick(ctx: PickContext, candidates: readonly MemberState[]): Picked | undefined;
  learnAppCookie(value: string, member: MemberState, now: number): void;
}

export function plainPicker(balancer: Balancer): Picker {
  return {
    pick(ctx, candidates) {
      const member = balancer.pick(ctx, candidates);
      return member ? { member } : undefined;
    },
    learnAppCookie() {},
  };
}

interface Binding {
  key: string;
  expiresAt: number;
}

/** A map whose entries lapse; expired entries are swept now and then so it stays bounded by live sessions. */
class BindingTable {
  private readonly entries = new Map<string, Binding>();
  private writes = 0;

  get(id: string, now: number): Binding | undefined {
    const b = this.entries.get(id);
    if (b && b.expiresAt <= now) {
      this.entries.delete(id);
      return undefined;
    }
    return b;
  }

  set(id: string, key: string, expiresAt: number, now: number): void {
    this.entries.set(id, { key, expiresAt });
    if (++this.writes % 1024 === 0) {
      for (const [k, b] of this.entries) if (b.expiresAt <= now) this.entries.delete(k);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** An opaque, stable token for a member in a pool, so the LB cookie does not reveal backend addresses. */
export function memberToken(poolId: string, memberKey: string): string {
  return createHash('sha256').update(poolId).update('\0').update(memberKey).digest('base64url').slice(0, 16);
}

/** HTTP_COOKIE value: member token and the expiry (epoch seconds) the LB enforces itself. */
export function encodeLbCookie(token: string, expiresAtMs: number): string {
  return `${token}.${Math.ceil(expiresAtMs / 1000)}`;
}

export function decodeLbCookie(value: string): { token: string; expiresAtMs: number } | undefined {
  const m = /^([A-Za-z0-9_-]{16})\.(\d{1,12})$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  return { token: m[1], expiresAtMs: Number(m[2]) * 1000 };
}

export function withStickiness(
  inner: Balancer,
  persistence: Pick<SessionPersistence, 'type' | 'cookie_name' | 'persistence_timeout'>,
  poolId: string,
): Picker {
  const ttlMs = persistence.persistence_timeout * 60_000;
  const maxAgeSeconds = persistence.persistence_timeout * 60;
  const table = new BindingTable();
  const tokens = new Map<string, string>();
  const tokenOf = (key: string): string => {
    let t = tokens.get(key);
    if (!t) {
      t = memberToken(poolId, key);
      tokens.set(key, t);
    }
    return t;
  };
  const find = (candidates: readonly MemberState[], pred: (m: MemberState) => boolean) =>
    candidates.find(pred);

  switch (persistence.type) {
    case 'SOURCE_IP':
      return {
        pick(ctx, candidates) {
          const bound = table.get(ctx.clientIp, ctx.now);
          const member =
            (bound && find(candidates, (m) => m.key === bound.key)) ?? inner.pick(ctx, candidates);
          if (!member) return undefined;
          table.set(ctx.clientIp, member.key, ctx.now + ttlMs, ctx.now);
          return { member };
        },
        learnAppCookie() {},
      };
    case 'HTTP_COOKIE':
      return {
        pick(ctx, candidates) {
          const raw = ctx.cookies?.[LB_COOKIE_NAME];
          const cookie = raw === undefined ? undefined : decodeLbCookie(raw);
          const member =
            (cookie &&
              cookie.expiresAtMs > ctx.now &&
              find(candidates, (m) => tokenOf(m.key) === cookie.token)) ||
            inner.pick(ctx, candidates);
          if (!member) return undefined;
          // Re-issued on every response: the session slides like the other types.
          return {
            member,
            setCookie: {
              name: LB_COOKIE_NAME,
              value: encodeLbCookie(tokenOf(member.key), ctx.now + ttlMs),
              maxAgeSeconds,
            },
          };
        },
        learnAppCookie() {},
      };
    case 'APP_COOKIE': {
      const cookieName = persistence.cookie_name ?? '';
      return {
        pick(ctx, candidates) {
          const value = cookieName ? ctx.cookies?.[cookieName] : undefined;
          const bound = value === undefined ? undefined : table.get(value, ctx.now);
          const member =
            (bound && find(candidates, (m) => m.key === bound.key)) ?? inner.pick(ctx, candidates);
          if (!member) return undefined;
          // A known session whose member went away follows its new member from now on.
          if (value !== undefined && bound) table.set(value, member.key, ctx.now + ttlMs, ctx.now);
          return { member };
        },
        learnAppCookie(value, member, now) {
          if (value) table.set(value, member.key, now + ttlMs, now);
        },
      };
    }
  }
}
