// One SSH connection per host for a whole run, opened on first use and
// reused by every read and forwarded stream; a bounded number of hosts are
// worked on at once (p-limit). A failed connection is remembered, so an
// unreachable host costs one timeout per run, not one per probe.
import pLimit, { type LimitFunction } from 'p-limit';
import { ExitCode, LbdError } from '../../errors.js';
import { type SshTarget, targetUrl } from './config.js';
import {
  type ConnectOptions,
  openSshConnection,
  type SshAuthOptions,
  type SshConnection,
} from './connect.js';
import type { HostKeyPolicy } from './host-key-policy.js';

export interface SshPoolOptions {
  policy: HostKeyPolicy;
  /** Hosts connected to / read at the same time. */
  concurrency: number;
  /** Connect (handshake + auth) timeout per host. */
  timeoutMs: number;
}

export interface SshPool {
  readonly limit: LimitFunction;
  /** The connection for `target` (opened once; later calls share it). */
  connection(target: SshTarget, auth: SshAuthOptions, signal?: AbortSignal): Promise<SshConnection>;
  /** Closes every connection (jump hosts included). */
  close(): Promise<void>;
}

function key(target: SshTarget): string {
  return [...target.jumps.map(targetUrl), targetUrl(target)].join(' -> ');
}

export function createSshPool(options: SshPoolOptions): SshPool {
  const limit = pLimit(Math.max(1, options.concurrency));
  const open = new Map<string, Promise<SshConnection>>();
  let closed = false;
  return {
    limit,
    connection(target, auth, signal) {
      if (closed) {
        return Promise.reject(
          new LbdError(
            'LBD_ERR_SSH_UNREACHABLE',
            `SSH to ${targetUrl(target)}: connections were closed (run stopped)`,
            {
              exitCode: ExitCode.couldNotCheck,
            },
          ),
        );
      }
      const k = key(target);
      const existing = open.get(k);
      if (existing) {
        return existing.then((c) => {
          // A connection that dropped mid-run is opened again once.
          if (c.lostReason() === undefined) return c;
          open.delete(k);
          return this.connection(target, auth, signal);
        });
      }
      const o: ConnectOptions = {
        policy: options.policy,
        auth,
        timeoutMs: options.timeoutMs,
        ...(signal ? { signal } : {}),
      };
      const p = limit(async () => {
        const c = await openSshConnection(target, o);
        // Closed while we were connecting: do not leak the new connection.
        if (closed) c.close();
        return c;
      });
      open.set(k, p);
      // Aborted attempts are not remembered: a later caller may try again.
      p.catch(() => {
        if (signal?.aborted) open.delete(k);
      });
      return p;
    },
    async close() {
      closed = true;
      const all = [...open.values()];
      open.clear();
      await Promise.all(
        all.map((p) =>
          p.then(
            (c) => c.close(),
            () => undefined,
          ),
        ),
      );
    },
  };
}
