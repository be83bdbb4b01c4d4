// One keep-alive agent per member, so connections to backends are reused
// between requests (ELB keeps its own persistent connections to members,
// independent of the client's, FAQ 7.8: two TCP connections per exchange).
import http from 'node:http';
import https from 'node:https';

export class UpstreamAgents {
  private readonly agents = new Map<string, http.Agent>();

  get(protocol: 'HTTP' | 'HTTPS', address: string, port: number): http.Agent {
    const k = `${protocol}|${address}|${port}`;
    let a = this.agents.get(k);
    if (!a) {
      // ELB does not verify backend certificates (FAQ 3.6): encryption, not identity.
      a =
        protocol === 'HTTPS'
          ? new https.Agent({ keepAlive: true, scheduling: 'lifo', noDelay: true, rejectUnauthorized: false })
          : new http.Agent({ keepAlive: true, scheduling: 'lifo', noDelay: true });
      this.agents.set(k, a);
    }
    return a;
  }

  destroy(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}
