import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { createLiveRenderer } from '../../../src/reporters/live.js';
import { SecretSet } from '../../../src/reporters/redact.js';
import { failTwoMembers } from '../../fixtures/results.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
const ANSI = /\u001b\[/;
const be1 = { kind: 'member', name: 'be1', address: '10.0.1.11:8080' } as const;

const events: EngineEvent[] = [
  { type: 'run-start', playbook: 'unhealthy-backend', title: 'Unhealthy backend' },
  { type: 'step-start', step: 'port-open', title: 'Health check port open', kind: 'probe', subject: be1 },
  { type: 'host-ready', host: 'be1', connectMs: 80, readMs: 2500 },
  {
    type: 'step-finish',
    step: 'port-open',
    title: 'Health check port open',
    subject: be1,
    outcome: 'fail',
    summary: 'refused (RST), login with ssh://ops:pw-LIVE@be1',
    durationMs: 0.4,
  },
  { type: 'finding', finding: failTwoMembers.findings[0]! },
  { type: 'run-finish', durationMs: 1200, interrupted: true },
];

function capture(isTTY: boolean, color: boolean) {
  const chunks: string[] = [];
  const live = createLiveRenderer(
    { isTTY, columns: 40, write: (s: string) => chunks.push(s) },
    { color, secrets: [] },
  );
  for (const e of events) live(e);
  return chunks.join('');
}

describe('live renderer', () => {
  it('off a TTY: one plain line per event, no escape codes, secrets masked', () => {
    const out = capture(false, false);
    expect(out).not.toMatch(ANSI);
    expect(out).not.toContain('\r');
    expect(out.split('\n').filter(Boolean)).toEqual([
      'unhealthy-backend: Unhealthy backend',
      'start port-open: Health check port open [member be1 (10.0.1.11:8080)]',
      'host  be1 connect 80 ms, read 2.5 s',
      'FAIL  Health check port open [member be1 (10.0.1.11:8080)]: refused (RST), login with ssh://ops:[REDACTED]@be1 (0.4 ms)',
      '✖ Nothing listens on the health check port [member be1 (10.0.1.11:8080)] [unhealthy-backend/port-closed]',
      'done in 1.2 s (interrupted: partial results)',
    ]);
  });

  it('on a TTY: a status line rewritten in place, cleared before permanent lines, never wider than the terminal', () => {
    const out = capture(true, false);
    const status = /… Health check port open[^\r\n]*/.exec(out)?.[0] ?? '';
    expect(status.length).toBeGreaterThan(0);
    expect(status.length).toBeLessThan(40);
    expect(out).toContain('\r\u001b[2KFAIL  Health check port open');
    expect(out).not.toContain('start port-open');
    expect(out.endsWith('(interrupted: partial results)\n')).toBe(true);
  });

  it('colours only when asked', () => {
    expect(capture(false, true)).toMatch(ANSI);
  });
});

describe('live renderer: what hosts sent (issue 13)', () => {
  it('masks secrets added to the run’s set after it was created, and shows control characters as escapes', () => {
    const chunks: string[] = [];
    const secrets = new SecretSet();
    const live = createLiveRenderer(
      { isTTY: false, write: (s: string) => chunks.push(s) },
      { color: false, secrets },
    );
    // The probe's parameters render (and are collected) only when the step runs.
    secrets.addParams({ headers: { Authorization: 'Bearer tok-LIVE-77' } });
    live({
      type: 'step-finish',
      step: 'req',
      title: 'request',
      outcome: 'pass',
      summary: 'echoed {"authorization":"Bearer tok-LIVE-77"} \u001b]0;pwned\u0007\u001b[2J',
      durationMs: 1,
    });
    live({ type: 'host-ready', host: 'be1\u001b[31m', error: 'banner: \u009b2J' });
    const out = chunks.join('');
    expect(out).not.toContain('tok-LIVE-77');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
    expect(out).toContain('host  be1\\x1b[31m');
    expect(out).toContain('banner: \\x9b2J');
  });
});
