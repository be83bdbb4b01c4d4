// client-499 (FAQ 7.9, 3.8). First on logs written here (every conclusion,
// each alone: a storm that waited on a slow backend, clients with a short
// timeout, a slow client network, a saturated EIP, clients leaving at random,
// no storm, no log, a log that is not ELB's), and on generated day-long logs
// (scripts/gen-access-log.mjs). Then on real nginx as the load balancer,
// logging its own 499s in the ELB layout ($request_time,
// $upstream_response_time, $tcpinfo_rtt) in front of a slow Node backend,
// diagnosed through the CLI as a user runs it. (A slow client network on real
// nginx needs netem to delay a client's packets, which this kernel lacks: its
// tcpinfo_rtt is proven on written lines.)
// The reference-LB scenarios run in test/integration/lab/scenario-diagnosis.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/engine/result.js';
import { type HttpBackend, startHttpBackend } from '../../../src/lab/backends/index.js';
import { impatientGet } from '../../../src/lab/scenarios/client-499.js';
import { lbdoctor } from '../../helpers/cli.js';
import { diagnose } from '../../helpers/diagnose.js';
import { answered, elbLog, type LineSpec, waiting499 } from '../../helpers/elb-log.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'lbd-499-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const target = { host: '127.0.0.1', port: 8080, raw: '127.0.0.1:8080' };
const codes = (r: RunResult) => r.findings.map((f) => f.code).sort();

function logFile(name: string, lines: readonly LineSpec[]): string {
  const p = join(dir, name);
  writeFileSync(p, elbLog(lines));
  return p;
}

const run = (file: string | undefined, set: Record<string, string> = {}) =>
  diagnose('client-499', { target }, { inputs: file ? { access_log: file } : {}, set });

