// The TCP listener: fullNAT proxying (FAQ 4.1) — the member sees the load
// balancer's address as the source, never the client's. Loopback offers no
// TPROXY, so `transparent_client_ip_enable` changes nothing here; lbdoctor
// uses that flag only when it diagnoses (FAQ 1.3, 3.9).
//  - One member per connection, chosen by the pool (algorithm, stickiness).
//  - A member that does not accept within 5 s, or refuses, is given up and
//    another is tried (FAQ 1.5, 1.9); the client's bytes wait meanwhile.
//  - Bytes are spliced both ways; a FIN travels as a FIN, an RST as an RST.
//  - Idle past `keepalive_timeout` (default 300 s) → RST to both sides (FAQ 1.4, 5.6).
//  - The pool's 'disconnect' (weight 0 / removal, FAQ 6.13) resets the member's connections.
//  - A client refused by access control, or arriving when no member can take
//    it, gets an RST. ELB drops such packets (FAQ 1.1); here the kernel has
//    already completed the handshake, so a reset is the nearest equivalent.
import net from 'node:net';
import { ElbDefaults } from '../../model/inventory.js';
import { listenError } from './listen-error.js';
import { checkClientAccess } from '../access-control.js';
import type { MemberState } from '../types.js';
import { silentLogger } from '../types.js';
import { idleTimeoutSeconds, type L4ListenerHandle, type L4ListenerOptions, plainAddress } from './types.js';

interface Session {
  client: net.Socket;
  upstream: net.Socket;
  member: MemberState;
  end(reason: string, reset: boolean): void;
}

