// unhealthy-backend on real nginx as the backend: the health path it does not
// serve, a virtual host that answers only its own domain, a slow health page
// behind it, a port it does not listen on, and the healthy twin. No SSH here
// (the members are on loopback): the host checks live in the lab tests; this
// proves the application side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { diagnose } from '../../helpers/diagnose.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';
import { type HttpBackend, startHttpBackend } from '../../helpers/servers.js';

const codes = (r: RunResult) => r.findings.map((f) => f.code).sort();

if (nginxMissing) console.warn(`skipping the nginx unhealthy-backend tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('unhealthy-backend on real nginx backends', { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  /** The application nginx proxies the health page of "slow" to: it takes 4 s to answer it. */
  let slowApp: HttpBackend;
  const port: Record<string, number> = {};

  beforeAll(async () => {
    slowApp = await startHttpBackend({
      rules: [{ path: '/health', answer: { status: 200, delayMs: 4000 } }],
    });
    for (const name of ['healthy', 'nohealth', 'vhost', 'slow']) port[name] = await closedPort();
    nginx = await startNginx(
      [
        `server { listen 127.0.0.1:${port.healthy}; location = /health { return 200 "ok\\n"; } location / { return 200; } }`,
        // Serves pages, but no /health: nginx's own 404.
        `server { listen 127.0.0.1:${port.nohealth}; location / { return 404; } location = / { return 200; } }`,
        // Name-based virtual hosting: only app.example has the health page; any other Host gets the default server's 404.
        `server { listen 127.0.0.1:${port.vhost} default_server; server_name _; return 404; }`,
        `server { listen 127.0.0.1:${port.vhost}; server_name app.example; location = /health { return 200; } }`,
        // nginx in front of an application whose health page is slow: the port answers at once, /health late.
        `server { listen 127.0.0.1:${port.slow}; location / { proxy_pass http://127.0.0.1:${slowApp.port}; } }`,
      ].join('\n'),
      Object.values(port),
    );
  });
  afterAll(async () => {
    await nginx?.close();
    await slowApp?.close();
  });

  const inventoryFor = (memberPort: number, type: 'shared' | 'dedicated' = 'dedicated', extra = '') =>
    parseInventory(`
loadbalancer: {name: lb, type: ${type}, vip_address: 127.0.0.1, vip_subnet_cidr: 127.0.0.0/8}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: app}]
pools:
  - id: app
    protocol: HTTP
    healthmonitor: {type: HTTP, url_path: /health, timeout: 2}
    members: [{name: app1, address: 127.0.0.1, protocol_port: ${memberPort}}]
${extra}`);

  it('the health path nginx does not serve: 404 is not a healthy code', async () => {
    const result = await diagnose('unhealthy-backend', { inventory: inventoryFor(port.nohealth!) });
    expect(codes(result)).toEqual(['unhealthy-backend/health-check-unexpected-code']);
    expect(result.findings[0]!.title).toBe('app1 answers the health check with 404');
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('a virtual host that answers only its domain: the check needs the Domain Name', async () => {
    const policy = `l7policies:
  - {name: app, listener: web, action: REDIRECT_TO_POOL, redirect_pool_id: app, rules: [{type: HOST_NAME, compare_type: EQUAL_TO, value: app.example}]}`;
    const result = await diagnose('unhealthy-backend', {
      inventory: inventoryFor(port.vhost!, 'dedicated', policy),
    });
    expect(codes(result)).toEqual(['unhealthy-backend/health-check-needs-host']);
    expect(result.findings[0]!.fix.join('\n')).toContain('Domain Name to app.example');
  });

  it('a port nginx does not listen on', async () => {
    const result = await diagnose('unhealthy-backend', { inventory: inventoryFor(await closedPort()) });
    expect(codes(result)).toEqual(['unhealthy-backend/port-not-listening']);
  });

  it('the healthy twin: passes ELB check, no error finding, exit 0', async () => {
    for (const type of ['shared', 'dedicated'] as const) {
      const result = await diagnose('unhealthy-backend', { inventory: inventoryFor(port.healthy!, type) });
      expect(codes(result)).toEqual(['unhealthy-backend/members-healthy']);
      expect(exitCodeFor(result, 'error')).toBe(0);
    }
  });

  it('the console says unhealthy while the check passes from here: the path from the load balancer is blocked', async () => {
    const inventory = inventoryFor(port.healthy!);
    inventory.loadbalancers[0]!.pools[0]!.members[0]!.operating_status = 'OFFLINE';
    const result = await diagnose('unhealthy-backend', { inventory });
    expect(codes(result)).toEqual(['unhealthy-backend/network-path-blocked']);
    expect(result.findings[0]!.evidence).toContain('console status in the inventory: OFFLINE');
  });

  it('weight 0 on a shared load balancer', async () => {
    const inventory = inventoryFor(port.healthy!, 'shared');
    inventory.loadbalancers[0]!.pools[0]!.members[0]!.weight = 0;
    const result = await diagnose('unhealthy-backend', { inventory });
    expect(codes(result)).toEqual(['unhealthy-backend/weight-zero']);
  });

  it('nginx accepts at once but the health page behind it answers after the 2 s timeout', async () => {
    const result = await diagnose('unhealthy-backend', { inventory: inventoryFor(port.slow!) });
    expect(codes(result)).toEqual(['unhealthy-backend/health-check-times-out']);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });
});
