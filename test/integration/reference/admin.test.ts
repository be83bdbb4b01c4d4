// startReference end to end with its admin port: status tree, Prometheus
// metrics, runtime weight/admin changes (FAQ 6.13), port-in-use errors.
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LbdError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { startReference } from '../../../src/reference/server.js';
import { backend, closedPort, get } from './http-harness.js';

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface StatusMember {
  name: string;
  key: string;
  healthy: boolean;
  reason: string;
  weight: number;
  admin_up: boolean;
  active_connections: number;
}
interface Status {
  listeners: {
    name: string;
    protocol: string;
    port: number;
    active_connections: number;
    pools: { id: string; members: StatusMember[] }[];
  }[];
}

async function setup() {
  const be = await backend((_req, res) => res.end('up'));
  onTestFinished(be.close);
  const dead = await closedPort();
  const inv = parseInventory(`
loadbalancer: { name: lb-admin, type: dedicated }
listeners:
  - { name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web }
  - { name: raw, protocol: TCP, protocol_port: 81, default_pool_id: tcp }
pools:
  - id: web
    protocol: HTTP
    healthmonitor: { type: TCP, delay: 1, timeout: 1, max_retries: 1 }
    members:
      - { name: good, address: 127.0.0.1, protocol_port: ${be.port} }
      - { name: bad, address: 127.0.0.1, protocol_port: ${dead} }
  - id: tcp
    protocol: TCP
    members: [{ name: t1, address: 127.0.0.1, protocol_port: ${be.port} }]
`);
  const h = await startReference(inv, { anyPort: true });
  onTestFinished(() => h.close());
  const status = async () => (await (await fetch(`${h.admin.url}/status`)).json()) as Status;
  const web = h.listeners.find((l) => l.name === 'web');
  return { h, status, webPort: web?.port ?? 0 };
}