export async function startTcpListener(opts: L4ListenerOptions): Promise<L4ListenerHandle> {
  const { listener, pool } = opts;
  const logger = opts.logger ?? silentLogger;
  const connectTimeoutMs = opts.connectTimeoutMs ?? ElbDefaults.memberConnectTimeout * 1000;
  const idleMs = idleTimeoutSeconds(listener, ElbDefaults.keepaliveTimeout.TCP) * 1000;
  const sessions = new Set<Session>();
  const pending = new Set<net.Socket>();

  const onDisconnect = (member: MemberState, reason: string) => {
    for (const s of sessions) if (s.member === member) s.end(`member-disconnected: ${reason}`, true);
  };
  pool?.on('disconnect', onDisconnect);

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    const clientIp = plainAddress(client.remoteAddress);
    const clientPort = client.remotePort ?? 0;
    client.setNoDelay(true);
    client.on('error', () => {});
    const refuse = (
      reason: 'access-denied' | 'no-pool' | 'empty' | 'unavailable' | 'all-members-failed',
      detail: string,
    ) => {
      pending.delete(client);
      logger.warn(`listener ${listener.name}: refused ${clientIp}:${clientPort}: ${detail}`, {
        listener: listener.name,
      });
      opts.onConnection?.({ phase: 'refused', protocol: 'TCP', clientIp, clientPort, reason, detail });
      client.resetAndDestroy();
    };

    const access = checkClientAccess(listener.ipgroup, clientIp);
    if (!access.allowed) return refuse('access-denied', access.reason);
    if (!pool) return refuse('no-pool', `listener ${listener.name} has no default pool`);
    pending.add(client);

    const tried = new Set<string>();
    const failed: string[] = [];
    const attempt = () => {
      if (client.destroyed) return void pending.delete(client);
      const picked = pool.pick({ clientIp, clientPort, now: Date.now() }, tried);
      if (!picked.member) {
        if (failed.length > 0)
          return refuse('all-members-failed', `no member accepted: ${failed.join('; ')}`);
        return refuse(
          picked.reason,
          `pool ${pool.id} has ${picked.reason === 'empty' ? 'no members' : 'no healthy member'}`,
        );
      }
      const member = picked.member;
      tried.add(member.key);
      const release = pool.acquire(member);
      const upstream = net.connect({ host: member.address, port: member.port, allowHalfOpen: true });
      upstream.setNoDelay(true);
      const timer = setTimeout(
        () => upstream.destroy(new Error(`no answer within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      const giveUp = (err: Error) => {
        clearTimeout(timer);
        release();
        upstream.destroy();
        const why = (err as NodeJS.ErrnoException).code ?? err.message;
        failed.push(`${member.key} ${why}`);
        logger.warn(
          `listener ${listener.name}: member ${member.name} failed to connect (${why}); trying another (FAQ 1.9)`,
          {
            listener: listener.name,
            member: member.key,
          },
        );
        attempt();
      };
      upstream.once('error', giveUp);
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.off('error', giveUp);
        pending.delete(client);
        if (client.destroyed) {
          release();
          upstream.destroy();
          return;
        }
        splice(client, upstream, member, release, clientIp, clientPort, failed);
      });
    };
    attempt();
  });

  const splice = (
    client: net.Socket,
    upstream: net.Socket,
    member: MemberState,
    release: () => void,
    clientIp: string,
    clientPort: number,
    failed: readonly string[],
  ) => {
    const started = performance.now();
    let ended = false;
    const finish = (reason: string) => {
      if (ended) return;
      ended = true;
      sessions.delete(session);
      release();
      opts.onConnection?.({
        phase: 'close',
        protocol: 'TCP',
        clientIp,
        clientPort,
        member: member.key,
        bytesIn: client.bytesRead,
        bytesOut: client.bytesWritten,
        durationMs: performance.now() - started,
        reason,
      });
    };
    const session: Session = {
      client,
      upstream,
      member,
      end(reason, reset) {
        if (ended) return;
        if (reset) {
          client.resetAndDestroy();
          upstream.resetAndDestroy();
        } else {
          client.destroy();
          upstream.destroy();
        }
        finish(reason);
      },
    };
    sessions.add(session);
    opts.onConnection?.({
      phase: 'open',
      protocol: 'TCP',
      clientIp,
      clientPort,
      member: member.key,
      failedMembers: failed,
    });

    // An RST from one side is passed on as an RST to the other.
    client.on('error', () => session.end('reset by client', true));
    upstream.on('error', () => session.end('reset by member', true));
    // A FIN travels through pipe() as end(); with allowHalfOpen each socket
    // closes by itself once both directions are done and its writes flushed.
    client.pipe(upstream);
    upstream.pipe(client);
    let closed = 0;
    let firstFin = '';
    client.once('end', () => {
      firstFin ||= 'client closed';
    });
    upstream.once('end', () => {
      firstFin ||= 'member closed';
    });
    const onClose = () => {
      if (++closed === 2) finish(firstFin || 'closed');
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
    if (idleMs > 0) {
      // Writes to and reads from the client socket both count as activity: one timer covers both directions.
      client.setTimeout(idleMs, () => {
        logger.info(
          `listener ${listener.name}: ${clientIp}:${clientPort} idle ${idleMs / 1000} s, reset (FAQ 1.4)`,
          {
            listener: listener.name,
          },
        );
        session.end('idle-timeout', true);
      });
    }
    client.resume();
  };

  const port = opts.port ?? listener.protocol_port ?? 0;
  await listenOrExplain(server, opts.bindAddress, port, listener.name);
  server.on('error', (err) =>
    logger.warn(`listener ${listener.name}: ${err.message}`, { listener: listener.name }),
  );
  const bound = server.address() as net.AddressInfo;
  logger.info(`listener ${listener.name}: TCP on ${bound.address}:${bound.port}`, {
    listener: listener.name,
  });

  return {
    address: { address: bound.address, port: bound.port },
    active: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        pool?.off('disconnect', onDisconnect);
        server.close(() => resolve());
        for (const c of pending) c.resetAndDestroy();
        pending.clear();
        for (const s of [...sessions]) s.end('listener-closed', true);
      }),
  };
}

function listenOrExplain(server: net.Server, host: string, port: number, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, 'TCP', host, port, name));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
