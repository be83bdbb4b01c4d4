// An error status without x-router-code must never end a run green (FAQ 1.5,
// 1.6): router-code asks the members directly and says whose status it is.
// Proven on the reference LB's reproduced faults and on real nginx, as the
// load balancer (its own 502/504 pages) and as the backend (a 503 it serves);
// and an answer nginx passes on that breaks off after its head.
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
import { findScenario } from '../../../src/lab/scenarios/index.js';
import type { RunningScenario } from '../../../src/lab/scenarios/types.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { diagnose } from '../../helpers/diagnose.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';
import { type HttpBackend, startHttpBackend } from '../../helpers/servers.js';

const codes = (r: RunResult) => r.findings.map((f) => f.code).sort();

describe('router-code on the reference LB: its own 502 and 504 are named as its own', {
  timeout: 60_000,
}, () => {
  it.each([
    ['wrong-backend-port', 502],
    ['backend-slow', 504],
  ])('%s', async (id, status) => {
    const running: RunningScenario = await findScenario(id).start();
    try {
      const result = await diagnose('router-code', { inventory: parseInventory(running.inventoryYaml) });
      expect(codes(result)).toContain('router-code/lb-error-status');
      expect(codes(result)).not.toContain('router-code/backend-answered');
      const lb = result.findings.find((f) => f.conclusion === 'lb-error-status')!;
      expect(lb.title).toContain(`answered ${status}`);
      expect(lb.see).toEqual(['gateway-errors', 'abnormal-status']);
      expect(exitCodeFor(result, 'error')).toBe(1);
    } finally {
      await running.close();
    }
  });
});

if (nginxMissing) console.warn(`skipping the nginx router-code tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('router-code on real nginx', { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  const port: Record<string, number> = {};
  let silent: { server: Server; port: number };
  const held: Socket[] = [];
  /** A backend that promises a long body, sends a little, then resets (a crash mid-response). */
  let resetting: HttpBackend;

  beforeAll(async () => {
    resetting = await startHttpBackend({ default: { fault: 'reset-mid-response' } });
    // A backend that accepts connections and never answers (nginx's 504 after proxy_read_timeout).
    const server = createServer((socket) => held.push(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    silent = { server, port: (server.address() as AddressInfo).port };
    for (const name of ['lb502', 'lb504', 'lb503', 'lbok', 'app503', 'appok', 'lbbroke'])
      port[name] = await closedPort();
    port.closed = await closedPort();
    const block = (listen: number, body: string) => `server { listen 127.0.0.1:${listen}; ${body} }`;
    nginx = await startNginx(
      [
        block(port.lb502!, `location / { proxy_pass http://127.0.0.1:${port.closed}; }`),
        block(
          port.lb504!,
          `location / { proxy_pass http://127.0.0.1:${silent.port}; proxy_read_timeout 1s; }`,
        ),
        block(port.lb503!, `location / { proxy_pass http://127.0.0.1:${port.app503}; }`),
        block(port.lbok!, `location / { proxy_pass http://127.0.0.1:${port.appok}; }`),
        block(port.app503!, 'location / { return 503 "down for maintenance\\n"; }'),
        block(port.appok!, 'location / { return 200 "hello\\n"; }'),
        block(port.lbbroke!, `location / { proxy_pass http://127.0.0.1:${resetting.port}; }`),
      ].join('\n'),
      Object.values(port).filter((p) => p !== port.closed),
    );
  });
  afterAll(async () => {
    await nginx?.close();
    for (const s of held) s.destroy();
    silent?.server.close();
    await resetting?.close();
  });

  const inventoryFor = (lb: string, memberPort: number) =>
    parseInventory(`
loadbalancer: {name: nginx, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${port[lb]}, default_pool_id: app}]
pools: [{id: app, protocol: HTTP, members: [{name: app1, address: 127.0.0.1, protocol_port: ${memberPort}}]}]
`);

  it("nginx's own 502 (backend port closed): the load balancer answered, and the member refuses", async () => {
    const result = await diagnose('router-code', { inventory: inventoryFor('lb502', port.closed!) });
    expect(codes(result)).toEqual(['router-code/lb-error-status', 'router-code/member-refuses-directly']);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it("nginx's own 504 (backend never answers): the load balancer answered", async () => {
    const result = await diagnose('router-code', { inventory: inventoryFor('lb504', silent.port) });
    expect(codes(result)).toEqual(['router-code/lb-error-status']);
    expect(result.findings[0]!.title).toContain('answered 504');
  });

  it('a 503 the backend serves itself: the backend answered, not the load balancer', async () => {
    const result = await diagnose('router-code', { inventory: inventoryFor('lb503', port.app503!) });
    expect(codes(result)).toEqual(['router-code/backend-error-status']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(
      /as the load balancer would: 2 checks: 2 passed, 0 failed/,
    );
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('the healthy twin: 200 from the backend, no error finding, exit 0', async () => {
    const result = await diagnose('router-code', { inventory: inventoryFor('lbok', port.appok!) });
    expect(codes(result)).toEqual(['router-code/backend-answered']);
    expect(result.findings.every((f) => f.severity === 'info')).toBe(true);
    expect(exitCodeFor(result, 'error')).toBe(0);
  });

  it('the backend resets after the head: nginx passes the 200 on and the body breaks off', async () => {
    const result = await diagnose('router-code', { inventory: inventoryFor('lbbroke', resetting.port) });
    expect(codes(result)).toEqual(['router-code/answer-broke-off']);
    expect(result.findings[0]!.title).toBe('The answer on web broke off after its head');
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('without an inventory the error status is still an error finding', async () => {
    const result = await diagnose('router-code', {
      target: { host: '127.0.0.1', port: port.lb502!, raw: `127.0.0.1:${port.lb502}` },
    });
    expect(codes(result)).toEqual(['router-code/error-status']);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });
});
