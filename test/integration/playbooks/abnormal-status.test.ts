// abnormal-status (FAQ 1.5, 1.7, 7.8) on real nginx: nginx as the load
// balancer refusing requests itself (its 400 for a header over its buffers and
// for plain HTTP on an HTTPS port, 413, 414, 501, its 502, a 429) and passing
// on the statuses nginx as the backend makes itself (401, 403 from a `deny`
// rule, 404 for a file that is not there, 500, 503, 418), a location that
// sends /api to the wrong upstream (the forwarding-policy 404), and the
// statuses clients report that a single request does not get. Each test
// asserts the conclusion and no wrong one. The reference-LB scenarios
// (src/lab/scenarios/abnormal-status.ts) run in scenario-diagnosis.test.ts.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
import { findScenario, scenarios } from '../../../src/lab/scenarios/index.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { makeCertificates } from '../../helpers/certs.js';
import { diagnose } from '../../helpers/diagnose.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

const codes = (r: RunResult) => r.findings.map((f) => f.code).sort();
const errors = (r: RunResult) =>
  r.findings
    .filter((f) => f.severity !== 'info')
    .map((f) => f.code)
    .sort();

if (nginxMissing) console.warn(`skipping the nginx abnormal-status tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('abnormal-status on real nginx', { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  let dir: string;
  let certPath: string;
  let midBody: Server;
  const held = new Set<Socket>();
  const port: Record<string, number> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-abnormal-'));
    // nginx's workers serve files from it (an empty root: every file is missing, 404).
    await chmod(dir, 0o755);
    const certs = await makeCertificates(join(dir, 'tls'), [{ name: 'www', sans: ['www.example.com'] }]);
    certPath = certs.get('www').certPath;
    // A backend that sends a head and part of the body, then resets (the answer breaks off).
    midBody = createServer((s) => {
      held.add(s);
      s.on('error', () => {});
      s.once('data', () =>
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial', () =>
          setTimeout(() => s.resetAndDestroy(), 50),
        ),
      );
    });
    await new Promise<void>((r) => midBody.listen(0, '127.0.0.1', r));
    port.midBody = (midBody.address() as AddressInfo).port;
    for (const name of ['lb', 'lbStrict', 'lbTls', 'lbPolicy', 'lb429', 'lbDead', 'lbMid', 'app', 'files'])
      port[name] = await closedPort();
    port.dead = await closedPort();
    const proxy = (to: number) =>
      `proxy_pass http://127.0.0.1:${to}; proxy_set_header Host $http_host; proxy_http_version 1.1;`;
    nginx = await startNginx(
      [
        // nginx as the load balancer: passes on what the backend answers.
        `server { listen 127.0.0.1:${port.lb}; location / { ${proxy(port.app!)} } }`,
        // …refusing itself: headers over 1 KB (400), request lines over 1 KB (414), bodies over 10 bytes (413).
        `server { listen 127.0.0.1:${port.lbStrict}; large_client_header_buffers 4 1k; client_max_body_size 10;
           location / { ${proxy(port.app!)} } }`,
        `server { listen 127.0.0.1:${port.lbTls} ssl; ssl_certificate ${certs.get('www').certPath};
           ssl_certificate_key ${certs.get('www').keyPath}; location / { ${proxy(port.app!)} } }`,
        // A "forwarding policy" written too wide: /api goes to the static file servers.
        `server { listen 127.0.0.1:${port.lbPolicy}; location /a { ${proxy(port.files!)} } location / { ${proxy(port.app!)} } }`,
        `server { listen 127.0.0.1:${port.lb429}; location / { return 429 "slow down\\n"; } }`,
        `server { listen 127.0.0.1:${port.lbDead}; location / { ${proxy(port.dead!)} } }`,
        `server { listen 127.0.0.1:${port.lbMid}; location / { ${proxy(port.midBody!)} } }`,
        // nginx as the backend, answering by itself.
        `server { listen 127.0.0.1:${port.app}; root ${dir};
           location = /login { return 401 "who are you?\\n"; }
           location /private { deny all; }
           location /static/ { }
           location = /crash { return 500 "oops\\n"; }
           location = /maintenance { return 503 "maintenance\\n"; }
           location = /teapot { return 418 "short and stout\\n"; }
           location / { return 200 "app\\n"; } }`,
        `server { listen 127.0.0.1:${port.files}; root ${dir}; location / { } }`,
      ].join('\n'),
      Object.entries(port)
        .filter(([k]) => k !== 'midBody' && k !== 'dead')
        .map(([, p]) => p),
    );
  }, 60_000);
  afterAll(async () => {
    await nginx?.close();
    for (const s of held) s.destroy();
    midBody?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const inventory = (lb: string, o: { member?: number; protocol?: string } = {}) =>
    parseInventory(`
loadbalancer: {name: nginx, type: dedicated, vip_address: 127.0.0.1}
listeners:
  - {name: web, protocol: ${o.protocol ?? 'HTTP'}, protocol_port: ${port[lb]}, default_pool_id: app${o.protocol === 'HTTPS' ? ', default_tls_container_ref: www' : ''}}
pools: [{id: app, protocol: HTTP, members: [{name: app1, address: 127.0.0.1, protocol_port: ${o.member ?? port.app}}]}]
certificates: [{id: www, certificate: ${certPath}}]
`);
  const run = (
    lb: string,
    inputs: Record<string, string> = {},
    o: { member?: number; protocol?: string } = {},
  ) => diagnose('abnormal-status', { inventory: inventory(lb, o) }, { inputs });

  describe('the backend made it: the member gives the same status directly', () => {
    it.each([
      ['/login', 'backend-unauthorized'],
      ['/private/report', 'backend-forbidden'],
      ['/static/missing.css', 'backend-not-found'],
      ['/crash', 'backend-internal-error'],
      ['/maintenance', 'backend-unavailable'],
      ['/teapot', 'backend-other-status'],
    ])('%s → %s', async (path, conclusion) => {
      const result = await run('lb', { path });
      expect(codes(result)).toEqual([`abnormal-status/${conclusion}`]);
      expect(result.findings[0]!.cause).toMatch(/1 of 1 members give \d{3} to the same request directly/);
      expect(exitCodeFor(result, 'error')).toBe(1);
    });
  });

  describe('the load balancer made it: no member gives that status', () => {
    it('a Host header over its buffers: 400 from nginx, 200 from the member → lb-bad-request', async () => {
      const result = await run('lbStrict', { host: `${'a'.repeat(1500)}.example.com` });
      expect(errors(result)).toEqual(['abnormal-status/lb-bad-request']);
      expect(codes(result)).toContain('abnormal-status/member-answers-differently');
    });

    it('a request line over its buffers: 414 → uri-too-long', async () => {
      const result = await run('lbStrict', { path: `/search?q=${'x'.repeat(1500)}` });
      expect(errors(result)).toEqual(['abnormal-status/uri-too-long']);
      expect(result.findings.find((f) => f.conclusion === 'member-answers-differently')!.title).toContain(
        'answers 200 directly, the listener answered 414',
      );
    });

    it('a POST body over client_max_body_size: 413 → lb-body-too-large', async () => {
      const result = await run('lbStrict', { method: 'POST', path: '/upload', body: 'b'.repeat(100) });
      expect(errors(result)).toEqual(['abnormal-status/lb-body-too-large']);
    });

    it('Transfer-Encoding: gzip gets nginx 501 itself → unsupported-transfer-encoding, with and without --input status', async () => {
      const given = await run('lb', { transfer_encoding: 'gzip' });
      expect(codes(given)).toEqual(['abnormal-status/unsupported-transfer-encoding']);
      expect(given.findings[0]!.evidence.join('\n')).toMatch(
        /without the header: .* → 200[\s\S]*with it: .* → 501/,
      );
      const reported = await run('lb', { status: '501' });
      expect(codes(reported)).toEqual(['abnormal-status/unsupported-transfer-encoding']);
    });

    it('clients report 400 on an HTTPS listener: plain HTTP to its port gets nginx 400 → http-to-https-port', async () => {
      const result = await run('lbTls', { status: '400' }, { protocol: 'HTTPS' });
      expect(codes(result)).toEqual(['abnormal-status/http-to-https-port']);
      const text = result.findings[0]!.evidence.join('\n');
      expect(text).toMatch(/https: GET https:.* → 200/);
      expect(text).toMatch(/plain http: GET http:.* → 400/);
    });

    it('/api sent to the static pool by a policy: 404, but the default pool serves it → forwarding-policy-404', async () => {
      const result = await run('lbPolicy', { path: '/api/orders' });
      expect(errors(result)).toEqual(['abnormal-status/forwarding-policy-404']);
    });

    it("nginx's own 502, the member refusing → lb-gateway-error, and the member's refusal as a warning", async () => {
      const result = await run('lbDead', {}, { member: port.dead });
      expect(errors(result)).toEqual([
        'abnormal-status/lb-gateway-error',
        'abnormal-status/member-refuses-directly',
      ]);
      expect(result.findings.find((f) => f.conclusion === 'lb-gateway-error')!.see).toEqual([
        'gateway-errors',
      ]);
    });

    it('a 429 only the front answers → lb-other-status', async () => {
      const result = await run('lb429');
      expect(errors(result)).toEqual(['abnormal-status/lb-other-status']);
    });
  });

  describe('no status to attribute, or none observed', () => {
    it('the healthy twin: 200, info only, exit 0; a Transfer-Encoding it accepts changes nothing', async () => {
      const result = await run('lb');
      expect(codes(result)).toEqual(['abnormal-status/answer-ok']);
      expect(exitCodeFor(result, 'error')).toBe(0);
      const chunked = await run('lb', { transfer_encoding: 'chunked', method: 'POST' });
      expect(codes(chunked)).toEqual(['abnormal-status/answer-ok']);
    });

    it.each([
      ['408', 'client-request-timeout'],
      ['499', 'client-closed-499'],
      ['502', 'gateway-error-not-reproduced'],
      ['418', 'status-not-reproduced'],
      // 400 on a plain HTTP listener: no HTTPS port to send plain HTTP to.
      ['400', 'status-not-reproduced'],
    ])('clients report %s, this request gets 200 → %s (a warning)', async (status, conclusion) => {
      const result = await run('lb', { status });
      expect(codes(result)).toEqual([`abnormal-status/${conclusion}`]);
      expect(result.findings[0]!.severity).toBe('warn');
      expect(exitCodeFor(result, 'error')).toBe(0);
    });

    it('an answer that breaks off after its head → broke-off', async () => {
      const result = await run('lbMid', {}, { member: port.midBody });
      expect(codes(result)).toEqual(['abnormal-status/broke-off']);
    });

    it('a listener that refuses connections → no-answer', async () => {
      const result = await diagnose('abnormal-status', {
        target: { host: '127.0.0.1', port: port.dead!, raw: `127.0.0.1:${port.dead}` },
      });
      expect(codes(result)).toEqual(['abnormal-status/no-answer']);
      expect(exitCodeFor(result, 'error')).toBe(1);
    });

    it('an error status with no members to ask (--target) → unattributed, still an error', async () => {
      const result = await diagnose(
        'abnormal-status',
        { target: { host: '127.0.0.1', port: port.lb!, raw: `127.0.0.1:${port.lb}` } },
        { inputs: { path: '/private/x' } },
      );
      expect(codes(result)).toEqual(['abnormal-status/unattributed']);
      expect(exitCodeFor(result, 'error')).toBe(1);
    });
  });
});

