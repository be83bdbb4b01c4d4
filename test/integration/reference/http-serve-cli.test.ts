// `lbdoctor reference serve` as a user runs it: a child process on the built
// CLI (run `npm run build` first), logs on stderr, SIGTERM drains the request
// in flight and exits 0 (FAQ 5.2).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseElbAccessLog } from '../../../src/accesslog/parse.js';
import { backend, closedPort, get, rawBackend, rawRequest } from './http-harness.js';

const bin = resolve(import.meta.dirname, '../../../bin/lbdoctor.js');
const built = existsSync(resolve(import.meta.dirname, '../../../dist/cli/main.js'));
if (!built) console.warn('skipping `reference serve` CLI tests: dist/ is missing; run `npm run build` first');

/** Collects a child's stderr from the start, so no line is missed between two waits. */
function stderrOf(child: ChildProcess) {
  let text = '';
  const waiters = new Set<() => void>();
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of waiters) w();
  });
  return {
    waitFor(re: RegExp, ms = 15_000): Promise<RegExpExecArray> {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (!m) return false;
          waiters.delete(onData);
          clearTimeout(t);
          resolvePromise(m);
          return true;
        };
        const onData = () => {
          check();
        };
        const t = setTimeout(() => {
          waiters.delete(onData);
          reject(new Error(`no line matching ${re} within ${ms} ms; stderr so far:\n${text}`));
        }, ms);
        if (!check()) waiters.add(onData);
      });
    },
  };
}

describe.skipIf(!built)('lbdoctor reference serve', () => {
  it('serves the inventory, writes access logs, and drains on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbd-serve-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    let finishSlow: () => void = () => {};
    let slowArrived: () => void = () => {};
    const arrived = new Promise<void>((r) => {
      slowArrived = r;
    });
    const be = await backend((req, res) => {
      if (req.url === '/slow') {
        finishSlow = () => res.end('slow done');
        slowArrived();
        return;
      }
      res.end('fast');
    });
    onTestFinished(be.close);
    const port = await closedPort();
    const inventory = join(dir, 'inventory.yaml');
    const accessLog = join(dir, 'access.log');
    await writeFile(
      inventory,
      `loadbalancer: { name: lb-cli, type: dedicated }
listeners: [{ name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: p }]
pools: [{ id: p, protocol: HTTP, members: [{ name: be, address: 127.0.0.1, protocol_port: ${be.port} }] }]
`,
    );
    const child = spawn(
      process.execPath,
      [bin, 'reference', 'serve', '--config', inventory, '--admin-port', '0', '--access-log', accessLog],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const stderr = stderrOf(child);
    const listening = await stderr.waitFor(/listener web \(HTTP\) on 127\.0\.0\.1:(\d+)/);
    expect(Number(listening[1])).toBe(port);
    const ready = await stderr.waitFor(/ready: 1 listener\(s\), admin (http:\/\/\S+)/);
    const status = (await (await fetch(`${ready[1]}/status`)).json()) as { listeners: { name: string }[] };
    expect(status.listeners.map((l) => l.name)).toEqual(['web']);

    expect((await get(port, '/fast')).body).toBe('fast');
    const slow = get(port, '/slow');
    await arrived;
    child.kill('SIGTERM');
    await stderr.waitFor(/SIGTERM: draining/);
    finishSlow();
    const r = await slow;
    expect([r.status, r.body]).toEqual([200, 'slow done']);
    expect(await exited).toBe(0);
    const log = parseElbAccessLog(await readFile(accessLog, 'utf8'), accessLog);
    expect(log.errors).toEqual([]);
    expect(log.records.map((x) => [x.uri, x.status])).toEqual([
      ['/fast', 200],
      ['/slow', 200],
    ]);
  });

  it('a member that cuts its body short: warning on stderr, counted in /metrics, status as sent in the log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbd-serve-cut-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const member = await rawBackend((s) => {
      s.once('data', () => {
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`);
        setTimeout(() => s.end(), 50);
      });
    });
    onTestFinished(member.close);
    const port = await closedPort();
    const inventory = join(dir, 'inventory.yaml');
    const accessLog = join(dir, 'access.log');
    await writeFile(
      inventory,
      `loadbalancer: { name: lb-cli, type: dedicated }
listeners: [{ name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: p }]
pools: [{ id: p, name: pool-web, protocol: HTTP, members: [{ name: be, address: 127.0.0.1, protocol_port: ${member.port} }] }]
`,
    );
    const child = spawn(
      process.execPath,
      [bin, 'reference', 'serve', '--config', inventory, '--admin-port', '0', '--access-log', accessLog],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const stderr = stderrOf(child);
    const ready = await stderr.waitFor(/ready: 1 listener\(s\), admin (http:\/\/\S+)/);
    const res = await rawRequest(port, 'GET /cut HTTP/1.1\r\nHost: a\r\n\r\n', { quietMs: 2000 });
    expect(res).toMatchObject({ status: 200, closed: true, reset: false });
    expect(res.body).toHaveLength(100);
    const warn = await stderr.waitFor(/warn upstream prematurely closed connection while reading upstream.*/);
    expect(warn[0]).toContain('listener=web');
    expect(warn[0]).toContain('member=be');
    expect(warn[0]).toContain(`upstream=127.0.0.1:${member.port}`);
    const metrics = await (await fetch(`${ready[1]}/metrics`)).text();
    expect(metrics).toMatch(
      /lbdoctor_http_responses_cut_total\{listener="web",pool="pool-web",member="be",cause="member-closed"\} 1/,
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const log = parseElbAccessLog(await readFile(accessLog, 'utf8'), accessLog);
    expect(log.errors).toEqual([]);
    expect(log.records.map((x) => [x.uri, x.status, x.upstream[0]?.status, x.bodyBytesSent])).toEqual([
      ['/cut', 200, 200, 100],
    ]);
  });

  it('exits 2 with located problems for an inventory the reference LB cannot run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbd-serve-bad-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const inventory = join(dir, 'bad.yaml');
    await writeFile(
      inventory,
      `loadbalancer: { name: lb, type: shared }
listeners: [{ name: web, protocol: HTTP, protocol_port: 8080, default_pool_id: p }]
pools: [{ id: p, protocol: TCP }]
`,
    );
    const child = spawn(process.execPath, [bin, 'reference', 'serve', '--config', inventory], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('LBD_ERR_INPUT');
    expect(stderr).toContain('listeners[0].default_pool_id');
    expect(stderr).toContain('5-4');
  });
});
