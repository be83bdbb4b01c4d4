// backend-unreachable (FAQ 1.2, 1.4) with real nginx as the load balancer and
// as the backend: each cause the FAQ lists, reproduced or answered as the
// operator would answer the console questions, and the healthy twin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { diagnose } from '../../helpers/diagnose.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

const codes = (r: RunResult) => r.findings.map((f) => f.code).sort();

if (nginxMissing) console.warn(`skipping the nginx backend-unreachable tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('backend-unreachable on real nginx', { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  const port: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of ['lb', 'app', 'lbDead', 'lbSick', 'sick']) port[name] = await closedPort();
    port.dead = await closedPort();
    nginx = await startNginx(
      [
        `server { listen 127.0.0.1:${port.lb}; location / { proxy_pass http://127.0.0.1:${port.app}; } }`,
        `server { listen 127.0.0.1:${port.lbDead}; location / { proxy_pass http://127.0.0.1:${port.dead}; } }`,
        `server { listen 127.0.0.1:${port.app}; location = /health { return 200; } location / { return 200 "app\\n"; } }`,
        // Serves pages, but its health page reports a failed dependency.
        `server { listen 127.0.0.1:${port.lbSick}; location / { proxy_pass http://127.0.0.1:${port.sick}; } }`,
        `server { listen 127.0.0.1:${port.sick}; location = /health { return 503; } location / { return 200 "app\\n"; } }`,
      ].join('\n'),
      [port.lb!, port.app!, port.lbDead!, port.lbSick!, port.sick!],
    );
  });
  afterAll(() => nginx?.close());

  const inventory = (
    o: { lb?: number; member?: number; listener?: string; pool?: string; top?: string } = {},
  ) =>
    parseInventory(`
loadbalancer: {name: lb, type: shared, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${o.lb ?? port.lb}, default_pool_id: app${o.listener ?? ''}}]
pools:
  - id: app
    protocol: HTTP
    healthmonitor: {type: HTTP, url_path: /health, timeout: 2}
    members: [{name: app1, address: 127.0.0.1, protocol_port: ${o.member ?? port.app}}]
${o.pool ?? ''}
${o.top ?? ''}`);

  it('the healthy twin: the member takes traffic, no error finding, exit 0', async () => {
    const result = await diagnose('backend-unreachable', { inventory: inventory() });
    expect(codes(result)).toEqual(['backend-unreachable/member-takes-traffic']);
    expect(exitCodeFor(result, 'error')).toBe(0);
  });

  it('the member does not answer directly (wrong backend port): found first, and the listener still fails', async () => {
    const result = await diagnose('backend-unreachable', {
      inventory: inventory({ lb: port.lbDead, member: port.dead }),
    });
    expect(codes(result)).toContain('backend-unreachable/member-unreachable-directly');
    expect(codes(result)).not.toContain('backend-unreachable/member-takes-traffic');
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('nginx forwards elsewhere than the inventory says: its 502, with a healthy member, is still-unreachable', async () => {
    // The listener (lbDead) proxies to a dead port; the member the inventory names answers and passes
    // ELB's check. None of the FAQ 1.2/1.4 checks finds a cause: what is left is named, as an error.
    const result = await diagnose('backend-unreachable', { inventory: inventory({ lb: port.lbDead }) });
    expect(codes(result)).toEqual(['backend-unreachable/still-unreachable']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/502/);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('a TCP listener nothing answers on (no EIP bound, say), with a healthy member: still-unreachable', async () => {
    const result = await diagnose('backend-unreachable', {
      inventory: parseInventory(`
loadbalancer: {name: lb, type: shared, vip_address: 127.0.0.1}
listeners: [{name: db, protocol: TCP, protocol_port: ${await closedPort()}, default_pool_id: app}]
pools:
  - id: app
    protocol: TCP
    healthmonitor: {type: TCP, timeout: 2}
    members: [{name: app1, address: 127.0.0.1, protocol_port: ${port.app}}]
`),
    });
    expect(codes(result)).toEqual(['backend-unreachable/still-unreachable']);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it("the only member fails ELB's health check (its /health answers 503): members-unhealthy", async () => {
    const result = await diagnose('backend-unreachable', {
      inventory: inventory({ lb: port.lbSick, member: port.sick }),
    });
    expect(codes(result)).toEqual([
      'backend-unreachable/member-fails-health-check',
      'backend-unreachable/members-unhealthy',
    ]);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('Transfer Client IP with a client that is itself a member', async () => {
    const result = await diagnose('backend-unreachable', {
      inventory: inventory({
        listener: ', transparent_client_ip_enable: true',
        top: 'client: {address: 127.0.0.1}',
      }),
    });
    expect(codes(result)).toEqual(['backend-unreachable/client-is-member']);
  });

  it("access control refuses the client's address (whitelist, --input client_ip)", async () => {
    const result = await diagnose(
      'backend-unreachable',
      { inventory: inventory({ listener: ', ipgroup: {type: white, ip_list: [10.0.0.0/8]}' }) },
      { inputs: { client_ip: '203.0.113.7' } },
    );
    expect(codes(result)).toEqual(['backend-unreachable/access-denied']);
    expect(result.findings[0]!.cause).toContain("203.0.113.7 is not in the listener's whitelist");
  });

  it('the health check is off (the inventory says so): only the security group decides', async () => {
    const inv = inventory();
    inv.loadbalancers[0]!.pools[0]!.healthmonitor!.admin_state_up = false;
    const result = await diagnose('backend-unreachable', { inventory: inv });
    expect(codes(result)).toContain('backend-unreachable/health-check-off');
    expect(result.facts).toEqual([
      expect.objectContaining({ key: 'health_check_enabled@pool:app', source: 'inventory', value: false }),
    ]);
  });

  it.each([
    [{ proxy_in_front: 'yes' }, 'session_persistence: {type: SOURCE_IP}', 'source-ip-sticky-behind-proxy'],
    [{ cross_vpc_without_peering: 'yes' }, '', 'cross-vpc-no-peering'],
    [{ account_in_arrears: 'yes' }, '', 'account-frozen'],
  ])('a console answer %o leads to its conclusion', async (set, persistence, conclusion) => {
    const result = await diagnose(
      'backend-unreachable',
      { inventory: inventory({ pool: persistence ? `    ${persistence}` : '' }) },
      { set },
    );
    expect(codes(result)).toContain(`backend-unreachable/${conclusion}`);
    expect(codes(result)).not.toContain('backend-unreachable/member-takes-traffic');
  });
});