describe('client-499 on written logs', () => {
  it('slow-upstream: 499s waiting on a backend whose answers take longer than the clients wait', async () => {
    const r = await run(
      logFile('slow.log', [...answered(20, 0.05), ...answered(5, 2.4, 30), ...waiting499(10, () => 0.8, 40)]),
    );
    expect(codes(r)).toEqual(['client-499/slow-upstream']);
    const f = r.findings[0]!;
    expect(f.severity).toBe('error');
    expect(f.cause).toMatch(/10 of 35 lines are 499 .* 10 of them were still waiting for a backend/);
    expect(f.cause).toMatch(/waited 0\.8\d* s .* took up to 2\.\d+ s to the first byte/);
    expect(f.cause).toMatch(/Most waited on be1 10\.0\.1\.12:8080 \(10 of them\)/);
    expect(f.chart).toMatchObject({
      unit: 'count',
      valueLabel: '499s',
      bars: [{ label: '10.0.1.12:8080', value: 10 }],
    });
  });

  it('slow-upstream: patient clients (10 s) that still got no first byte, even with every answer fast', async () => {
    const r = await run(logFile('stall.log', [...answered(100, 0.05), ...waiting499(10, () => 10.001, 100)]));
    expect(codes(r)).toEqual(['client-499/slow-upstream']);
  });

  it('client-timeout-short: clients leave at one short time while the backends answer quickly', async () => {
    const r = await run(
      logFile('timeout.log', [...answered(30, 0.08), ...waiting499(12, (i) => 0.2 + (i % 3) * 0.002, 40)]),
    );
    expect(codes(r)).toEqual(['client-499/client-timeout-short']);
    expect(r.findings[0]!.cause).toMatch(
      /request_time p50 0\.2\d* s, p90 0\.2\d* s .* client timeout read from the log: 0\.2 s/,
    );
  });

  it('network-rtt: the 499s come from clients whose round trip is far longer than everyone else’s', async () => {
    const r = await run(
      logFile('rtt.log', [
        ...answered(40, 0.08, 0, { rttUs: 2_000 }),
        ...waiting499(8, (i) => 0.3 + i * 0.15, 50, { rttUs: 400_000 }),
      ]),
    );
    expect(codes(r)).toEqual(['client-499/network-rtt']);
    const f = r.findings[0]!;
    expect(f.title).toMatch(/tcpinfo_rtt p50 40\d(\.\d)? ms against 2 ms/);
    expect(f.evidence.join('\n')).toMatch(/EIP bandwidth saturated: not known/);
  });

  it('bandwidth-saturated: the operator says the EIP bandwidth is used up (no slow backend in the log)', async () => {
    const lines = [
      ...answered(40, 0.08, 0, { rttUs: 2_000 }),
      ...waiting499(8, (i) => 0.3 + i * 0.15, 50, { rttUs: 400_000 }),
    ];
    const r = await run(logFile('bw.log', lines), { eip_bandwidth_saturated: 'true' });
    expect(codes(r)).toEqual(['client-499/bandwidth-saturated']);
    const timeout = await run(logFile('bw2.log', [...answered(30, 0.08), ...waiting499(12, () => 0.2, 40)]), {
      eip_bandwidth_saturated: 'true',
    });
    expect(codes(timeout)).toEqual(['client-499/bandwidth-saturated']);
    // Answered "no": the log decides.
    const no = await run(logFile('bw3.log', [...answered(30, 0.08), ...waiting499(12, () => 0.2, 40)]), {
      eip_bandwidth_saturated: 'false',
    });
    expect(codes(no)).toEqual(['client-499/client-timeout-short']);
  });

  it('clients-abort-early: 499s at scattered times, some during the answer, none past a normal answer', async () => {
    const r = await run(
      logFile('early.log', [
        ...answered(30, 0.3),
        ...waiting499(6, (i) => 0.01 + i * 0.04, 40),
        // Left during the answer (the backend had sent its head) and before any backend.
        { at: 50, status: 499, rt: 0.35, up: [{ status: 200, headerTime: 0.3, responseTime: 0.35 }] },
        { at: 51, status: 499, rt: 0.002, up: [] },
      ]),
    );
    expect(codes(r)).toEqual(['client-499/clients-abort-early']);
    expect(r.findings[0]!.severity).toBe('warn');
    expect(r.findings[0]!.cause).toMatch(
      /6 left while a backend was working, 1 during the answer and 1 before any backend/,
    );
  });

  it('no-499-storm: a few 499s among many lines (info), and none at all', async () => {
    const few = await run(logFile('few.log', [...answered(400, 0.05), ...waiting499(2, () => 0.3, 400)]));
    expect(codes(few)).toEqual(['client-499/no-499-storm']);
    expect(few.findings[0]!.severity).toBe('info');
    const none = await run(logFile('none.log', answered(50, 0.05)));
    expect(codes(none)).toEqual(['client-499/no-499-storm']);
    expect(none.findings[0]!.title).toBe('No 499 storm: 0 499s in 50 lines');
  });

  it('no-access-log: without --input access_log it says what it needs (warn), never a silent pass', async () => {
    const r = await run(undefined);
    expect(codes(r)).toEqual(['client-499/no-access-log']);
    expect(r.findings[0]!.severity).toBe('warn');
    expect(r.findings[0]!.title).toMatch(/--input access_log=FILE/);
  });

  it('log-unreadable: a file that is not an ELB access log', async () => {
    const p = join(dir, 'combined.log');
    writeFileSync(p, '127.0.0.1 - - [25/Nov/2026:12:00:00 +0800] "GET / HTTP/1.1" 499 0 "-" "curl"\n');
    const r = await run(p);
    expect(codes(r)).toEqual(['client-499/log-unreadable']);
    expect(r.findings[0]!.title).toMatch(/not ELB access-log lines/);
  });
});

describe('client-499 on generated logs (scripts/gen-access-log.mjs)', () => {
  const gen = (name: string, args: string[]) => {
    const out = join(dir, name);
    execFileSync(process.execPath, [join(root, 'scripts', 'gen-access-log.mjs'), ...args, '--out', out]);
    return out;
  };

  it('a 15-minute storm in two hours (under 1 % of the day would hide it: the burst shows it) → slow-upstream', async () => {
    const file = gen('storm.log', [
      '--lines',
      '20000',
      '--duration',
      '2h',
      '--start',
      '2026-11-25T11:00:00+08:00',
      '--storm-499',
      '12:00/15m',
    ]);
    const r = await run(file);
    expect(codes(r)).toEqual(['client-499/slow-upstream']);
    expect(r.findings[0]!.cause).toMatch(/Most waited on be2 10\.0\.1\.\d+:8080/);
  });

  it('an ordinary day without a storm → no-499-storm', async () => {
    const r = await run(gen('calm.log', ['--lines', '20000', '--duration', '24h']));
    expect(codes(r)).toEqual(['client-499/no-499-storm']);
  });
});

// ── real nginx as the load balancer ─────────────────────────────────────────