/** `--input k=v` pairs of a scenario's runArgs, as diagnose() takes them. */
function inputsOf(runArgs: readonly string[] = []): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (let i = 0; i + 1 < runArgs.length; i++) {
    if (runArgs[i] !== '--input') continue;
    const [k, ...v] = runArgs[i + 1]!.split('=');
    inputs[k!] = v.join('=');
  }
  return inputs;
}

describe('abnormal-status on its reference-LB scenarios: that conclusion and no other error', {
  timeout: 60_000,
}, () => {
  it.each(scenarios.filter((s) => s.playbook === 'abnormal-status').map((s) => [s.id, s] as const))(
    '%s',
    async (_id, scenario) => {
      const running = await scenario.start();
      try {
        const result = await diagnose(
          'abnormal-status',
          { inventory: parseInventory(running.inventoryYaml) },
          { inputs: inputsOf(running.runArgs) },
        );
        const want = `abnormal-status/${scenario.conclusion}`;
        expect(codes(result)).toContain(want);
        // Besides it, only the members' direct answers (info).
        expect(errors(result)).toEqual(scenario.conclusion === 'answer-ok' ? [] : [want]);
        expect(exitCodeFor(result, 'error')).toBe(scenario.conclusion === 'answer-ok' ? 0 : 1);
      } finally {
        await running.close();
      }
    },
  );
});

describe('abnormal-status on the reference LB: x-router-code answers go to router-code', {
  timeout: 60_000,
}, () => {
  it('empty-pool (40000) → router-code-status', async () => {
    const running = await findScenario('empty-pool').start();
    try {
      const result = await diagnose('abnormal-status', { inventory: parseInventory(running.inventoryYaml) });
      expect(codes(result)).toEqual(['abnormal-status/router-code-status']);
      expect(result.findings[0]!.see).toEqual(['router-code']);
    } finally {
      await running.close();
    }
  });
});
