// access-log-summary on files written here: the numbers a playbook branches
// on (499s and what they waited for, the ratios, 5xx by whom, retries), the
// same as `lbdoctor logs` computes, every observation checked against the
// contract; and the errors (no file, not the ELB layout, no line).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summariseLogs } from '../../../src/logs/read.js';
import { accessLogSummaryProbe } from '../../../src/probes/access-log-summary.js';
import type { ProbeContext } from '../../../src/probes/types.js';
import { localDialer } from '../../../src/transport/dialers/local.js';
import { checked } from '../../helpers/contracts.js';
import { answered, elbLog, waiting499 } from '../../helpers/elb-log.js';

const probe = checked(accessLogSummaryProbe);
const dir = mkdtempSync(join(tmpdir(), 'lbd-als-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx: ProbeContext = { signal: new AbortController().signal, timeoutMs: 5000, dialer: localDialer };

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const run = (path: string) => probe.run(probe.params.parse({ path }), ctx);
// biome-ignore lint/suspicious/noExplicitAny: test reads nested data
const dataOf = (o: { data: Record<string, unknown> }) => o.data as any;

describe('access-log-summary', () => {
  it('the 499s: how many, what they waited for, how long, and the ratios', async () => {
    const path = file(
      'storm.log',
      elbLog([
        ...answered(10, 2.5),
        ...waiting499(10, (i) => 0.5 + (i % 2) * 0.001, 20, { rttUs: 300_000 }),
        // A retried line: be3 refused, be1 answered.
        {
          at: 40,
          status: 200,
          rt: 0.2,
          up: [
            { status: null, addr: '10.0.1.13:8080' },
            { status: 200, headerTime: 0.1, responseTime: 0.1 },
          ],
        },
        // The load balancer's own 502 (no backend status) and a backend's 503.
        { at: 41, status: 502, rt: 0.01, up: [{ status: null, addr: '10.0.1.13:8080' }] },
        { at: 42, status: 503, rt: 0.01 },
      ]),
    );
    const obs = await run(path);
    expect(obs.outcome).toBe('pass');
    const d = dataOf(obs);
    expect(d.lines).toEqual({ total: 23, records: 23, bad: 0 });
    expect(d.clientClosed).toMatchObject({
      count: 10,
      waitingForBackend: 10,
      duringResponse: 0,
      beforeUpstream: 0,
      waitingShare: 1,
      clientTimeoutSeconds: 0.5,
      slowNetwork: true,
      upstreamShare: null,
    });
    expect(d.clientClosed.share).toBeCloseTo(10 / 23, 3);
    expect(d.clientClosed.requestTime.p50).toBeCloseTo(0.5, 2);
    expect(d.clientClosed.requestTimeSpread).toBeLessThanOrEqual(1.02);
    expect(d.clientClosed.rttRatio).toBeGreaterThan(100);
    expect(d.latency.upstreamHeaderTime.p90).toBeCloseTo(2.5, 1);
    expect(d.status).toMatchObject({ count5xx: 2, lb5xx: 1 });
    expect(d.status.answeredBy).toEqual({ loadBalancer: 11, backend: 12 });
    expect(d.retries).toMatchObject({ lines: 1, attempts: { '2': 1, '3': 0, '4+': 0 } });
    expect(d.retries.routes[0]).toEqual({ from: '10.0.1.13:8080', to: '10.0.1.12:8080', count: 1 });
    expect(obs.summary).toMatch(
      /23 lines; 499: 10 \(43\.5%; 10 waiting for a backend, request_time p50 5\d\d ms\)/,
    );
    expect(obs.summary).toMatch(/5xx: 2 \(1 by the load balancer\)/);
    expect(obs.summary).toMatch(/retried: 1/);
  });

  it('is the `lbdoctor logs` summary: the same numbers for the same file', async () => {
    const path = join(dir, 'gen.log');
    execFileSync(process.execPath, [
      join(import.meta.dirname, '..', '..', '..', 'scripts', 'gen-access-log.mjs'),
      '--lines',
      '5000',
      '--duration',
      '1h',
      '--start',
      '2026-11-25T11:50:00+08:00',
      '--storm-499',
      '12:00/10m',
      '--out',
      path,
    ]);
    const d = dataOf(await run(path));
    const s = await summariseLogs([path], { jobs: 1 });
    expect(d.clientClosed.count).toBe(s.clientClosed.count);
    expect(d.clientClosed.requestTime).toEqual(s.clientClosed.requestTime);
    expect(d.latency.upstreamHeaderTime).toEqual(s.latency.upstreamHeaderTime);
    expect(d.bursts).toEqual(s.bursts);
    expect(d.findings).toEqual(s.findings);
    expect(d.members.slowest).toEqual(s.members.list.slice(0, 10));
    // nginx-style 499s: the upstream_response_time of the try is the time waited.
    expect(d.clientClosed.upstreamShare).toBeCloseTo(1, 1);
    expect(d.bursts['499'].bursts.length).toBeGreaterThan(0);
  });

  it('a log without 499s: zero counts, null ratios', async () => {
    const d = dataOf(await run(file('calm.log', elbLog(answered(20, 0.05)))));
    expect(d.clientClosed).toMatchObject({
      count: 0,
      share: 0,
      waitingShare: 0,
      requestTimeSpread: null,
      upstreamShare: null,
      rttRatio: null,
      slowNetwork: false,
      clientTimeoutSeconds: null,
    });
    expect(d.clientClosed.requestTime.p50).toBeNull();
  });

  it('gzip is read like plain text', async () => {
    const { gzipSync } = await import('node:zlib');
    const path = join(dir, 'calm.log.gz');
    writeFileSync(path, gzipSync(elbLog(answered(5, 0.05))));
    const obs = await run(path);
    expect(obs.outcome).toBe('pass');
    expect(dataOf(obs).lines.records).toBe(5);
  });

  it('error: no such file, not an ELB log, an empty log', async () => {
    const missing = await run(join(dir, 'nope.log'));
    expect(missing.outcome).toBe('error');
    expect(missing.reason).toMatch(/no such file/);
    const nginx = await run(
      file('combined.log', '127.0.0.1 - - [25/Nov/2026:12:00:00 +0800] "GET / HTTP/1.1" 200 5 "-" "curl"\n'),
    );
    expect(nginx.outcome).toBe('error');
    expect(nginx.reason).toMatch(/not ELB access-log lines/);
    const empty = await run(file('empty.log', '\n\n'));
    expect(empty.outcome).toBe('error');
    expect(empty.reason).toBe('it holds no access-log lines');
    expect(dataOf(empty).error).toBe('it holds no access-log lines');
  });
});
