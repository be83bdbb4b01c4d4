// router-code (FAQ 1.6) against real HTTP servers on loopback, one per
// documented x-router-code value: each reproduces the header and must reach
// exactly its conclusion.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { diagnose } from '../../helpers/diagnose.js';

const servers: Server[] = [];
const ports: Record<string, number> = {};

async function serve(name: string, handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ports[name] = (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  for (const code of ['40000', '40001', '50000', '50001', '12345']) {
    await serve(code, (_req, res) => {
      res.writeHead(code.startsWith('4') ? 404 : 503, { 'x-router-code': code });
      res.end();
    });
  }
  await serve('backend', (_req, res) => res.end('hello'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const diagnosePort = (port: number) =>
  diagnose('router-code', { target: { host: '127.0.0.1', port, raw: `127.0.0.1:${port}` } });

describe('router-code against real servers', () => {
  it.each([
    ['40000', 'default-pool-empty', 'error'],
    ['40001', 'policy-pool-empty', 'error'],
    ['50000', 'all-members-unhealthy', 'error'],
    ['50001', 'configuration-loading', 'warn'],
    ['12345', 'unknown-router-code', 'warn'],
    ['backend', 'backend-answered', 'info'],
  ])('%s → %s', async (server, conclusion, severity) => {
    const result = await diagnosePort(ports[server]!);
    expect(result.findings.map((f) => f.code)).toEqual([`router-code/${conclusion}`]);
    expect(result.findings[0]!.severity).toBe(severity);
    expect(result.findings[0]!.evidence.join('\n')).toContain(
      server === 'backend' ? '→ 200' : `x-router-code ${server}`,
    );
    expect(exitCodeFor(result, 'error')).toBe(severity === 'error' ? 1 : 0);
  });

  it('nothing listening: inconclusive with the reason, exit 3', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const result = await diagnosePort(port);
    expect(result.findings).toEqual([]);
    expect(result.inconclusive[0]!.reason).toMatch(/refused/);
    expect(exitCodeFor(result, 'error')).toBe(3);
  });

  it("fans out over the inventory's HTTP listeners and names each", async () => {
    const inventory = parseInventory(`
loadbalancer: {name: lb, type: shared, vip_address: 127.0.0.1}
listeners:
  - {name: shop, protocol: HTTP, protocol_port: ${ports['40000']}, default_pool_id: shop-pool}
  - {name: api, protocol: HTTP, protocol_port: ${ports.backend}, default_pool_id: shop-pool}
  - {name: raw, protocol: TCP, protocol_port: 1}
pools:
  - {id: shop-pool, protocol: HTTP, members: []}
`);
    const result = await diagnose('router-code', { inventory });
    const byListener = Object.fromEntries(result.findings.map((f) => [f.subject?.name, f.conclusion]));
    expect(byListener).toEqual({ shop: 'default-pool-empty', api: 'backend-answered' });
    const shop = result.findings.find((f) => f.subject?.name === 'shop')!;
    expect(shop.cause).toContain('(shop-pool)');
    expect(shop.evidence).toContain('default pool in the inventory: shop-pool, members listed: 0');
  });

  it.each([
    ['every member passes from here: the checks are blocked', 'backend', 'checks-blocked', []],
    ['a member fails the check from here', '50001', 'all-members-unhealthy', ['member-fails-health-check']],
  ])('50000 with the pool in the inventory, %s', async (_name, member, conclusion, perMember) => {
    const inventory = parseInventory(`
loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${ports['50000']}, default_pool_id: p}]
pools:
  - id: p
    protocol: HTTP
    healthmonitor: {type: HTTP, url_path: /health, timeout: 2}
    members: [{name: app1, address: 127.0.0.1, protocol_port: ${ports[member]}}]
`);
    const result = await diagnose('router-code', { inventory });
    expect(result.findings.map((f) => f.conclusion).sort()).toEqual([conclusion, ...perMember].sort());
    // The lb type came from the inventory, not from a guess.
    expect(result.facts).toEqual([
      expect.objectContaining({ key: 'lb_type@loadbalancer:lb', source: 'inventory' }),
    ]);
  });
});
