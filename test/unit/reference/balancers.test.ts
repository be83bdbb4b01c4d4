import { describe, expect, it } from 'vitest';
import { leastLoaded } from '../../../src/reference/balancers/least-connections.js';
import { balancers } from '../../../src/reference/balancers/registry.js';
import { smoothWeightedStep } from '../../../src/reference/balancers/round-robin.js';
import { sourceIpPick } from '../../../src/reference/balancers/source-ip.js';
import type { Candidate } from '../../../src/reference/balancers/types.js';

const ctx = (clientIp = '198.51.100.1', clientPort = 40000) => ({ clientIp, clientPort, now: 0 });
const cand = (key: string, weight: number, activeConnections = 0): Candidate => ({
  key,
  weight,
  activeConnections,
});

function sequence(algorithm: keyof typeof balancers, members: Candidate[], n: number): string[] {
  const b = balancers[algorithm]();
  return Array.from({ length: n }, () => b.pick(ctx(), members)?.key ?? '-');
}

describe('smooth weighted round robin', () => {
  it('interleaves 3:1 as a a b a, repeating', () => {
    expect(sequence('ROUND_ROBIN', [cand('a', 3), cand('b', 1)], 8)).toEqual([
      'a',
      'a',
      'b',
      'a',
      'a',
      'a',
      'b',
      'a',
    ]);
  });

  it("gives nginx's smooth sequence for 5:1:1", () => {
    expect(sequence('ROUND_ROBIN', [cand('a', 5), cand('b', 1), cand('c', 1)], 7).join('')).toBe('aabacaa');
  });

  it('equal weights alternate', () => {
    expect(sequence('ROUND_ROBIN', [cand('a', 1), cand('b', 1), cand('c', 1)], 6).join('')).toBe('abcabc');
  });

  it('shares follow the weights over a full cycle', () => {
    const seq = sequence('ROUND_ROBIN', [cand('a', 7), cand('b', 2), cand('c', 1)], 100);
    expect(seq.filter((k) => k === 'a')).toHaveLength(70);
    expect(seq.filter((k) => k === 'b')).toHaveLength(20);
    expect(seq.filter((k) => k === 'c')).toHaveLength(10);
  });

  it('a weight change applies from the next pick', () => {
    const scores = new Map<string, number>();
    const members = [cand('a', 1), cand('b', 1)];
    expect(smoothWeightedStep(scores, members)?.key).toBe('a');
    expect(smoothWeightedStep(scores, members)?.key).toBe('b');
    const heavier = [cand('a', 1), cand('b', 9)];
    const next = Array.from({ length: 10 }, () => smoothWeightedStep(scores, heavier)?.key);
    expect(next.filter((k) => k === 'b').length).toBeGreaterThanOrEqual(8);
  });

  it('returns undefined with no candidates', () => {
    expect(balancers.ROUND_ROBIN().pick(ctx(), [])).toBeUndefined();
  });
});

describe('weighted least connections', () => {
  it('takes the lowest connections per weight', () => {
    // a: 4/2 = 2, b: 3/1 = 3, c: 5/5 = 1
    expect(
      balancers.LEAST_CONNECTIONS().pick(ctx(), [cand('a', 2, 4), cand('b', 1, 3), cand('c', 5, 5)])?.key,
    ).toBe('c');
    // a: 1/1 = 1 beats b: 3/2 = 1.5
    expect(balancers.LEAST_CONNECTIONS().pick(ctx(), [cand('a', 1, 1), cand('b', 2, 3)])?.key).toBe('a');
  });

  it('breaks ties by weighted round robin', () => {
    expect(leastLoaded([cand('a', 1, 2), cand('b', 2, 4), cand('c', 1, 3)]).map((c) => c.key)).toEqual([
      'a',
      'b',
    ]);
    expect(sequence('LEAST_CONNECTIONS', [cand('a', 3), cand('b', 1)], 4).join('')).toBe('aaba');
  });

  it('follows live connection counts', () => {
    const b = balancers.LEAST_CONNECTIONS();
    const members = [cand('a', 1), cand('b', 1), cand('c', 1)];
    for (let i = 0; i < 9; i++) {
      const m = b.pick(ctx(), members);
      if (!m) throw new Error('no pick');
      m.activeConnections++;
    }
    expect(members.map((m) => m.activeConnections)).toEqual([3, 3, 3]);
  });
});

describe('source IP hash', () => {
  const members = [
    cand('10.0.0.1:80', 1),
    cand('10.0.0.2:80', 1),
    cand('10.0.0.3:80', 1),
    cand('10.0.0.4:80', 1),
  ];
  const clients = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.7`);

  it('sends a client to the same member every time, whatever the order of members', () => {
    const b = balancers.SOURCE_IP();
    for (const ip of clients.slice(0, 50)) {
      const first = b.pick(ctx(ip), members)?.key;
      expect(b.pick(ctx(ip, 1234), members)?.key).toBe(first);
      expect(b.pick(ctx(ip), [...members].reverse())?.key).toBe(first);
    }
  });

  it('spreads clients over members roughly by weight', () => {
    const counts = new Map<string, number>();
    for (const ip of clients) {
      const k = sourceIpPick(ip, members)?.key ?? '';
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const m of members) expect(counts.get(m.key)).toBeGreaterThan(400); // 500 expected each
    const weighted = [cand('x', 3), cand('y', 1)];
    const onX = clients.filter((ip) => sourceIpPick(ip, weighted)?.key === 'x').length;
    expect(onX).toBeGreaterThan(1350); // 1500 expected
    expect(onX).toBeLessThan(1650);
  });

  it('when a member leaves, moves only the clients that were on it', () => {
    const before = new Map(clients.map((ip) => [ip, sourceIpPick(ip, members)?.key]));
    const without = members.filter((m) => m.key !== '10.0.0.2:80');
    for (const ip of clients) {
      const was = before.get(ip);
      const now = sourceIpPick(ip, without)?.key;
      if (was !== '10.0.0.2:80') expect(now).toBe(was);
      else expect(now).not.toBe('10.0.0.2:80');
    }
  });
});
