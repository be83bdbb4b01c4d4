// client-ip (FAQ 3.9) at Layer 7 against a real nginx on loopback that writes
// a real access log; the members' "SSH" vantage is this machine, so the
// allow-listed reads (`tail -n N LOG`, `cat CONFIG`) run here. The paths the
// lab tests cannot take: the configuration read is not the one nginx runs,
// the log does not settle it, no SSH, and a listener that does not answer.
// The request comes from 127.0.0.1, inside the range the inventory gives the
// load balancer, so nginx logs "the load balancer" as the lab's would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/engine.js';
import type { RunResult } from '../../../src/engine/result.js';
import { closedTcpPort, freeTcpPort } from '../../../src/lab/scenarios/free-port.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../../src/playbook/load.js';
import { loadProbe } from '../../../src/probes/registry.js';
import { createLocalVantage } from '../../../src/runners/local-vantage.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

if (nginxMissing) console.warn(`skipping the client-ip nginx tests: ${nginxMissing}`);

let dir: string;
let nginx: RunningNginx | undefined;
let port: number;
const files = { log: '', otherLog: '', conf: '' };

type Setup = { port?: number; ssh?: boolean; members?: 1 | 2 };

// be2 (a second member, both read through this machine) is only there to take its share of requests.
const inventory = (o: Setup = {}) =>
  parseInventory(`
loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1, vip_subnet_cidr: 127.0.0.0/8}
listeners: [{name: web, protocol: HTTP, protocol_port: ${o.port ?? port}, default_pool_id: p}]
pools: [{id: p, protocol: HTTP, members: [{name: be1, address: 127.0.0.1, protocol_port: ${o.port ?? port}}${o.members === 2 ? ', {name: be2, address: 127.0.0.2, protocol_port: 80}' : ''}]}]
${o.ssh === false ? '' : `hosts: {be1: {ssh: "ssh://root@127.0.0.1"}${o.members === 2 ? ', be2: {ssh: "ssh://root@127.0.0.2"}' : ''}}`}
`);

async function run(inputs: Record<string, string>, o: Setup = {}): Promise<RunResult> {
  const { playbook } = await findPlaybook('client-ip', [BUNDLED_PLAYBOOKS]);
  const local = createLocalVantage();
  return runPlaybook({
    playbook,
    inventory: inventory(o),
    inputs,
    loadProbe,
    vantages: { local: () => local, forHost: async () => local, close: async () => {} },
    facts: { set: new Map(), answers: {} },
    timeoutMs: 5000,
    toolVersion: 'test',
  });
}

const findings = (r: RunResult) => r.findings.map((f) => [f.code, f.severity]);

describe.skipIf(nginxMissing !== undefined)(
  'client-ip on a real nginx (loopback)',
  { timeout: 30_000 },
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lbd-clientip-'));
      files.log = join(dir, 'be1-access.log');
      files.otherLog = join(dir, 'other-access.log');
      files.conf = join(dir, 'nginx.conf');
      port = await freeTcpPort();
      // Runs without real_ip: it logs whoever connected.
      nginx = await startNginx(
        `server { listen 127.0.0.1:${port}; access_log ${files.log} combined; location / { return 200 "be1\\n"; } }`,
        [port],
      );
      // A configuration that trusts the range, but not the one nginx runs with.
      writeFileSync(
        files.conf,
        'http { server { set_real_ip_from 127.0.0.0/8; real_ip_header X-Forwarded-For; } }\n',
      );
      // Another server's log: real lines, none of them the marked request.
      writeFileSync(
        files.otherLog,
        '127.0.0.9 - - [28/Nov/2026:09:47:41 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/7.88.1"\n',
      );
    });
    afterAll(async () => {
      await nginx?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the log shows the load balancer although the configuration read trusts it: app-sees-lb-address', async () => {
      const r = await run({ backend_log: files.log, server_config: files.conf });
      expect(findings(r)).toEqual([['client-ip/app-sees-lb-address', 'error']]);
      expect(r.findings[0]!.evidence.join('\n')).toMatch(
        /logged \/lbdoctor-client-ip\?lbdoctor-run=[0-9a-f]{12}&listener=1 as from 127\.0\.0\.1/,
      );
    });

    it('be1, the only member, does not log the request, the configuration trusts the range: request-not-logged', async () => {
      const r = await run({ backend_log: files.otherLog, server_config: files.conf });
      expect(findings(r)).toEqual([['client-ip/request-not-logged', 'warn']]);
      expect(r.findings[0]!.evidence.join('\n')).toContain("this run's request");
    });

    it('with two members the request may have gone to the other: the configuration decides, real-ip-config-ok', async () => {
      const r = await run({ backend_log: files.otherLog, server_config: files.conf }, { members: 2 });
      expect(findings(r)).toEqual([
        ['client-ip/real-ip-config-ok', 'info'],
        ['client-ip/real-ip-config-ok', 'info'],
      ]);
    });

    it('no SSH to the member: member-not-readable (warning), nothing guessed', async () => {
      const r = await run({ backend_log: files.log, server_config: files.conf }, { ssh: false });
      expect(findings(r)).toEqual([['client-ip/member-not-readable', 'warn']]);
    });

    it('a listener that does not answer: listener-unreachable (error)', async () => {
      const closed = await closedTcpPort();
      const r = await run({ backend_log: files.log, server_config: files.conf }, { port: closed });
      expect(findings(r)).toEqual([['client-ip/listener-unreachable', 'error']]);
    });
  },
);
