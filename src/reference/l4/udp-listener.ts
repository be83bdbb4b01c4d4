// The UDP listener: per-flow proxying keyed by the client's ip:port. The first
// datagram of a flow picks a member through the pool (algorithm, stickiness);
// the flow gets its own socket towards the member (fullNAT, FAQ 4.1) and every
// reply on it goes back to that client. A flow idle past `keepalive_timeout`
// (default 300 s, FAQ 5.6) or whose member turns unhealthy is forgotten; the
// next datagram starts a new one.
// Datagrams from clients refused by access control are dropped, as ELB drops
// them (FAQ 1.1 "Blocked Packets").
import dgram from 'node:dgram';
import net from 'node:net';
import { ElbDefaults } from '../../model/inventory.js';
import { checkClientAccess } from '../access-control.js';
import type { MemberState } from '../types.js';
import { silentLogger } from '../types.js';
import { listenError } from './listen-error.js';
import { idleTimeoutSeconds, type L4ListenerHandle, type L4ListenerOptions, plainAddress } from './types.js';

interface Flow {
  readonly member: MemberState;
  readonly upstream: dgram.Socket;
  readonly started: number;
  /** Datagrams that arrived before the upstream socket was connected. */
  queue: Buffer[] | null;
  bytesIn: number;
  bytesOut: number;
  timer: NodeJS.Timeout | undefined;
  end(reason: string): void;
}

/** Refused clients are logged once each (per this many distinct clients) so a flood does not flood the log. */
const REFUSAL_LOG_MEMORY = 1024;

export async function startUdpListener(opts: L4ListenerOptions): Promise<L4ListenerHandle> {
  const { listener, pool } = opts;
  const logger = opts.logger ?? silentLogger;
  const idleMs = idleTimeoutSeconds(listener, ElbDefaults.keepaliveTimeout.UDP) * 1000;
  const flows = new Map<string, Flow>();
  const refusedLogged = new Set<string>();
  const server = dgram.createSocket({ type: net.isIPv6(opts.bindAddress) ? 'udp6' : 'udp4' });

  const onDisconnect = (member: MemberState, reason: string) => {
    for (const f of [...flows.values()]) if (f.member === member) f.end(`member-disconnected: ${reason}`);
  };
  pool?.on('disconnect', onDisconnect);
  // A flow has no handshake to protect: once its member is unhealthy the next
  // datagram should be balanced to a healthy one (FAQ 2.1: no traffic to an
  // unhealthy member), so the flow is forgotten now.
  const onHealth = (member: MemberState, healthy: boolean) => {
    if (!healthy) for (const f of [...flows.values()]) if (f.member === member) f.end('member unhealthy');
  };
  pool?.on('health', onHealth);

  const refuse = (
    clientIp: string,
    clientPort: number,
    reason: 'access-denied' | 'no-pool' | 'empty' | 'unavailable',
    detail: string,
  ) => {
    if (!refusedLogged.has(clientIp)) {
      if (refusedLogged.size >= REFUSAL_LOG_MEMORY) refusedLogged.clear();
      refusedLogged.add(clientIp);
      logger.warn(`listener ${listener.name}: dropping datagrams from ${clientIp}: ${detail}`, {
        listener: listener.name,
      });
    }
    opts.onConnection?.({ phase: 'refused', protocol: 'UDP', clientIp, clientPort, reason, detail });
  };

  const openFlow = (flowKey: string, rinfo: dgram.RemoteInfo, clientIp: string): Flow | undefined => {
    const access = checkClientAccess(listener.ipgroup, clientIp);
    if (!access.allowed) return void refuse(clientIp, rinfo.port, 'access-denied', access.reason);
    if (!pool)
      return void refuse(clientIp, rinfo.port, 'no-pool', `listener ${listener.name} has no default pool`);
    const picked = pool.pick({ clientIp, clientPort: rinfo.port, now: Date.now() });
    if (!picked.member) {
      return void refuse(
        clientIp,
        rinfo.port,
        picked.reason,
        `pool ${pool.id} has ${picked.reason === 'empty' ? 'no members' : 'no healthy member'}`,
      );
    }
    const member = picked.member;
    const release = pool.acquire(member);
    const upstream = dgram.createSocket(net.isIPv6(member.address) ? 'udp6' : 'udp4');
    const flow: Flow = {
      member,
      upstream,
      started: performance.now(),
      queue: [],
      bytesIn: 0,
      bytesOut: 0,
      timer: undefined,
      end(reason) {
        if (flows.get(flowKey) !== flow) return;
        flows.delete(flowKey);
        if (flow.timer) clearTimeout(flow.timer);
        release();
        upstream.removeAllListeners();
        upstream.on('error', () => {});
        upstream.close();
        opts.onConnection?.({
          phase: 'close',
          protocol: 'UDP',
          clientIp,
          clientPort: rinfo.port,
          member: member.key,
          bytesIn: flow.bytesIn,
          bytesOut: flow.bytesOut,
          durationMs: performance.now() - flow.started,
          reason,
        });
      },
    };
    flows.set(flowKey, flow);
    if (idleMs > 0) {
      flow.timer = setTimeout(() => flow.end('idle-timeout'), idleMs);
      flow.timer.unref();
    }
    upstream.on('message', (reply) => {
      flow.bytesOut += reply.length;
      flow.timer?.refresh();
      server.send(reply, rinfo.port, rinfo.address);
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // ECONNREFUSED: the member answered with ICMP port unreachable. Forget
      // the flow so the next datagram is balanced again (by then the health
      // checker may have taken the member out).
      logger.warn(`listener ${listener.name}: member ${member.name}: ${err.code ?? err.message}`, {
        listener: listener.name,
        member: member.key,
      });
      flow.end(
        err.code === 'ECONNREFUSED' ? 'member port unreachable' : `member error ${err.code ?? err.message}`,
      );
    });
    upstream.connect(member.port, member.address, () => {
      const queued = flow.queue ?? [];
      flow.queue = null;
      for (const msg of queued) upstream.send(msg);
    });
    opts.onConnection?.({
      phase: 'open',
      protocol: 'UDP',
      clientIp,
      clientPort: rinfo.port,
      member: member.key,
      failedMembers: [],
    });
    return flow;
  };

  server.on('message', (msg, rinfo) => {
    const flowKey = `${rinfo.address}|${rinfo.port}`;
    const flow = flows.get(flowKey) ?? openFlow(flowKey, rinfo, plainAddress(rinfo.address));
    if (!flow) return;
    flow.bytesIn += msg.length;
    flow.timer?.refresh();
    if (flow.queue) flow.queue.push(msg);
    else flow.upstream.send(msg);
  });

  const port = opts.port ?? listener.protocol_port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(listenError(err, 'UDP', opts.bindAddress, port, listener.name));
    server.once('error', onError);
    server.bind({ address: opts.bindAddress, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) =>
    logger.warn(`listener ${listener.name}: ${err.message}`, { listener: listener.name }),
  );
  const bound = server.address();
  logger.info(`listener ${listener.name}: UDP on ${bound.address}:${bound.port}`, {
    listener: listener.name,
  });

  return {
    address: { address: bound.address, port: bound.port },
    active: () => flows.size,
    close: () =>
      new Promise<void>((resolve) => {
        pool?.off('disconnect', onDisconnect);
        pool?.off('health', onHealth);
        for (const f of [...flows.values()]) f.end('listener-closed');
        server.close(() => resolve());
      }),
  };
}
