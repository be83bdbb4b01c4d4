// unhealthy-backend's console facts (FAQ 2.1, 2.2): a health check that is
// off, a group no listener uses, a layer-4 listener on a load balancer with no
// address. lbdoctor cannot observe these; it reads them from the inventory, or
// the operator answers with --set as they would from the console. Run through
// the CLI as a user runs it (needs `npm run build`); the members are real
// local HTTP servers, so where a walk does go on to probe, it probes for real.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbdoctor } from '../../helpers/cli.js';
import { type HttpBackend, startHttpBackend } from '../../helpers/servers.js';

interface Report {
  findings: { code: string; severity: string; title: string; evidence: string[] }[];
  facts?: { key: string; value: unknown; source: string }[];
}

describe('unhealthy-backend: console facts, from the inventory or --set', { timeout: 60_000 }, () => {
  let dir: string;
  let app: HttpBackend;
  let spare: HttpBackend;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbdoctor-unhealthy-console-'));
    app = await startHttpBackend({ name: 'app1', healthPath: '/health' });
    spare = await startHttpBackend({ name: 'spare1', healthPath: '/health' });
  });
  afterAll(async () => {
    await Promise.all([app?.close(), spare?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, inventory: string, ...extra: string[]) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, inventory);
    const { code, stdout, stderr } = await lbdoctor([
      'run',
      'unhealthy-backend',
      '--inventory',
      file,
      ...extra,
      '--non-interactive',
      '--format',
      'json',
    ]);
    if (!stdout.startsWith('{')) throw new Error(`no JSON report (exit ${code}): ${stderr || stdout}`);
    const report = JSON.parse(stdout) as Report;
    return { code, report, codes: report.findings.map((f) => f.code).sort() };
  }

  const lb =
    'loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1, vip_subnet_cidr: 127.0.0.0/8}';
  const member = (b: HttpBackend) => `{name: ${b.name}, address: 127.0.0.1, protocol_port: ${b.port}}`;

  it('the health check is off in the inventory: a warning (exit 1 with --fail-on warn)', async () => {
    const inventory = `${lb}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: app}]
pools:
  - {id: app, protocol: HTTP, healthmonitor: {type: HTTP, url_path: /health, admin_state_up: false}, members: [${member(app)}]}
`;
    const { code, codes, report } = await run('check-off', inventory);
    expect(codes).toEqual(['unhealthy-backend/health-check-disabled']);
    expect(report.findings[0]!.title).toBe("app's health check is disabled");
    expect(report.findings[0]!.severity).toBe('warn');
    expect(code).toBe(0);
    expect((await run('check-off', inventory, '--fail-on', 'warn')).code).toBe(1);
  });

  it('the inventory has no health monitor: the operator answers --set health_check_enabled=false', async () => {
    const inventory = `${lb}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: app}]
pools:
  - {id: app, protocol: HTTP, members: [${member(app)}]}
`;
    const answered = await run('check-answered', inventory, '--set', 'health_check_enabled=false');
    expect(answered.codes).toEqual(['unhealthy-backend/health-check-disabled']);
    expect(answered.report.facts).toContainEqual(
      expect.objectContaining({ key: 'health_check_enabled@pool:app', value: false, source: 'set' }),
    );
    // Answered "on": the walk goes on and checks the member for real, which passes.
    const on = await run('check-on', inventory, '--set', 'health_check_enabled=true');
    expect(on.codes).toEqual(['unhealthy-backend/members-healthy']);
  });

  it('a group no listener uses: named once however many members it has; the attached group is checked as usual', async () => {
    const { codes, report } = await run(
      'not-attached',
      `${lb}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: app}]
pools:
  - {id: app, protocol: HTTP, healthmonitor: {type: HTTP, url_path: /health}, members: [${member(app)}]}
  - id: spare
    protocol: HTTP
    healthmonitor: {type: HTTP, url_path: /health}
    members: [${member(spare)}, {name: spare2, address: 127.0.0.2, protocol_port: ${spare.port}}]
`,
    );
    expect(codes).toEqual(['unhealthy-backend/members-healthy', 'unhealthy-backend/pool-not-attached']);
    const finding = report.findings.find((f) => f.code === 'unhealthy-backend/pool-not-attached')!;
    expect(finding.title).toBe('spare is not used by any listener');
    expect(finding.severity).toBe('error');
  });

  it('a TCP listener on a load balancer with neither a private IP nor an EIP', async () => {
    const { code, codes, report } = await run(
      'no-vip',
      `loadbalancer: {name: lb, type: shared}
listeners: [{name: tcp, protocol: TCP, protocol_port: 3306, default_pool_id: db}]
pools:
  - {id: db, protocol: TCP, healthmonitor: {type: TCP}, members: [${member(app)}]}
`,
    );
    expect(codes).toEqual(['unhealthy-backend/no-vip-for-l4']);
    expect(report.findings[0]!.title).toBe('lb has no private IP or EIP for its TCP listener');
    expect(code).toBe(1);
  });

  it('the same layer-4 listener with a private IP: no such finding (the twin)', async () => {
    const { code, codes } = await run(
      'vip',
      `loadbalancer: {name: lb, type: shared, vip_address: 127.0.0.1}
listeners: [{name: tcp, protocol: TCP, protocol_port: 3306, default_pool_id: db}]
pools:
  - {id: db, protocol: TCP, healthmonitor: {type: TCP}, members: [${member(app)}]}
`,
    );
    expect(codes).toEqual(['unhealthy-backend/members-healthy']);
    expect(code).toBe(0);
  });
});
