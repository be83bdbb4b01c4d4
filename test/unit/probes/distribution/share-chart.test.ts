import { describe, expect, it } from 'vitest';
import { shareChart } from '../../../../src/probes/distribution/share-chart.js';

describe('shareChart', () => {
  it('draws observed shares with # and marks where the weight puts each with |, in ASCII ≤ 64 columns', () => {
    const chart = shareChart([
      { name: 'be1', count: 150, share: 0.75, expectedShare: 0.5 },
      { name: 'a-very-long-member-name', count: 50, share: 0.25, expectedShare: 0.5 },
    ]);
    const lines = chart.split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l.length).toBeLessThanOrEqual(64);
      expect(l).toMatch(/^[\x20-\x7e]*$/);
    }
    expect(lines[1]).toMatch(/^be1 +150 +75% +50% +#{20}\|#{9}$/);
    expect(lines[2]).toMatch(/^a-very-long~ +50 +25% +50% +#{10} {10}\|$/);
  });

  it('a member with no answers has no bar, only its mark', () => {
    const lines = shareChart([
      { name: 'be1', count: 10, share: 1, expectedShare: 0.5 },
      { name: 'be2', count: 0, share: 0, expectedShare: 0.5 },
    ]).split('\n');
    expect(lines[2]).toMatch(/^be2 +0 +0% +50% +\s{15}\|$/);
  });
});
