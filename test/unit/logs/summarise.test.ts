// The summary as a pure fold over records: who answered (FAQ 1.5, 7.8), 499s
// (FAQ 7.9), retries, bursts, members and paths, and merging worker states.
import { describe, expect, it } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { ANSWER_RULES, classifyAnswer } from '../../../src/logs/classify.js';
import { healthCheckMatcher, looksLikeHealthCheck } from '../../../src/logs/health-check.js';
import { pathKey } from '../../../src/logs/paths.js';
import { LogSummariser } from '../../../src/logs/summarise.js';
import { MAX_BUCKETS, Timeline } from '../../../src/logs/timeline.js';
import { DOC_LINE_200, DOC_LINE_499, generate, line } from './helpers.js';

const records = (lines: string[]) => lines.map((l, i) => parseElbAccessLogLine(l, i + 1));

function summarise(lines: string[]) {
  const s = new LogSummariser();
  for (const r of records(lines)) s.add(r);
  return s.finish();
}

describe('who answered (FAQ 1.5, 7.8)', () => {
  it('classifies the two documented lines', () => {
    const [ok, closed] = records([DOC_LINE_200, DOC_LINE_499]);
    expect(classifyAnswer(ok!)).toEqual({ rule: 'upstream-status', answeredBy: 'backend' });
    expect(classifyAnswer(closed!)).toEqual({ rule: 'client-closed', answeredBy: 'load-balancer' });
  });

  it('has one rule for each way a line can go, tried in order', () => {
    const cases: [string, string][] = [
      [line({ 5: '400', 11: '"-"', 12: '"-"', 13: '"-"', 14: '"-"', 15: '"-"' }), 'no-upstream'],
      [line({ 5: '502', 11: '"-"', 12: '"-"', 13: '"-"', 14: '"-"' }), 'upstream-no-status'],
      [line({ 5: '502', 11: '"200"' }), 'status-differs'],
      [line({ 5: '503', 11: '"503"' }), 'upstream-status'],
      [line({ 5: '499', 11: '"200"' }), 'client-closed'],
    ];
    for (const [l, rule] of cases) expect(classifyAnswer(parseElbAccessLogLine(l)).rule).toBe(rule);
    expect(ANSWER_RULES.map((r) => r.id)).toEqual([
      'client-closed',
      'no-upstream',
      'upstream-no-status',
      'status-differs',
      'upstream-status',
    ]);
  });

  it('splits every status code into load-balancer and backend lines', () => {
    const s = summarise([
      DOC_LINE_200,
      DOC_LINE_499,
      line({ 5: '502', 11: '"-"', 12: '"-"', 13: '"-"', 14: '"-"' }),
      line({ 5: '502', 11: '"502"' }),
    ]);
    expect(s.status.codes.find((c) => c.code === 502)).toMatchObject({
      count: 2,
      loadBalancer: 1,
      backend: 1,
    });
    expect(s.status.answeredBy).toEqual({ loadBalancer: 2, backend: 2 });
    expect(s.status.rules.find((r) => r.id === 'client-closed')?.count).toBe(1);
  });
});

describe('499: clients that closed first (FAQ 7.9)', () => {
  it('names a storm where clients give up before the backend answers, with the numbers', () => {
    const text = generate(['--lines', '4000', '--seed', '3', '--duration', '2h', '--storm-499', '00:30/20m']);
    const s = summarise(text.toString('latin1').split('\n').filter(Boolean));
    const c = s.clientClosed;
    expect(c.count).toBeGreaterThan(50);
    expect(c.waitingForBackend).toBe(c.count);
    expect(c.waitingOn[0]).toMatchObject({ name: 'be2', address: '10.0.1.12:8080' });
    expect(c.requestTime.p50).toBeGreaterThanOrEqual(9.9);
    expect(c.requestTime.p50).toBeLessThanOrEqual(10.2);
    expect(c.clientTimeoutSeconds).toBe(10);
    // The network is not the cause: the 499s' RTT is like everyone's.
    expect(c.tcpinfoRttMs.p50).toBeLessThan(2 * (s.latency.tcpinfoRttMs.p50 ?? 0));
    const f = s.findings.find((x) => x.id === 'clients-gave-up-before-backend-answered');
    expect(f?.message).toMatch(
      /of \d+ 499s .* closed before the backend sent a header, most in 00:30–00:5\d/,
    );
    expect(f?.message).toContain('waiting on be2 (10.0.1.12:8080)');
    expect(f?.message).toContain('≈10 s');
    expect(s.findings.some((x) => x.id === 'clients-on-slow-network')).toBe(false);
    // The burst is named with its window and counts.
    const burst = s.bursts['499'].bursts[0];
    expect(burst?.start).toMatch(/T00:(2[5-9]|3[0-4])/);
    expect(burst?.count).toBeGreaterThan(0.8 * c.count);
  });

  it('tells a slow client network from a slow backend by tcpinfo_rtt', () => {
    const slow = Array.from({ length: 20 }, (_, i) =>
      line(
        {
          0: `1764030001.${String(i).padStart(3, '0')}`,
          5: '499',
          11: '"200"',
          13: '"0.010"',
          14: '"0.500"',
          31: '400000',
        },
        DOC_LINE_499,
      ),
    );
    const fast = Array.from({ length: 100 }, () => line({ 31: '20000' }));
    const s = summarise([...fast, ...slow]);
    expect(s.clientClosed.duringResponse).toBe(20);
    expect(s.findings.find((f) => f.id === 'clients-on-slow-network')?.message).toMatch(
      /400(\.0)? ms against 20(\.\d)? ms/,
    );
  });
});