/** The ELB layout (shared/elb-access-log.md) from nginx's own variables: its 499s, upstream times and tcpinfo_rtt. */
const ELB_LOG_FORMAT = [
  "log_format elb '$msec - [$time_iso8601] elb_01 $remote_addr:$remote_port $status",
  '"$request_method $scheme://$host$request_uri $server_protocol" $request_length $bytes_sent $body_bytes_sent $request_time',
  '"$upstream_status" "$upstream_connect_time" "$upstream_header_time" "$upstream_response_time"',
  '"$upstream_addr" "$http_user_agent" "$http_referer" "$http_x_forwarded_for"',
  'nginx web - pool "-" - -:- "$upstream_addr" - - - - $tcpinfo_rtt -\';',
].join(' ');

if (nginxMissing) console.warn(`skipping the client-499 nginx tests: ${nginxMissing}`);

describe.skipIf(!!nginxMissing)('client-499 on real nginx logging its own 499s', { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  const backends: HttpBackend[] = [];
  const lb: Record<string, number> = {};
  const logs: Record<string, string> = {};

  beforeAll(async () => {
    // Node backends with real slow handlers: 1.5 s, 1 s, 0.4 s, 0.1 s.
    const delays = { slow: 1500, second: 1000, medium: 400, quick: 100 };
    const servers: string[] = [ELB_LOG_FORMAT];
    for (const [name, delayMs] of Object.entries(delays)) {
      const be = await startHttpBackend({ name, default: { delayMs } });
      backends.push(be);
      lb[name] = await closedPort();
      logs[name] = join(dir, `nginx-${name}.log`);
      servers.push(
        `server { listen 127.0.0.1:${lb[name]}; access_log ${logs[name]} elb; location / { proxy_pass http://127.0.0.1:${be.port}; } }`,
      );
    }
    nginx = await startNginx(servers.join('\n'), Object.values(lb));
  });
  afterAll(async () => {
    await nginx?.close();
    await Promise.all(backends.map((b) => b.close()));
  });

  /** Sends clients (waiting times, ms; Infinity waits) to one nginx listener, then waits for every line. */
  async function traffic(name: string, waits: readonly number[]): Promise<string> {
    await Promise.all(
      waits.map((w) => impatientGet(`http://127.0.0.1:${lb[name]}/`, Number.isFinite(w) ? w : 10_000)),
    );
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const n = readFileSync(logs[name]!, 'utf8').split('\n').filter(Boolean).length;
      if (n >= waits.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return logs[name]!;
  }

  async function cli(file: string, extra: string[] = []) {
    const r = await lbdoctor([
      'run',
      'client-499',
      '--target',
      `127.0.0.1:${lb.quick}`,
      '--input',
      `access_log=${file}`,
      ...extra,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { findings: { code: string; severity: string; cause: string }[] };
    return { code: r.code, codes: report.findings.map((f) => f.code).sort(), findings: report.findings };
  }

  it("nginx's 499 lines are in the ELB layout, with the wait as upstream_response_time", async () => {
    const file = await traffic('slow', [300, 300, 300, 300, Infinity, Infinity]);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const l499 = lines.filter((l) => / 499 "GET /.test(l));
    expect(l499).toHaveLength(4);
    // upstream_status "-", header time "-", response time ≈ request time; a tcpinfo_rtt in µs.
    const [, rt, urt] = / (0\.\d{3}) "-" "[\d.]+" "-" "(0\.\d{3})" /.exec(l499[0]!) ?? [];
    expect(Number(rt)).toBeGreaterThanOrEqual(0.28);
    expect(Math.abs(Number(rt) - Number(urt))).toBeLessThanOrEqual(0.005);
    expect(l499[0]).toMatch(/ \d+ -$/);
    const r = await cli(file);
    expect(r.codes).toEqual(['client-499/slow-upstream']);
    expect(r.code).toBe(1);
    expect(r.findings[0]!.cause).toMatch(/is the same wait: 0\.[23]\d*\)/);
  });

  it('clients with a 200 ms timeout against a 1 s backend: client-timeout-short', async () => {
    const file = await traffic('second', [200, 200, 200, 200, 200, 200]);
    const r = await cli(file);
    expect(r.codes).toEqual(['client-499/client-timeout-short']);
  });

  it('clients closing at scattered moments before a 0.4 s backend: clients-abort-early', async () => {
    const file = await traffic('medium', [30, 70, 120, 180, 250, 320, Infinity, Infinity]);
    const r = await cli(file);
    expect(r.codes).toEqual(['client-499/clients-abort-early']);
  });

  it('healthy twin: everyone waits for a 0.1 s backend, no 499, no error finding, exit 0', async () => {
    const file = await traffic('quick', [Infinity, Infinity, Infinity, Infinity]);
    const r = await cli(file);
    expect(r.codes).toEqual(['client-499/no-499-storm']);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
  });
});
