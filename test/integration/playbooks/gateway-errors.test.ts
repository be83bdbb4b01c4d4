// gateway-errors (FAQ 1.5 502/504, 5.6) on real third-party software: nginx as
// the load balancer in front (its own 502 and 504 pages, its upstream
// keep-alive) and as the backend (keepalive_timeout 1s, its own 502), with
// raw sockets for the backends nginx cannot imitate (RST on connect, a status
// line that is not HTTP, an RST mid-body, a full accept queue for the connect
// timeout). Each test asserts the one conclusion and no wrong one; the
// reference-LB scenarios run in test/integration/lab/scenario-diagnosis.test.ts,
// and the connect timeout, which no scenario has, runs on the reference LB here.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/engine.js';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { RunResult } from '../../../src/engine/result.js';
import { findScenario, scenarios } from '../../../src/lab/scenarios/index.js';
import { NGINX, startNginxProcess } from '../../../src/lab/nginx.js';
import { startLabReference } from '../../../src/lab/scenarios/reference.js';
import type { Inventory } from '../../../src/model/inventory.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../../src/playbook/load.js';
import { loadProbe } from '../../../src/probes/registry.js';
import { createLocalVantage } from '../../../src/runners/local-vantage.js';
import type { Vantage } from '../../../src/runners/types.js';
import { localDialer } from '../../../src/transport/dialers/local.js';
import { diagnose } from '../../helpers/diagnose.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

const codes = (r: RunResult) => r.findings.map((f) => f.code).sort();
const servers: Server[] = [];
const sockets = new Set<Socket>();

/** A TCP server on 127.0.0.1 handing each connection to `onSocket`; closed after all tests. */
async function serve(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Answers each request head with `answer`, then `after(socket)`. */
function onRequest(answer: string, after: (s: Socket) => void = () => {}) {
  return (s: Socket) => {
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n')) return;
      buf = '';
      s.write(answer, () => after(s));
    });
  };
}

/**
 * A port whose SYNs go unanswered without root or firewall rules: a process
 * listens with a tiny backlog and never accepts (its event loop is blocked),
 * and the accept queue is filled, so the kernel drops every new SYN (listen
 * overflow) — what a member behind a dropping security group looks like.
 */
async function blackhole(): Promise<{ port: number; child: ChildProcess; fillers: Socket[] }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer();
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         process.stdout.write(s.address().port + '\\n');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`blackhole exited ${code}`)));
  });
  const fillers: Socket[] = [];
  // Connect until one handshake does not complete: from then on the queue is full.
  for (let i = 0; i < 16; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
    const opened = await new Promise<boolean>((r) => {
      const t = setTimeout(() => r(false), 400);
      s.once('connect', () => {
        clearTimeout(t);
        r(true);
      });
    });
    if (!opened) return { port, child, fillers };
  }
  throw new Error('the accept queue never filled');
}

const inventoryFor = (
  lbPort: number,
  memberPort: number,
  listener = '',
  o: { poolProtocol?: string; memberAddress?: string } = {},
) =>
  parseInventory(`
loadbalancer: {name: nginx, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${lbPort}, default_pool_id: app${listener}}]
pools:
  - id: app
    protocol: ${o.poolProtocol ?? 'HTTP'}
    members: [{name: app1, address: ${o.memberAddress ?? '127.0.0.1'}, protocol_port: ${memberPort}}]
`);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