describe('retries (FAQ 3.8)', () => {
  it('counts lines with several upstream values, their routes and their end', () => {
    const retried = line({
      11: '"502, 200"',
      12: '"0.001, 0.002"',
      13: '"-, 0.020"',
      14: '"0.001, 0.021"',
      15: '"10.0.1.11:8080, 10.0.1.12:8080"',
    });
    const s = summarise([DOC_LINE_200, retried, retried]);
    expect(s.retries).toMatchObject({ lines: 2, attempts: { '2': 2, '3': 0, '4+': 0 } });
    expect(s.retries.endedIn['2xx']).toBe(2);
    expect(s.retries.routes).toEqual([{ from: '10.0.1.11:8080', to: '10.0.1.12:8080', count: 2 }]);
    const first = s.members.list.find((m) => m.address === '10.0.1.11:8080');
    expect(first).toMatchObject({ attempts: 2, status: { '5xx': 2 } });
    expect(s.latency.upstreamResponseTime.count).toBe(5);
  });
});

describe('members and paths', () => {
  it('ranks members by p99 upstream_response_time and paths by p99 request_time, ids folded', () => {
    const text = generate(['--lines', '3000', '--seed', '5', '--duration', '1h']);
    const s = summarise(text.toString('latin1').split('\n').filter(Boolean));
    expect(s.members.list[0]?.name).toBe('be3');
    expect(s.members.list.map((m) => m.name).sort()).toEqual(['be1', 'be2', 'be3', 'be4']);
    expect(s.paths.slowest[0]?.path).toBe('/api/report');
    expect(s.paths.slowest.map((p) => p.path)).toContain('/api/products/{id}');
  });

  it('folds identifiers in paths and drops the query', () => {
    expect(pathKey('/api/orders/12345?x=1')).toBe('/api/orders/{id}');
    expect(pathKey('/u/5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa/cart')).toBe('/u/{id}/cart');
    expect(pathKey('/v2/items')).toBe('/v2/items');
    expect(pathKey('/cart?id=7')).toBe('/cart');
  });

  it('reports at most maxPaths paths, the busiest, the rest under (other)', () => {
    const s = new LogSummariser({ maxPaths: 3 });
    for (const p of ['/a', '/b', '/c', '/d', '/e', '/e', '/d'])
      s.add(parseElbAccessLogLine(line({ 6: `"GET http://x${p} HTTP/1.1"` })));
    const out = s.finish();
    expect(out.paths.truncated).toBe(true);
    expect(out.paths.distinct).toBe(5);
    expect(out.paths.slowest.map((p) => [p.path, p.count])).toEqual([
      ['(other)', 2],
      ['/d', 2],
      ['/e', 2],
    ]);
  });
});

describe('health checks', () => {
  it('knows a checker by its User-Agent or a health-check path', () => {
    const r = (ua: string | null, method: string, uri: string) => ({ userAgent: ua, method, uri });
    expect(looksLikeHealthCheck(r('kube-probe/1.29', 'GET', '/'))).toBe(true);
    expect(looksLikeHealthCheck(r('lbdoctor-health-check', 'GET', '/x'))).toBe(true);
    expect(looksLikeHealthCheck(r('curl/8', 'GET', '/healthz?full=1'))).toBe(true);
    expect(looksLikeHealthCheck(r('curl/8', 'POST', '/health'))).toBe(false);
    expect(looksLikeHealthCheck(r('curl/8', 'GET', '/cart'))).toBe(false);
    expect(healthCheckMatcher(['/lb-check'])(r(null, 'HEAD', '/lb-check'))).toBe(true);
  });

  it('reports their share (FAQ 2.7)', () => {
    const text = generate(['--lines', '2000', '--seed', '9', '--health-rate', '0.2']);
    const s = summarise(text.toString('latin1').split('\n').filter(Boolean));
    expect(s.healthChecks.share).toBeGreaterThan(0.15);
    expect(s.healthChecks.share).toBeLessThan(0.25);
    expect(s.findings.map((f) => f.id)).toContain('many-health-check-lines');
  });
});

describe('streaming and merging', () => {
  it('gives the same summary from two merged halves as from one pass (worker threads)', () => {
    const lines = generate([
      '--lines',
      '3000',
      '--seed',
      '11',
      '--storm-499',
      '06:00/1h',
      '--burst-5xx',
      '12:00/1h',
      '--retry-rate',
      '0.05',
    ])
      .toString('latin1')
      .split('\n')
      .filter(Boolean);
    const whole = summarise(lines);
    const a = new LogSummariser();
    const b = new LogSummariser();
    records(lines).forEach((r, i) => {
      (i % 3 === 0 ? a : b).add(r);
    });
    const merged = new LogSummariser();
    merged.merge(structuredClone(a.state()));
    merged.merge(structuredClone(b.state()));
    expect(merged.finish()).toEqual(whole);
    expect(whole.bursts['5xx'].bursts[0]?.start).toMatch(/T1[12]:/);
  });

  it('keeps at most MAX_BUCKETS time buckets, coarsening as the log grows', () => {
    const t = new Timeline();
    for (let s = 0; s < 86_400; s += 3) t.add(1_764_000_000 + s, 1, false, false);
    expect(t.width).toBe(30);
    expect(t.state().keys.length).toBeLessThanOrEqual(MAX_BUCKETS);
    const sum = t.windows(300).reduce((n, w) => n + w.counts.lines, 0);
    expect(sum).toBe(28_800);
  });
});
