// Contracts inside the reference load balancer: the listeners (L4/L7 front
// ends) talk to pools only through PoolRuntime. One Pool owns its members'
// health, weights and connection counts (STYLE: gobetween scheduler).
import type { EventEmitter } from 'node:events';

export interface MemberState {
  /** "address:port", unique within a pool. */
  readonly key: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  weight: number;
  adminUp: boolean;
  healthy: boolean;
  /** Why the health checker last decided what it did ("HTTP 404 on /health, expected 200"). */
  healthReason: string;
  activeConnections: number;
  /** Removed from the pool, finishing existing connections until the deregistration delay ends. */
  draining: boolean;
}

export interface PickContext {
  clientIp: string;
  clientPort: number;
  /** Request cookies (L7 only). */
  cookies?: Readonly<Record<string, string>>;
  now: number;
}

export type PickResult =
  | {
      member: MemberState;
      /** A cookie the L7 front end must set on the response (HTTP_COOKIE stickiness). */
      setCookie?: { name: string; value: string; maxAgeSeconds: number };
    }
  /** `empty`: no members (x-router-code 40000/40001); `unavailable`: none healthy and routable (50000). */
  | { member: null; reason: 'empty' | 'unavailable' };

export interface PoolRuntime extends EventEmitter {
  readonly id: string;
  members(): readonly MemberState[];
  /** Chooses a member for a new connection or request; `exclude` holds keys already tried (retry, FAQ 1.9). */
  pick(ctx: PickContext, exclude?: ReadonlySet<string>): PickResult;
  /** Counts a connection/request on a member until the returned release() (least connections, draining). */
  acquire(member: MemberState): () => void;
  /** APP_COOKIE stickiness: the backend set `cookie_name=value`, remember which member it came from. */
  learnAppCookie(value: string, member: MemberState, now: number): void;
  /** Runtime changes (admin port, labs). Take effect for new connections within 5 s (FAQ 6.13). */
  setWeight(key: string, weight: number): void;
  setAdminUp(key: string, up: boolean): void;
  close(): void;
}

/** What the reference LB's parts log through (health changes, listener errors). Injected, never global. */
export interface ReferenceLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: ReferenceLogger = { info() {}, warn() {} };
