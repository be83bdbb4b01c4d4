import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/exit-code.js';
import type { Finding, Inconclusive, Severity } from '../../../src/engine/result.js';

const finding = (severity: Severity): Finding => ({
  code: `p/${severity}`,
  conclusion: severity,
  severity,
  title: severity,
  cause: '',
  evidence: [],
  fix: [],
  faq: ['1.6'],
  path: [],
});
const stuck: Inconclusive = { reason: 'refused', path: ['a'], step: 'a' };
const r = (findings: Finding[], inconclusive: Inconclusive[] = [], interrupted = false) => ({
  findings,
  inconclusive,
  interrupted,
});

describe('exit codes (DESIGN.md contract)', () => {
  it('0 when nothing is at or above --fail-on', () => {
    expect(exitCodeFor(r([finding('info')]), 'error')).toBe(0);
    expect(exitCodeFor(r([finding('warn')]), 'error')).toBe(0);
  });
  it('1 when a finding is at or above --fail-on', () => {
    expect(exitCodeFor(r([finding('error')]), 'error')).toBe(1);
    expect(exitCodeFor(r([finding('warn')]), 'warn')).toBe(1);
    expect(exitCodeFor(r([finding('info')]), 'info')).toBe(1);
    expect(exitCodeFor(r([finding('info')]), 'warn')).toBe(0);
  });
  it('3 when nothing could be concluded (every walk stuck, or stopped before any conclusion)', () => {
    expect(exitCodeFor(r([], [stuck]), 'error')).toBe(3);
    expect(exitCodeFor(r([], [], true), 'error')).toBe(3);
    expect(exitCodeFor(r([], [stuck]), 'inconclusive')).toBe(3);
  });
  it('partly inconclusive: reported, 0 by default, 1 with --fail-on inconclusive', () => {
    expect(exitCodeFor(r([finding('info')], [stuck]), 'error')).toBe(0);
    expect(exitCodeFor(r([finding('info')], [stuck]), 'inconclusive')).toBe(1);
    expect(exitCodeFor(r([finding('error')], [stuck]), 'inconclusive')).toBe(1);
  });
  it('findings beat inconclusive walks', () => {
    expect(exitCodeFor(r([finding('error')], [stuck]), 'error')).toBe(1);
  });
});
