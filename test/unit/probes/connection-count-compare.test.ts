// Cloud Eye's figure against the members' sum (FAQ 6.11): the tolerance, the
// direction of a gap, and the two cases that must not be compared at all.
import { describe, expect, it } from 'vitest';
import { connectionCountCompareProbe, minutesApart } from '../../../src/probes/connection-count-compare.js';
import type { Observation } from '../../../src/probes/types.js';
import { expectDataMatchesContract } from '../../helpers/contracts.js';

const nowMinute = (offset = 0) => new Date(Date.now() + offset * 60_000).toISOString().slice(11, 16);

async function compare(params: Record<string, unknown>): Promise<Observation> {
  const p = connectionCountCompareProbe.params.parse({ readAt: nowMinute(), ...params });
  const obs = await connectionCountCompareProbe.run(p, {} as never);
  return expectDataMatchesContract('connection-count-compare', obs);
}

describe('connection-count-compare', () => {
  it('within 10 % (at least 2 connections) is a match; beyond it, fewer or more', async () => {
    expect((await compare({ loadBalancer: 100, members: 90 })).outcome).toBe('pass');
    expect((await compare({ loadBalancer: 3, members: 1 })).outcome).toBe('pass');
    const fewer = await compare({ loadBalancer: 100, members: 89 });
    expect(fewer).toMatchObject({
      outcome: 'fail',
      data: { direction: 'fewer', difference: 11, tolerance: 10 },
    });
    expect(fewer.summary).toContain('the members hold 11 fewer than Cloud Eye counts (more than ±10)');
    const more = await compare({ loadBalancer: 0, members: 5 });
    expect(more).toMatchObject({ outcome: 'fail', data: { direction: 'more', difference: -5 } });
    expect((await compare({ loadBalancer: 100, members: 89, tolerancePercent: 20 })).outcome).toBe('pass');
  });

  it('a member left unread, or a figure from another time: error with the reason, never a match', async () => {
    const unread = await compare({ loadBalancer: 5, members: 5, unread: 1 });
    expect(unread).toMatchObject({ outcome: 'error' });
    expect(unread.reason).toContain('1 member(s) could not be read');
    const stale = await compare({ loadBalancer: 5, members: 5, readAt: nowMinute(-20) });
    expect(stale.outcome).toBe('error');
    // 21 when the minute turns between the two readings.
    expect(stale.reason).toMatch(/\b2[01] minutes apart \(at most 5\)/);
  });

  it('counts minutes the short way round midnight, and takes HH:MM only', () => {
    expect(minutesApart('23:58', new Date('2026-01-02T00:03:00Z'))).toBe(5);
    expect(minutesApart('12:00', new Date('2026-01-02T12:00:59Z'))).toBe(0);
    expect(() =>
      connectionCountCompareProbe.params.parse({ loadBalancer: 1, members: 1, readAt: '24:00' }),
    ).toThrow(/HH:MM/);
  });
});
