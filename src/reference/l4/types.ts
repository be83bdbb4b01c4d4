// What the L4 listeners take and give back (the server module starts them).
import type { Listener } from '../../model/inventory.js';
import type { PoolRuntime, ReferenceLogger } from '../types.js';

export interface L4ListenerOptions {
  listener: Listener;
  /** The listener's default pool; null → every connection/flow is refused (no pool, FAQ 1.6 40000). */
  pool: PoolRuntime | null;
  bindAddress: string;
  /** Overrides `listener.protocol_port` (0 = any free port, for tests and labs). */
  port?: number;
  logger?: ReferenceLogger;
  /** Told about every connection (TCP) or flow (UDP): when it is proxied, refused and when it ends. */
  onConnection?: (event: L4ConnectionEvent) => void;
  /** FAQ 1.5: ELB gives a member 5 s to accept a connection before trying another. */
  connectTimeoutMs?: number;
}

export type L4ConnectionEvent =
  | {
      phase: 'open';
      protocol: 'TCP' | 'UDP';
      clientIp: string;
      clientPort: number;
      member: string;
      /** Members tried before this one answered (FAQ 1.9 retries). */
      failedMembers: readonly string[];
    }
  | {
      phase: 'refused';
      protocol: 'TCP' | 'UDP';
      clientIp: string;
      clientPort: number;
      reason: 'access-denied' | 'no-pool' | 'empty' | 'unavailable' | 'all-members-failed';
      detail: string;
    }
  | {
      phase: 'close';
      protocol: 'TCP' | 'UDP';
      clientIp: string;
      clientPort: number;
      member: string;
      /** Bytes from the client to the member, and back. */
      bytesIn: number;
      bytesOut: number;
      durationMs: number;
      /** Why it ended: 'client' / 'member' closed, 'idle-timeout', 'reset', 'member-disconnected', 'listener-closed'. */
      reason: string;
    };

export interface L4ListenerHandle {
  readonly address: { address: string; port: number };
  /** Live connections (TCP) or flows (UDP). */
  active(): number;
  /** Stops accepting and ends every connection at once (FAQ 5.2: a deleted L4 listener stops routing immediately). */
  close(): Promise<void>;
}

/** "::ffff:10.0.0.1" → "10.0.0.1": dual-stack sockets report IPv4 clients mapped. */
export function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Seconds of idleness before the LB resets a TCP connection or forgets a UDP flow (FAQ 1.4, 5.6). */
export function idleTimeoutSeconds(listener: Listener, fallback: number): number {
  return listener.keepalive_timeout ?? fallback;
}
