// One keep-alive connection pool per member, so connections to backends are
// reused between requests (ELB keeps its own persistent connections to members,
// independent of the client's, FAQ 7.8: two TCP connections per exchange).
// undici's Pool rather than node:http agents: the same exchange costs
// noticeably less CPU (bench/reference-vs-nginx: the node:http and undici floors).
import net from 'node:net';
import { Pool } from 'undici';

export class UpstreamAgents {
  private readonly pools = new Map<string, Pool>();

  /** `connectMs`: time to open a connection to a member (FAQ 1.5: 5 s); the listener's own timers do the rest. */
  constructor(private readonly connectMs: number) {}

  get(protocol: 'HTTP' | 'HTTPS', address: string, port: number): Pool {
    const k = `${protocol}|${address}|${port}`;
    let p = this.pools.get(k);
    if (!p) {
      const host = net.isIPv6(address) ? `[${address}]` : address;
      p = new Pool(`${protocol === 'HTTPS' ? 'https' : 'http'}://${host}:${port}`, {
        // ELB does not verify backend certificates (FAQ 3.6): encryption, not identity.
        connect: {
          timeout: this.connectMs,
          noDelay: true,
          ...(protocol === 'HTTPS'
            ? { rejectUnauthorized: false, ...(net.isIP(address) ? {} : { servername: address }) }
            : {}),
        },
        // The listener times the response itself (member_timeout, FAQ 5.6); a body may take as long as it takes.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(k, p);
    }
    return p;
  }

  destroy(): void {
    for (const p of this.pools.values()) void p.destroy().catch(() => {});
    this.pools.clear();
  }
}
