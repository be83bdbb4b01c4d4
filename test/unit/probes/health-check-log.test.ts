// health-check-log evaluated on access logs captured from real nginx and Apache
// (test/fixtures/host-outputs/capture-web-access.sh): three "checker nodes" at
// 127.0.0.2-4 each asking /health every 2 s, ordinary requests from 127.0.0.10.
// Every observation is checked against the probe's contract.
import { describe, expect, it } from 'vitest';
import { healthCheckLogProbe } from '../../../src/probes/health-check-log.js';
import type { Observation } from '../../../src/probes/types.js';
import type { SectionOutput } from '../../../src/transport/types.js';
import { expectDataMatchesContract } from '../../helpers/contracts.js';
import { fixture } from '../parsers/fixture.js';

function run(params: Record<string, unknown>, out: Partial<SectionOutput> | undefined): Observation {
  const p = healthCheckLogProbe.params.parse(params);
  const outputs = healthCheckLogProbe.sections(p).map(
    (s): SectionOutput => ({
      id: s.id,
      args: s.args ?? [],
      exitCode: out ? (out.exitCode ?? 0) : -1,
      stdout: out?.stdout ?? '',
      stderr: out?.stderr ?? (out ? '' : 'lbdoctor: this section did not run'),
    }),
  );
  return expectDataMatchesContract('health-check-log', healthCheckLogProbe.evaluate(p, outputs));
}

describe('health-check-log', () => {
  it('reads the log with the allow-listed tail, 5000 lines of /var/log/nginx/access.log by default', () => {
    const p = healthCheckLogProbe.params.parse({});
    expect(healthCheckLogProbe.sections(p)).toEqual([
      { id: 'log-tail', args: ['/var/log/nginx/access.log', '5000'] },
    ]);
    expect(p).toMatchObject({ healthPath: '/', maxShare: 0.5 });
  });

  it('nginx combined: the share of health checks, each source with its interval, the overall rate', () => {
    const obs = run(
      { path: '/var/log/nginx/access.log', healthPath: '/health', interval: 2 },
      { stdout: fixture('web-access.nginx-combined.log') },
    );
    // 6 checks from each of three nodes, and one GET /health?verbose=1 from a client: 19 of 28 lines.
    expect(obs.outcome).toBe('fail');
    expect(obs.data).toMatchObject({
      linesRead: 28,
      parsedLines: 28,
      unparsedLines: 0,
      formats: { combined: 28, common: 0 },
      healthChecks: 19,
      share: 0.679,
      sourceCount: 4,
      spanSeconds: 11,
      from: '2026-11-28T09:47:41.000Z',
      to: '2026-11-28T09:47:52.000Z',
      timeResolutionSeconds: 1,
      // 19 checks over 11 s: one every 0.611 s, 98.2 a minute, 3.3 per 2 s interval.
      meanCheckIntervalSeconds: 0.611,
      checksPerMinute: 98.2,
      checksPerInterval: 3.3,
    });
    const sources = obs.data.sources as Array<Record<string, unknown>>;
    expect(sources.map((s) => [s.address, s.checks, s.medianIntervalSeconds, s.meanIntervalSeconds])).toEqual(
      [
        ['127.0.0.2', 6, 2, 2],
        ['127.0.0.3', 6, 2, 2],
        ['127.0.0.4', 6, 2, 2], // HEAD checks count too
        ['127.0.0.10', 1, null, null],
      ],
    );
    expect(sources[0]).toMatchObject({ first: '2026-11-28T09:47:41.000Z', last: '2026-11-28T09:47:51.000Z' });
    expect(obs.expected).toBe('≤ 50% of the lines');
    expect(obs.actual).toBe('67.9% (19 of 28)');
    expect(obs.summary).toContain('19 of 28 line(s) (67.9%)');
    expect(obs.summary).toContain('from 4 source(s), 98.2 per minute');
    expect(obs.summary).toContain('127.0.0.2 ×6, every ~2 s (median 2 s)');
  });

  it('passes under maxShare; POST /health and /healthz are not health checks', () => {
    const obs = run(
      { path: '/var/log/nginx/access.log', healthPath: '/health', maxShare: 0.7 },
      { stdout: fixture('web-access.nginx-combined.log') },
    );
    expect(obs.outcome).toBe('pass');
    expect(obs.data.healthChecks).toBe(19);
    expect(obs.data).not.toHaveProperty('checksPerInterval');
    const other = run({ healthPath: '/healthz' }, { stdout: fixture('web-access.nginx-combined.log') });
    expect(other).toMatchObject({ outcome: 'pass', data: { healthChecks: 1, share: 0.036, sourceCount: 1 } });
    expect(other.data.checksPerMinute).toBeNull();
  });

  it('Apache common with milliseconds: intervals to the millisecond', () => {
    const obs = run(
      { path: '/var/log/httpd/access_log', healthPath: '/health', interval: 2 },
      { stdout: fixture('web-access.apache-common-msec.log') },
    );
    expect(obs.data).toMatchObject({
      parsedLines: 27,
      formats: { combined: 0, common: 27 },
      healthChecks: 19,
      timeResolutionSeconds: 0.001,
    });
    const sources = obs.data.sources as Array<{ address: string; medianIntervalSeconds: number }>;
    for (const s of sources.slice(0, 3)) expect(s.medianIntervalSeconds).toBeCloseTo(2, 1);
    expect(obs.data.checksPerInterval).toBeCloseTo(3.4, 0);
  });

  it('counts the lines that do not parse, and shows a few', () => {
    const text = `${fixture('web-access.apache-combined.log')}garbage line\nanother one\n`;
    const obs = run({ healthPath: '/health' }, { stdout: text });
    expect(obs.data).toMatchObject({
      linesRead: 29,
      parsedLines: 27,
      unparsedLines: 2,
      unparsedSample: ['garbage line', 'another one'],
    });
  });

  it('is an error, never a fail, when the log cannot be read, is empty, or no line parses', () => {
    const missing = run(
      { path: '/var/log/nginx/access.log' },
      {
        exitCode: 1,
        stderr: "tail: cannot open '/var/log/nginx/access.log' for reading: No such file or directory\n",
      },
    );
    expect(missing).toMatchObject({
      outcome: 'error',
      data: { path: '/var/log/nginx/access.log', healthPath: '/' },
    });
    expect(missing.reason).toContain('No such file or directory');
    expect(run({}, undefined).outcome).toBe('error');
    const empty = run({}, { stdout: '' });
    expect(empty).toMatchObject({ outcome: 'error', data: { linesRead: 0 } });
    expect(empty.reason).toContain('is empty');
    const elb = run({}, { stdout: fixture('elb-access.log') });
    expect(elb).toMatchObject({ outcome: 'error', data: { linesRead: 2, unparsedLines: 2 } });
    expect(elb.reason).toContain('none of the 2 line(s)');
  });

  it('keeps a long log out of the evidence', () => {
    const line = fixture('web-access.nginx-combined.log').split('\n')[0]!;
    const obs = run({ healthPath: '/health' }, { stdout: `${Array(500).fill(line).join('\n')}\n` });
    expect(obs.data.healthChecks).toBe(500);
    expect(obs.raw!.split('\n').length).toBeLessThan(30);
    expect(obs.raw).toContain('line(s) not shown');
  });
});
