// Keep-alive connections to members, reused between requests: ELB keeps its
// own persistent connections to members, independent of the client's (FAQ 7.8:
// two TCP connections per exchange). Plain sockets, because the listener speaks
// HTTP/1.1 on them itself (wire/): an HTTP client library costs several times
// the CPU per request (bench/reference-vs-nginx).
import net from 'node:net';
import tls from 'node:tls';

/** A member to connect to; the object itself keys its idle connections (no key string per request). */
export interface UpstreamTarget {
  readonly address: string;
  readonly port: number;
}

/** The member did not accept the connection within the connect timeout (FAQ 1.5: 5 s → 504). */
export class ConnectTimeoutError extends Error {
  readonly code = 'CONNECT_TIMEOUT';
}

/** Whoever uses a connection now; the socket's events go to it. */
export interface UpstreamOwner {
  onUpstreamData(chunk: Buffer): void;
  /** The member sent FIN. */
  onUpstreamEnd(): void;
  /** The socket's write buffer emptied (backpressure on a request body or tunnel). */
  onUpstreamDrain(): void;
  /** The connection is gone (after FIN, an error or a destroy). */
  onUpstreamClose(error: Error | null): void;
}

export class UpstreamConnection {
  owner: UpstreamOwner | null = null;
  /** Exchanges this connection carried before the current one. */
  uses = 0;
  idleSince = 0;
  error: Error | null = null;
  constructor(
    readonly socket: net.Socket,
    readonly key: UpstreamTarget,
  ) {}
}

export type AcquireCallback = (err: Error | null, conn: UpstreamConnection | null) => void;

/** Idle connections kept per member; more than this are closed when they come back. */
const MAX_IDLE_PER_MEMBER = 64;
/** An idle connection unused this long is closed (backends close theirs too: Node after 5 s, nginx 75 s). */
const IDLE_MS = 4_000;

export class UpstreamPool {
  private readonly idle = new Map<UpstreamTarget, UpstreamConnection[]>();
  private readonly open = new Set<UpstreamConnection>();
  private destroyed = false;
  private readonly sweeper: NodeJS.Timeout;

  /** `connectMs`: time to open a connection to a member (FAQ 1.5: 5 s). */
  constructor(private readonly connectMs: number) {
    this.sweeper = setInterval(() => this.closeStale(Date.now() - IDLE_MS), 1000);
    this.sweeper.unref();
  }

  /**
   * A connected connection to `t`, owned by `owner`: an idle one when there is
   * one (`uses` > 0), else a new one (`fresh` forces that). Returns a cancel
   * function for a connection still opening.
   */
  acquire(
    protocol: 'HTTP' | 'HTTPS',
    t: UpstreamTarget,
    owner: UpstreamOwner,
    cb: AcquireCallback,
    fresh = false,
  ): () => void {
    if (!fresh) {
      const list = this.idle.get(t);
      if (list && list.length > 0) {
        const conn = list.pop() as UpstreamConnection;
        conn.owner = owner;
        cb(null, conn);
        return noop;
      }
    }
    return this.connect(protocol, t, owner, cb);
  }

  private connect(
    protocol: 'HTTP' | 'HTTPS',
    t: UpstreamTarget,
    owner: UpstreamOwner,
    cb: AcquireCallback,
  ): () => void {
    if (this.destroyed) {
      cb(new Error('listener closed'), null);
      return noop;
    }
    const https = protocol === 'HTTPS';
    const socket = https
      ? // ELB does not verify backend certificates (FAQ 3.6): encryption, not identity.
        tls.connect({
          host: t.address,
          port: t.port,
          rejectUnauthorized: false,
          ...(net.isIP(t.address) ? {} : { servername: t.address }),
        })
      : net.connect({ host: t.address, port: t.port, noDelay: true });
    if (https) socket.setNoDelay(true);
    const conn = new UpstreamConnection(socket, t);
    this.open.add(conn);
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        cb(err, null);
        return;
      }
      conn.owner = owner;
      cb(null, conn);
    };
    const timer = setTimeout(
      () => settle(new ConnectTimeoutError(`connect to ${t.address}:${t.port} timed out`)),
      this.connectMs,
    );
    socket.once(https ? 'secureConnect' : 'connect', () => settle(null));
    socket.on('error', (err) => {
      conn.error ??= err;
      settle(err);
    });
    // Bytes or FIN while nobody owns the connection cannot be framed: it is closed.
    socket.on('data', (d: Buffer) => {
      if (conn.owner) conn.owner.onUpstreamData(d);
      else socket.destroy();
    });
    socket.on('drain', () => conn.owner?.onUpstreamDrain());
    socket.on('end', () => {
      if (conn.owner) conn.owner.onUpstreamEnd();
      else socket.destroy();
    });
    socket.once('close', () => {
      this.open.delete(conn);
      this.removeIdle(conn);
      if (!settled)
        settle(conn.error ?? new Error(`connection to ${t.address}:${t.port} closed while opening`));
      const owner = conn.owner;
      conn.owner = null;
      owner?.onUpstreamClose(conn.error);
    });
    return () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
    };
  }

  /** A connection whose exchange ended: back to the idle list when `reusable`, else closed. */
  release(conn: UpstreamConnection, reusable: boolean): void {
    conn.owner = null;
    conn.uses++;
    const socket = conn.socket;
    if (!reusable || this.destroyed || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    let list = this.idle.get(conn.key);
    if (!list) {
      list = [];
      this.idle.set(conn.key, list);
    }
    if (list.length >= MAX_IDLE_PER_MEMBER) {
      socket.destroy();
      return;
    }
    conn.idleSince = Date.now();
    list.push(conn);
  }

  private removeIdle(conn: UpstreamConnection): void {
    const list = this.idle.get(conn.key);
    const i = list ? list.indexOf(conn) : -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  private closeStale(before: number): void {
    for (const list of this.idle.values()) {
      // Oldest first: the list is used from its end.
      while (list.length > 0 && (list[0] as UpstreamConnection).idleSince < before) {
        (list.shift() as UpstreamConnection).socket.destroy();
      }
    }
  }

  destroy(): void {
    this.destroyed = true;
    clearInterval(this.sweeper);
    for (const c of this.open) c.socket.destroy();
    this.open.clear();
    this.idle.clear();
  }
}

const noop = () => {};
