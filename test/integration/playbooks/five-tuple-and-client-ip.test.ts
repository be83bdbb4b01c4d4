// five-tuple-conflict (FAQ 1.3) and client-ip (FAQ 3.9) where the inventory
// alone decides: no SSH entry for any host, so every conclusion is what the
// listeners' settings say; a member shared by two load balancers is judged
// once. One test answers a member's read with a captured /proc/modules. (The
// host evidence is proven on kernel load balancers in test/lab/five-tuple.test.ts
// and test/lab/client-ip.test.ts.)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { runPlaybook } from '../../../src/engine/engine.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../../src/playbook/load.js';
import { loadProbe } from '../../../src/probes/registry.js';
import { diagnose } from '../../helpers/diagnose.js';
import { fakeVantages } from '../../helpers/fake-probes.js';
import { fixture } from '../../unit/parsers/fixture.js';

const findings = (r: RunResult) => r.findings.map((f) => [f.code, f.severity]);

/** One load balancer entry forwarding `listener` to be1 (10.0.1.12:80). */
const lb = (name: string, listener: string, type = 'shared') => `
  - loadbalancer: {name: ${name}, type: ${type}, vip_address: 10.0.0.${name.length + 10}}
    listeners: [${listener}]
    pools:
      - id: ${name}-pool
        protocol: TCP
        members: [{name: be1, address: 10.0.1.12, protocol_port: 80}]`;

const tcp = (pool: string, o: { transparent: boolean; ranges?: boolean; protocol?: string; port?: number }) =>
  `{name: l-${o.port ?? 80}, protocol: ${o.protocol ?? 'TCP'}, ${
    o.ranges ? 'port_ranges: [{start_port: 8000, end_port: 8010}]' : `protocol_port: ${o.port ?? 80}`
  }, default_pool_id: ${pool}, transparent_client_ip_enable: ${o.transparent}}`;

const inventory = (...entries: string[]) => parseInventory(`loadbalancers:${entries.join('')}\n`);

describe('five-tuple-conflict from the inventory', () => {
  it('two load balancers keeping the client address to one member: one warning, not one per pool', async () => {
    const r = await diagnose('five-tuple-conflict', {
      inventory: inventory(
        lb('a', tcp('a-pool', { transparent: true })),
        lb('bb', tcp('bb-pool', { transparent: true })),
      ),
    });
    expect(findings(r)).toEqual([['five-tuple-conflict/shared-member-risk', 'warn']]);
    expect(r.findings[0]!.evidence.join('\n')).toContain('not read (no SSH to the member');
  });

  it('two listeners of one load balancer keeping the client address to one pool: a warning', async () => {
    const both = `${tcp('a-pool', { transparent: true })}, ${tcp('a-pool', { transparent: true, port: 81 })}`;
    const r = await diagnose('five-tuple-conflict', { inventory: inventory(lb('a', both)) });
    expect(findings(r)).toEqual([['five-tuple-conflict/shared-member-risk', 'warn']]);
  });

  it('a port-range listener keeping the client address: a warning', async () => {
    const r = await diagnose('five-tuple-conflict', {
      inventory: inventory(lb('a', tcp('a-pool', { transparent: true, ranges: true }))),
    });
    expect(findings(r)).toEqual([['five-tuple-conflict/shared-member-risk', 'warn']]);
    expect(r.findings[0]!.cause).toContain('1 of them port-range listeners');
  });

  it('Transfer Client IP off on one of the two: no conflict possible', async () => {
    const r = await diagnose('five-tuple-conflict', {
      inventory: inventory(
        lb('a', tcp('a-pool', { transparent: true })),
        lb('bb', tcp('bb-pool', { transparent: false })),
      ),
    });
    expect(findings(r)).toEqual([['five-tuple-conflict/no-shared-forwarding', 'info']]);
  });
});

describe('client-ip from the inventory', () => {
  it('shared TCP without Transfer Client IP and no SSH: the TOA module is not checked (warning)', async () => {
    const r = await diagnose('client-ip', {
      inventory: inventory(lb('a', tcp('a-pool', { transparent: false }))),
    });
    expect(findings(r)).toEqual([['client-ip/toa-not-checked', 'warn']]);
  });

  it('shared UDP without Transfer Client IP: the client address is lost (error)', async () => {
    const r = await diagnose('client-ip', {
      inventory: inventory(lb('a', tcp('a-pool', { transparent: false, protocol: 'UDP' }))),
    });
    expect(findings(r)).toEqual([['client-ip/udp-client-ip-lost', 'error']]);
  });

  it('dedicated TCP: the client address is always kept (info), whatever the inventory flag says', async () => {
    const r = await diagnose('client-ip', {
      inventory: inventory(lb('a', tcp('a-pool', { transparent: false }), 'dedicated')),
    });
    expect(findings(r)).toEqual([['client-ip/l4-client-ip-kept', 'info']]);
  });

  it("a dedicated load balancer without its backend subnet: cannot tell its address from a client's (error)", async () => {
    const server = createServer((_req, res) => res.end('ok\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const { port } = server.address() as AddressInfo;
    const r = await diagnose('client-ip', {
      inventory: parseInventory(`
loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: p}]
pools: [{id: p, protocol: HTTP, members: [{name: be1, address: 127.0.0.1, protocol_port: ${port}}]}]
`),
    });
    expect(findings(r)).toEqual([['client-ip/lb-range-unknown', 'error']]);
    expect(r.facts.find((f) => f.key.startsWith('lb_backend_range'))?.value).toBeNull();
  });

  it('shared TCP without Transfer Client IP, TOA loaded on the member (a captured /proc/modules): toa-loaded', async () => {
    // This machine's kernel cannot load TOA, so be1's read answers with a CentOS /proc/modules that lists it.
    const { playbook } = await findPlaybook('client-ip', [BUNDLED_PLAYBOOKS]);
    const { provider } = fakeVantages({ be1: { modules: fixture('proc-modules.centos.txt') } });
    const text = `loadbalancers:${lb('a', tcp('a-pool', { transparent: false }))}\nhosts: {be1: {ssh: "ssh://root@10.0.1.12"}}\n`;
    const r = await runPlaybook({
      playbook,
      inventory: parseInventory(text),
      loadProbe,
      vantages: provider,
      facts: { set: new Map(), answers: {} },
      timeoutMs: 5000,
      toolVersion: 'test',
    });
    expect(findings(r)).toEqual([['client-ip/toa-loaded', 'info']]);
  });
});
