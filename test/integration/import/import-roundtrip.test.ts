// Each import source end to end, as a user runs it on the built CLI: import
// the saved outputs → validate → `reference serve` runs the inventory → a
// playbook diagnoses a reproduced fault on it, from the file and with
// `run --from` straight from the saved outputs. The fixtures describe one
// listener and a pool of two members; here app1 is a real nginx answering
// 200 and nothing listens on app2's port, so `unhealthy-backend` must name
// app2 `port-not-listening` and raise no error about app1.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { closedTcpPort, freeTcpPort } from '../../../src/lab/scenarios/free-port.js';
import { lbdoctor } from '../../helpers/cli.js';
import { startFakeElbApi } from '../../helpers/fake-elb-api.js';
import { nginxMissing, startNginx } from '../../helpers/nginx.js';

const root = resolve(import.meta.dirname, '../../..');
const fixtures = join(root, 'test/fixtures/import');
const built = existsSync(join(root, 'dist/cli/main.js'));
if (!built) console.warn('skipping the import round trips: dist/ is missing; run `npm run build` first');
if (nginxMissing) console.warn(`skipping the import round trips: ${nginxMissing}`);

/** The fixture with its placeholder ports (18080 listener, 18091 app1, 18092 app2) made real. */
async function placeFixture(from: string, to: string, ports: Record<string, number>): Promise<void> {
  await cp(from, to, { recursive: true });
  const files = (await stat(to)).isDirectory() ? (await readdir(to)).map((f) => join(to, f)) : [to];
  for (const file of files) {
    let text = await readFile(file, 'utf8');
    for (const [placeholder, port] of Object.entries(ports))
      text = text.replaceAll(placeholder, String(port));
    await writeFile(file, text);
  }
}

function serve(inventory: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/lbdoctor.js'), 'reference', 'serve', '--config', inventory, '--admin-port', '0'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((ready, fail) => {
    let text = '';
    const t = setTimeout(() => fail(new Error(`reference serve not ready in 15 s:\n${text}`)), 15_000);
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (/ready: /.test(text)) {
        clearTimeout(t);
        ready(child);
      }
    });
    child.on('exit', (code) => fail(new Error(`reference serve exited ${code}:\n${text}`)));
  });
}

const SOURCES = [
  ['elb-json', 'elb-json/shop'],
  ['octavia', 'octavia/shop'],
  ['terraform', 'terraform/huaweicloud-plan.json'],
  // The same saved responses, served by a stand-in for the ELB API.
  ['elb-api', 'elb-json/shop'],
] as const;
const SHOP_LB = '2b0b9b5c-5a48-4e1f-8c4b-6a1d3c2e9f10';

describe.skipIf(!built || !!nginxMissing)('inventory import round trip', { timeout: 60_000 }, () => {
  it.each(SOURCES)(
    '%s: import, validate, serve, diagnose a member with nothing listening',
    async (from, fixture) => {
      const dir = await mkdtemp(join(tmpdir(), `lbd-import-${from}-`));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const [lbPort, app1Port, app2Port] = [await freeTcpPort(), await freeTcpPort(), await closedTcpPort()];
      const nginx = await startNginx(
        `server { listen 127.0.0.1:${app1Port}; location / { return 200 "app1\\n"; } }`,
        [app1Port],
      );
      onTestFinished(() => nginx.close());
      const input = join(dir, 'saved');
      await placeFixture(join(fixtures, fixture), input, {
        '18080': lbPort as number,
        '18091': app1Port as number,
        '18092': app2Port as number,
      });
      const inventory = join(dir, 'inventory.yaml');
      let source = input;
      let env: Record<string, string> = {};
      if (from === 'elb-api') {
        const api = await startFakeElbApi(input, SHOP_LB);
        onTestFinished(() => api.close());
        source = `cn-north-4/${SHOP_LB}`;
        env = api.env();
      }

      const imported = await lbdoctor(
        ['inventory', 'import', '--from', from, source, '--output', inventory],
        {
          env,
        },
      );
      expect(imported.stderr).not.toMatch(/Error|at .*\.js/);
      expect(imported.code).toBe(0);
      const validated = await lbdoctor(['validate', inventory]);
      expect(validated.code, validated.stderr).toBe(0);

      const lb = await serve(inventory);
      onTestFinished(() => {
        if (lb.exitCode === null) lb.kill('SIGKILL');
      });
      // From the imported file, and straight from the saved outputs (`run --from`).
      for (const given of [
        ['--inventory', inventory],
        ['--from', `${from}:${source}`],
      ]) {
        const run = await lbdoctor(
          ['run', 'unhealthy-backend', ...given, '--non-interactive', '--format', 'json'],
          { timeoutMs: 50_000, env },
        );
        const report = JSON.parse(run.stdout) as {
          findings: { code: string; severity: string; title: string }[];
        };
        const errors = report.findings.filter((f) => f.severity === 'error');
        expect(errors.map((f) => f.code)).toContain('unhealthy-backend/port-not-listening');
        // Every error is about app2's port; app1 (nginx, 200) is healthy.
        for (const f of errors) expect(f.title).toContain(`127.0.0.1:${app2Port}`);
        expect(run.code).toBe(1);
      }
    },
  );
});