if (nginxMissing) console.warn(`skipping the nginx gateway-errors tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('gateway-errors on real nginx', { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  let hole: Awaited<ReturnType<typeof blackhole>>;
  const port: Record<string, number> = {};
  const be: Record<string, number> = {};

  beforeAll(async () => {
    be.closed = await closedPort();
    be.silent = await serve(() => {});
    be.reset = await serve((s) => s.resetAndDestroy());
    be.noAnswer = await serve((s) => s.on('data', () => s.end()));
    // nginx reads a status line that is not HTTP as HTTP/0.9 and waits; an invalid header it refuses at once.
    be.garbage = await serve(
      onRequest('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nno colon \x01 here\r\n\r\nok'),
    );
    be.midBody = await serve(
      onRequest('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial', (s) =>
        setTimeout(() => s.resetAndDestroy(), 50),
      ),
    );
    hole = await blackhole();
    be.hole = hole.port;
    for (const name of ['appShortKa', 'appOk', 'app502']) be[name] = await closedPort();
    for (const name of [
      'lbClosed',
      'lbRead',
      'lbConnect',
      'lbReset',
      'lbGarbage',
      'lbMid',
      'lbKa',
      'lbOk',
      'lb502',
      'lbNoAnswer',
      'lbTls',
    ])
      port[name] = await closedPort();
    const lb = (listen: number, upstream: string, extra = '') =>
      `server { listen 127.0.0.1:${listen}; location / { proxy_pass ${upstream}; ${extra} } }`;
    nginx = await startNginx(
      [
        // nginx as the load balancer, keeping idle connections to its members like ELB (FAQ 7.8).
        `upstream ka { server 127.0.0.1:${be.appShortKa}; keepalive 8; }`,
        `upstream ok { server 127.0.0.1:${be.appOk}; keepalive 8; }`,
        lb(port.lbClosed!, `http://127.0.0.1:${be.closed}`),
        lb(port.lbRead!, `http://127.0.0.1:${be.silent}`, 'proxy_read_timeout 1s;'),
        lb(port.lbConnect!, `http://127.0.0.1:${be.hole}`, 'proxy_connect_timeout 1s;'),
        lb(port.lbReset!, `http://127.0.0.1:${be.reset}`),
        lb(port.lbGarbage!, `http://127.0.0.1:${be.garbage}`),
        lb(port.lbMid!, `http://127.0.0.1:${be.midBody}`),
        lb(port.lbKa!, 'http://ka', 'proxy_http_version 1.1; proxy_set_header Connection "";'),
        lb(port.lbOk!, 'http://ok', 'proxy_http_version 1.1; proxy_set_header Connection "";'),
        lb(port.lb502!, `http://127.0.0.1:${be.app502}`),
        lb(port.lbNoAnswer!, `http://127.0.0.1:${be.noAnswer}`),
        lb(port.lbTls!, `https://127.0.0.1:${be.appOk}`),
        // nginx as the backend.
        `server { listen 127.0.0.1:${be.appShortKa}; keepalive_timeout 1s; location / { return 200 "short keep-alive\\n"; } }`,
        `server { listen 127.0.0.1:${be.appOk}; location / { return 200 "ok\\n"; } }`,
        `server { listen 127.0.0.1:${be.app502}; location / { return 502 "my own upstream is gone\\n"; } }`,
      ].join('\n'),
      [...Object.values(port), be.appShortKa!, be.appOk!, be.app502!],
    );
  });
  afterAll(async () => {
    await nginx?.close();
    for (const s of hole?.fillers ?? []) s.destroy();
    hole?.child.kill();
  });

  it("nginx's own 502 for a closed backend port: wrong-backend-port", async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lbClosed!, be.closed!) });
    expect(codes(result)).toEqual(['gateway-errors/wrong-backend-port']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/through the listener: .* → 502/);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('504 after proxy_read_timeout, the member silent: response-timeout', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbRead!, be.silent!, ', member_timeout: 1'),
    });
    expect(codes(result)).toEqual(['gateway-errors/response-timeout']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/→ 504/);
    expect(result.findings[0]!.evidence.join('\n')).toContain('member_timeout): 1');
  });

  it('504 after proxy_connect_timeout, SYNs dropped at the member: connect-timeout', async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lbConnect!, be.hole!) });
    expect(codes(result)).toEqual(['gateway-errors/connect-timeout']);
    const text = result.findings[0]!.evidence.join('\n');
    expect(text).toMatch(/through the listener: .* → 504/);
    expect(text).toMatch(/directly: .*did not answer \(timeout/);
  });

  it('502 for a member that resets on connect: backend-reset-on-connect', async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lbReset!, be.reset!) });
    expect(codes(result)).toEqual(['gateway-errors/backend-reset-on-connect']);
  });

  it('502 for an invalid response header: malformed-response', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbGarbage!, be.garbage!),
    });
    expect(codes(result)).toEqual(['gateway-errors/malformed-response']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/→ 502/);
  });

  it('a truncated answer when the member resets mid-body: backend-reset-mid-response', async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lbMid!, be.midBody!) });
    expect(codes(result)).toEqual(['gateway-errors/backend-reset-mid-response']);
  });

  it('nginx with keepalive_timeout 1s behind a keep-alive proxy: backend-keepalive-shorter, with both numbers', async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lbKa!, be.appShortKa!) });
    expect(codes(result)).toEqual(['gateway-errors/backend-keepalive-shorter']);
    const f = result.findings[0]!;
    // The listener answered 200 to this one request: the race is intermittent, the evidence is the idle close.
    expect(f.evidence.join('\n')).toMatch(/through the listener: .* → 200/);
    expect(f.cause).toMatch(/after 1(\.\d)? s/);
    expect(f.cause).toMatch(/\(1(\.\d)? s < 60 s\)/);
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('a member that itself answers 502 (its own upstream): member-answers-error, not the load balancer', async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lb502!, be.app502!) });
    expect(codes(result)).toEqual(['gateway-errors/member-answers-error']);
  });

  it('a 502 whose cause is not visible from here (the inventory member answers): no-cause-found, an error', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbClosed!, be.appOk!, ', keepalive_timeout: 2'),
    });
    expect(codes(result)).toEqual(['gateway-errors/no-cause-found']);
    expect(result.findings[0]!.cause).toContain('Ruled out on this member');
    expect(exitCodeFor(result, 'error')).toBe(1);
  });

  it('the healthy twin: 200, the member outlasts the listener idle timeout, info only, exit 0', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbOk!, be.appOk!, ', keepalive_timeout: 2'),
    });
    expect(codes(result)).toEqual(['gateway-errors/listener-ok']);
    expect(result.findings[0]!.evidence.join('\n')).toContain('longer than the load balancer');
    expect(exitCodeFor(result, 'error')).toBe(0);
  });

  it('502 for a member that closes without answering: backend-closed-without-response', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbNoAnswer!, be.noAnswer!),
    });
    expect(codes(result)).toEqual(['gateway-errors/backend-closed-without-response']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/through the listener: .* → 502/);
  });

  it('502 for an HTTPS pool whose member speaks plain HTTP: backend-tls-error', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbTls!, be.appOk!, '', { poolProtocol: 'HTTPS' }),
    });
    expect(codes(result)).toEqual(['gateway-errors/backend-tls-error']);
    expect(result.findings[0]!.evidence.join('\n')).toMatch(/→ 502/);
  });

  it('a member with no route to it (ENETUNREACH): member-unreachable', async () => {
    const result = await diagnose('gateway-errors', {
      inventory: inventoryFor(port.lbClosed!, 80, '', { memberAddress: '224.0.0.1' }),
    });
    expect(codes(result)).toEqual(['gateway-errors/member-unreachable']);
  });

  it('a member silent for longer than the probe while the listener answered: member-slow, a warning', async () => {
    const result = await diagnose('gateway-errors', { inventory: inventoryFor(port.lbOk!, be.silent!) });
    expect(codes(result)).toEqual(['gateway-errors/member-slow']);
    expect(result.findings[0]!.severity).toBe('warn');
  });

  it('no members to ask (--target): an error status stays an error, a 200 is info', async () => {
    const target = (p: number) => ({ target: { host: '127.0.0.1', port: p, raw: `127.0.0.1:${p}` } });
    const failing = await diagnose('gateway-errors', target(port.lbClosed!));
    expect(codes(failing)).toEqual(['gateway-errors/cannot-ask-members']);
    expect(exitCodeFor(failing, 'error')).toBe(1);
    const fine = await diagnose('gateway-errors', target(port.lbOk!));
    expect(codes(fine)).toEqual(['gateway-errors/listener-answered-no-members']);
    expect(exitCodeFor(fine, 'error')).toBe(0);
  });

  it('a 4xx is not a gateway error: handed to abnormal-status as an error', async () => {
    const result = await diagnose(
      'gateway-errors',
      { inventory: inventoryFor(port.lbOk!, be.appOk!) },
      { inputs: { path: '/%zz' } },
    );
    expect(codes(result)).toEqual(['gateway-errors/client-error-status']);
    expect(result.findings[0]!.see).toEqual(['abnormal-status']);
  });
});