describe('reference admin port', () => {
  it('shows listeners → pools → members with health and reasons', async () => {
    const { h, status } = await setup();
    expect(h.admin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.listeners.map((l) => [l.name, l.protocol])).toEqual([
      ['web', 'HTTP'],
      ['raw', 'TCP'],
    ]);
    // Each member's first check falls somewhere in the first interval (FAQ 2.6).
    const s = await waitFor('health verdicts', async () => {
      const checked = ['good', 'bad'].every(
        (m) =>
          h.metrics.get('lbdoctor_health_checks_total', {
            pool: 'web',
            member: m,
            result: m === 'good' ? 'success' : 'failure',
          }) > 0,
      );
      return checked ? status() : undefined;
    });
    const members = s.listeners[0]?.pools[0]?.members ?? [];
    expect(members.map((m) => [m.name, m.healthy])).toEqual([
      ['good', true],
      ['bad', false],
    ]);
    expect(members[1]?.reason).not.toBe('');
    expect(s.listeners[1]?.pools[0]?.id).toBe('tcp');
    // Nothing is connected to the listeners while only health checks run.
    expect(s.listeners.map((l) => l.active_connections)).toEqual([0, 0]);
  });

  it('exports Prometheus metrics: LB codes apart from backend codes, unhealthy members, health checks', async () => {
    const { h, status, webPort } = await setup();
    await waitFor('good member healthy', async () =>
      (await status()).listeners[0]?.pools[0]?.members.find((m) => m.name === 'good')?.healthy
        ? true
        : undefined,
    );
    await waitFor('a failed check on bad', async () =>
      h.metrics.get('lbdoctor_health_checks_total', { pool: 'web', member: 'bad', result: 'failure' }) > 0
        ? true
        : undefined,
    );
    expect((await get(webPort, '/')).status).toBe(200);
    const text = await (await fetch(`${h.admin.url}/metrics`)).text();
    expect(text).toContain('# TYPE lbdoctor_http_responses_total counter');
    expect(text).toMatch(/lbdoctor_http_responses_total\{listener="web",code="200",source="backend"\} 1/);
    expect(text).toMatch(/lbdoctor_pool_unhealthy_members\{pool="web"\} 1/);
    expect(text).toMatch(/lbdoctor_health_checks_total\{pool="web",member="bad",result="failure"\} [1-9]/);
    expect(text).toMatch(/lbdoctor_active_connections\{listener="web"\} \d/);
  });

  it('changes weight and admin state at runtime; weight 0 takes no new requests (FAQ 6.13)', async () => {
    const { h, status, webPort } = await setup();
    await waitFor('good member healthy', async () =>
      (await status()).listeners[0]?.pools[0]?.members.find((m) => m.name === 'good')?.healthy
        ? true
        : undefined,
    );
    const post = (path: string, body: unknown) =>
      fetch(`${h.admin.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const w = await post('/members/web/good/weight', { weight: 0 });
    expect(w.status).toBe(200);
    expect(((await w.json()) as StatusMember).weight).toBe(0);
    const zero = await get(webPort, '/');
    expect([zero.status, zero.headers['x-router-code']]).toEqual([503, '50000']);
    expect((await post('/members/web/good/weight', { weight: 5 })).status).toBe(200);
    expect((await get(webPort, '/')).status).toBe(200);
    const down = await post(
      `/members/web/${encodeURIComponent((await status()).listeners[0]?.pools[0]?.members[0]?.key ?? '')}/admin`,
      { up: false },
    );
    expect(down.status).toBe(200);
    expect((await get(webPort, '/')).headers['x-router-code']).toBe('50000');
    expect((await post('/members/web/good/admin', { up: true })).status).toBe(200);
    expect((await get(webPort, '/')).status).toBe(200);
    expect((await post('/members/web/good/weight', { weight: 101 })).status).toBe(400);
    expect((await post('/members/nope/good/weight', { weight: 1 })).status).toBe(404);
    expect((await post('/members/web/nobody/admin', { up: true })).status).toBe(404);
    expect((await post('/listeners/web/certificate', {})).status).toBe(400);
    expect((await fetch(`${h.admin.url}/nothing`)).status).toBe(404);
  });

  it('counts TCP listener connections, and an aborted signal closes everything', async () => {
    const be = await backend((_req, res) => res.end('up'));
    onTestFinished(be.close);
    const inv = parseInventory(`
loadbalancer: { name: lb-l4, type: dedicated }
listeners: [{ name: raw, protocol: TCP, protocol_port: 81, default_pool_id: tcp }]
pools: [{ id: tcp, protocol: TCP, members: [{ name: t1, address: 127.0.0.1, protocol_port: ${be.port} }] }]
`);
    const abort = new AbortController();
    const h = await startReference(inv, { anyPort: true, signal: abort.signal });
    onTestFinished(() => h.close());
    const port = h.listeners[0]?.port ?? 0;
    expect((await get(port, '/through-tcp')).body).toBe('up');
    await waitFor('the TCP connection to be counted', async () =>
      h.metrics.get('lbdoctor_connections_total', { listener: 'raw' }) === 1 ? true : undefined,
    );
    abort.abort();
    await waitFor('the listener to close', async () => {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => {
          s.destroy();
          resolve(false);
        });
        s.on('error', () => resolve(true));
      });
      return refused ? true : undefined;
    });
  });

  it('names the listener and port when a port is in use', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => holder.close(() => r())));
    const port = (holder.address() as net.AddressInfo).port;
    const inv = parseInventory(`
loadbalancer: { name: lb-busy, type: dedicated }
listeners: [{ name: busy-web, protocol: HTTP, protocol_port: ${port} }]
`);
    const err = await startReference(inv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LbdError);
    expect((err as LbdError).code).toBe('LBD_ERR_PORT_IN_USE');
    expect((err as LbdError).message).toContain('busy-web');
    expect((err as LbdError).message).toContain(String(port));
  });
});
