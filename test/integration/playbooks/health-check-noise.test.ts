// health-check-noise (FAQ 2.3, 2.5, 2.7) on real files: the members' "SSH"
// vantage is this machine, so the probe's allow-listed `tail -n N PATH` reads
// access logs captured from real nginx (test/fixtures/host-outputs/
// capture-web-access.sh) from a temporary directory. Every conclusion of the
// playbook, each from the situation that should lead to it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/engine.js';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../../src/playbook/load.js';
import { loadProbe } from '../../../src/probes/registry.js';
import { createLocalVantage } from '../../../src/runners/local-vantage.js';
import { fixture } from '../../unit/parsers/fixture.js';

const codes = (r: RunResult) => r.findings.map((f) => f.code.replace('health-check-noise/', '')).sort();

let dir: string;
const logs: Record<string, string> = {};

/** Runs the playbook with every member's host read on this machine. */
async function noise(inventoryYaml: string, inputs: Record<string, string> = {}): Promise<RunResult> {
  const { playbook } = await findPlaybook('health-check-noise', [BUNDLED_PLAYBOOKS]);
  const local = createLocalVantage();
  return runPlaybook({
    playbook,
    inventory: parseInventory(inventoryYaml),
    inputs,
    loadProbe,
    vantages: { local: () => local, forHost: async () => local, close: async () => {} },
    facts: { set: new Map(), answers: {} },
    timeoutMs: 5000,
    toolVersion: 'test',
  });
}

const inventory = (monitor: string, o: { hosts?: boolean; top?: string } = {}) => `
loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web-pool}]
pools:
  - id: web-pool
    protocol: HTTP
    ${monitor}
    members: [{name: web1, address: 127.0.0.1, protocol_port: 80}]
${o.hosts === false ? '' : 'hosts: {web1: {ssh: "ssh://root@127.0.0.1"}}'}
${o.top ?? ''}`;

describe('health-check-noise on captured access logs', { timeout: 30_000 }, () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-hcn-'));
    const nginx = fixture('web-access.nginx-combined.log');
    // A client request from the same capture, repeated: real traffic that outweighs the checks.
    const client = nginx.split('\n').find((l) => l.includes('"GET /index.html'))!;
    const write = (name: string, text: string) => {
      logs[name] = join(dir, `${name}-access.log`);
      writeFileSync(logs[name]!, text);
    };
    write('noisy', nginx);
    write('busy', `${nginx}${`${client}\n`.repeat(30)}`);
    write('apache', fixture('web-access.apache-combined.log'));
    write('empty', '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('health checks are most of the log: check-log-share-high (warn), with the numbers and the fixes', async () => {
    const result = await noise(inventory('healthmonitor: {type: HTTP, url_path: /health, delay: 2}'), {
      backend_log: logs.noisy!,
    });
    expect(codes(result)).toEqual(['check-log-share-high']);
    const f = result.findings[0]!;
    expect(f.severity).toBe('warn');
    expect(f.title).toBe("Health checks are 67.9% (19 of 28) of web1's access log");
    expect(f.cause).toContain('Of the last 28 lines');
    expect(f.cause).toContain('19 are health checks of /health (expected ≤ 50% of the lines)');
    expect(f.cause).toContain(
      '98.2 checks a minute, one every ~0.611 s, about 3.3 per interval from 4 source',
    );
    expect(f.fix.join('\n')).toContain('location = /health { access_log off;');
    expect(f.fix.join('\n')).toContain('Risk: nothing checks the members any more');
    expect(exitCodeFor(result, 'error')).toBe(0);
    expect(exitCodeFor(result, 'warn')).toBe(1);
  });

  it('the same in an Apache combined log', async () => {
    const result = await noise(inventory('healthmonitor: {type: HTTP, url_path: /health, delay: 2}'), {
      backend_log: logs.apache!,
    });
    expect(codes(result)).toEqual(['check-log-share-high']);
  });

  it('real traffic dominates, but a 2 s interval from several nodes: interval-short (warn)', async () => {
    const result = await noise(inventory('healthmonitor: {type: HTTP, url_path: /health, delay: 2}'), {
      backend_log: logs.busy!,
    });
    expect(codes(result)).toEqual(['interval-short']);
    expect(result.findings[0]!.cause).toContain('about 3.3 checks per interval from 4 source address(es)');
  });

  it('real traffic dominates at a 5 s interval: checks-from-several-nodes (info), no warning', async () => {
    const result = await noise(inventory('healthmonitor: {type: HTTP, url_path: /health, delay: 5}'), {
      backend_log: logs.busy!,
    });
    expect(codes(result)).toEqual(['checks-from-several-nodes']);
    const f = result.findings[0]!;
    expect(f.severity).toBe('info');
    expect(f.title).toBe(
      "web1 gets a health check every ~0.611 s from 4 source(s); the pool's interval is 5 s",
    );
    expect(f.cause).toContain(
      'about 8.2 per 5 s interval, one every ~0.611 s on average, from 4 source address(es)',
    );
    expect(exitCodeFor(result, 'warn')).toBe(0);
  });

  it('no request of the health path in the log: no-checks-logged (info)', async () => {
    const result = await noise(inventory('healthmonitor: {type: HTTP, url_path: /ready, delay: 5}'), {
      backend_log: logs.noisy!,
    });
    expect(codes(result)).toEqual(['no-checks-logged']);
  });

  it('a log that is missing or empty: log-not-read (warn) with the reason', async () => {
    const missing = await noise(inventory('healthmonitor: {type: HTTP, url_path: /health}'), {
      backend_log: join(dir, 'gone-access.log'),
    });
    expect(codes(missing)).toEqual(['log-not-read']);
    expect(missing.findings[0]!.cause).toMatch(/No such file or directory/);
    const empty = await noise(inventory('healthmonitor: {type: HTTP, url_path: /health}'), {
      backend_log: logs.empty!,
    });
    expect(codes(empty)).toEqual(['log-not-read']);
    expect(empty.findings[0]!.cause).toContain('is empty');
  });

  it('no SSH reach, or a TCP check: expected-from-inventory (info), nothing read', async () => {
    const noSsh = await noise(
      inventory('healthmonitor: {type: HTTP, url_path: /health, delay: 1}', { hosts: false }),
    );
    expect(codes(noSsh)).toEqual(['expected-from-inventory']);
    expect(noSsh.findings[0]!.title).toBe(
      'web1 is checked (HTTP) every 1 s by each checker node (configuration only)',
    );
    expect(exitCodeFor(noSsh, 'warn')).toBe(0);
    const tcp = await noise(inventory('healthmonitor: {type: TCP, delay: 5}'));
    expect(codes(tcp)).toEqual(['expected-from-inventory']);
  });

  it('no health check on the pool: health-check-off (warn)', async () => {
    expect(codes(await noise(inventory('')))).toEqual(['health-check-off']);
    expect(codes(await noise(inventory('healthmonitor: {type: HTTP, admin_state_up: false}')))).toEqual([
      'health-check-off',
    ]);
  });
});