describe.skipIf(!!nginxMissing)(
  "gateway-errors reads the member's nginx keepalive_timeout where it has SSH",
  { timeout: 60_000 },
  () => {
    let nginx: Awaited<ReturnType<typeof startNginxProcess>> | undefined;
    let prefix: string;
    afterAll(async () => {
      await nginx?.stop();
      if (prefix) await rm(prefix, { recursive: true, force: true });
    });

    it('the race measured, and the line of nginx -T that sets it named (SSH reads answered with the real nginx -T)', async () => {
      prefix = await mkdtemp(join(tmpdir(), 'lbd-nginx-ka-'));
      const lbPort = await closedPort();
      const appPort = await closedPort();
      nginx = await startNginxProcess({
        prefix,
        servers: [
          `upstream app { server 127.0.0.1:${appPort}; keepalive 8; }`,
          `server { listen 127.0.0.1:${lbPort}; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
          `server { listen 127.0.0.1:${appPort};\n  keepalive_timeout 1s;\n  location / { return 200 "app\\n"; } }`,
        ].join('\n'),
        waitFor: [
          { host: '127.0.0.1', port: lbPort },
          { host: '127.0.0.1', port: appPort },
        ],
      });
      // What `nginx -T` prints on that host: the allow-listed read the member's SSH vantage would run.
      const nginxT = await new Promise<string>((resolve, reject) =>
        execFile(NGINX!, ['-T', '-p', prefix, '-c', join(prefix, 'nginx.conf')], (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      const reads: string[] = [];
      const member = (name: string): Vantage => ({
        name,
        dialer: localDialer,
        host: {
          host: name,
          async read(requests) {
            reads.push(...requests.map((r) => `${name}:${r.id}`));
            return requests.map((r) => ({
              id: r.id,
              args: r.args ?? [],
              exitCode: r.id === 'nginx-config' ? 0 : 127,
              stdout: r.id === 'nginx-config' ? nginxT : '',
              stderr: '',
            }));
          },
        },
        timings: {},
      });
      const inventory = parseInventory(`
loadbalancer: {name: nginx, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${lbPort}, default_pool_id: app}]
pools: [{id: app, protocol: HTTP, members: [{name: app1, address: 127.0.0.1, protocol_port: ${appPort}}]}]
hosts: {app1: {ssh: "ssh://root@127.0.0.1"}}
`);
      const { playbook } = await findPlaybook('gateway-errors', [BUNDLED_PLAYBOOKS]);
      const local = createLocalVantage();
      const result = await runPlaybook({
        playbook,
        inventory,
        loadProbe,
        vantages: { local: () => local, forHost: async (name) => member(name), close: async () => {} },
        facts: { set: new Map(), answers: {} },
        timeoutMs: 5000,
        toolVersion: 'test',
      });
      expect(codes(result)).toEqual(['gateway-errors/backend-keepalive-shorter']);
      expect(reads).toEqual(['app1:nginx-config']);
      const f = result.findings[0]!;
      const conf = join(prefix, 'nginx.conf');
      expect(f.evidence.join('\n')).toContain(
        `configuration: nginx on port ${appPort}: keepalive_timeout 1 s (${conf}:`,
      );
      expect(f.fix[0]).toMatch(
        new RegExp(
          `^${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: set the idle keep-alive timeout above 60 s`,
        ),
      );
    });
  },
);

describe('gateway-errors on its reference-LB scenarios: that conclusion and no other', {
  timeout: 60_000,
}, () => {
  it.each(scenarios.filter((s) => s.playbook === 'gateway-errors').map((s) => [s.id, s] as const))(
    '%s',
    async (_id, scenario) => {
      const running = await scenario.start();
      try {
        const result = await diagnose('gateway-errors', { inventory: parseInventory(running.inventoryYaml) });
        expect(codes(result)).toEqual([`gateway-errors/${scenario.conclusion}`]);
        expect(exitCodeFor(result, 'error')).toBe(1);
      } finally {
        await running.close();
      }
    },
  );
});

describe('gateway-errors on the reference LB: x-router-code is not a gateway error', {
  timeout: 60_000,
}, () => {
  it('empty-pool (40000): router-code-answer, handed to router-code', async () => {
    const running = await findScenario('empty-pool').start();
    try {
      const result = await diagnose('gateway-errors', { inventory: parseInventory(running.inventoryYaml) });
      expect(codes(result)).toEqual(['gateway-errors/router-code-answer']);
      expect(result.findings[0]!.see).toEqual(['router-code']);
      expect(exitCodeFor(result, 'error')).toBe(1);
    } finally {
      await running.close();
    }
  });
});

describe('gateway-errors on the reference LB: the 5 s connect timeout (FAQ 1.5: 504)', {
  timeout: 60_000,
}, () => {
  let hole: Awaited<ReturnType<typeof blackhole>> | undefined;
  afterAll(() => {
    for (const s of hole?.fillers ?? []) s.destroy();
    hole?.child.kill();
  });

  it('a member that drops SYNs: the reference LB answers 504 after 5 s, connect-timeout', async () => {
    hole = await blackhole();
    const lbPort = await closedPort();
    const inventory: Inventory = parseInventory(`
loadbalancer: {name: ref, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${lbPort}, default_pool_id: app}]
pools: [{id: app, protocol: HTTP, members: [{name: app1, address: 127.0.0.1, protocol_port: ${hole.port}}]}]
reference: {admin_port: ${await closedPort()}}
`);
    const reference = await startLabReference(inventory);
    try {
      // The listener's 504 comes at 5 s: give the probes 8 s, as `--timeout 8s` would.
      const { playbook } = await findPlaybook('gateway-errors', [BUNDLED_PLAYBOOKS]);
      const local = createLocalVantage();
      const result = await runPlaybook({
        playbook,
        inventory,
        loadProbe,
        vantages: {
          local: () => local,
          forHost: () => Promise.reject(new Error('no SSH')),
          close: async () => {},
        },
        facts: { set: new Map(), answers: {} },
        timeoutMs: 8000,
        toolVersion: 'test',
      });
      expect(codes(result)).toEqual(['gateway-errors/connect-timeout']);
      expect(result.findings[0]!.evidence.join('\n')).toMatch(/through the listener: .* → 504/);
    } finally {
      await reference.close();
    }
  });
});
