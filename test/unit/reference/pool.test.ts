import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pool as PoolSchema } from '../../../src/model/inventory.js';
import { Pool } from '../../../src/reference/pool.js';

const now = 1_700_000_000_000;
const ctx = (clientIp = '198.51.100.1') => ({ clientIp, clientPort: 40000, now });

function makePool(
  extra: Record<string, unknown> = {},
  members = [
    { address: '10.0.0.1', protocol_port: 80 },
    { address: '10.0.0.2', protocol_port: 80 },
  ],
) {
  return new Pool(PoolSchema.parse({ id: 'p1', protocol: 'TCP', members, ...extra }), {
    lbType: 'dedicated',
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Pool', () => {
  it('treats members as healthy when there is no health monitor or it is disabled (FAQ 2.1)', () => {
    const p = makePool();
    expect(p.members().every((m) => m.healthy)).toBe(true);
    expect(p.members()[0]?.healthReason).toContain('disabled');
    const q = makePool({ healthmonitor: { type: 'TCP', admin_state_up: false } });
    expect(q.members().every((m) => m.healthy)).toBe(true);
  });

  it('starts monitored members unhealthy until the first check decides', () => {
    const p = makePool({ healthmonitor: { type: 'TCP' } });
    expect(p.pick(ctx())).toEqual({ member: null, reason: 'unavailable' });
    const events: unknown[] = [];
    p.on('health', (m, healthy, reason) => events.push([m.key, healthy, reason]));
    p.setHealth('10.0.0.1:80', true, 'TCP connect succeeded');
    p.setHealth('10.0.0.1:80', true, 'TCP connect succeeded');
    expect(events).toEqual([['10.0.0.1:80', true, 'TCP connect succeeded']]);
    expect(p.pick(ctx()).member?.key).toBe('10.0.0.1:80');
    p.setHealth('10.0.0.1:80', false, 'refused');
    expect(events).toHaveLength(2);
    expect(p.member('10.0.0.1:80')?.healthReason).toBe('refused');
  });

  it('says empty when there are no members and unavailable when none is routable (FAQ 1.6)', () => {
    expect(makePool({}, []).pick(ctx())).toEqual({ member: null, reason: 'empty' });
    const p = makePool();
    p.setWeight('10.0.0.1:80', 0);
    p.setAdminUp('10.0.0.2:80', false);
    expect(p.pick(ctx())).toEqual({ member: null, reason: 'unavailable' });
    p.setAdminUp('10.0.0.2:80', true);
    expect(p.pick(ctx()).member?.key).toBe('10.0.0.2:80');
  });

  it('weight 0 takes no new traffic; weight changes apply to the next pick (FAQ 6.13)', () => {
    const p = makePool({ protocol: 'HTTP' });
    p.setWeight('10.0.0.2:80', 0);
    for (let i = 0; i < 5; i++) expect(p.pick(ctx()).member?.key).toBe('10.0.0.1:80');
    p.setWeight('10.0.0.2:80', 3);
    const keys = Array.from({ length: 4 }, () => p.pick(ctx()).member?.key);
    expect(keys.filter((k) => k === '10.0.0.2:80')).toHaveLength(3);
    expect(() => p.setWeight('10.0.0.2:80', 101)).toThrow(RangeError);
    expect(() => p.setWeight('nope', 1)).toThrow(RangeError);
  });

  it('skips members a retry already tried', () => {
    const p = makePool();
    for (let i = 0; i < 4; i++)
      expect(p.pick(ctx(), new Set(['10.0.0.1:80'])).member?.key).toBe('10.0.0.2:80');
    expect(p.pick(ctx(), new Set(['10.0.0.1:80', '10.0.0.2:80']))).toEqual({
      member: null,
      reason: 'unavailable',
    });
  });

  it('counts connections with acquire/release, once per release', () => {
    const p = makePool({ lb_algorithm: 'LEAST_CONNECTIONS' });
    const a = p.member('10.0.0.1:80');
    if (!a) throw new Error('member');
    const release = p.acquire(a);
    expect(a.activeConnections).toBe(1);
    expect(p.pick(ctx()).member?.key).toBe('10.0.0.2:80');
    release();
    release();
    expect(a.activeConnections).toBe(0);
  });

  it('at L4, weight 0 without deregistration delay disconnects existing connections at once (FAQ 6.13)', () => {
    const p = makePool();
    const seen: string[] = [];
    p.on('disconnect', (m, reason) => seen.push(`${m.key} ${reason}`));
    p.setWeight('10.0.0.1:80', 0);
    expect(seen).toEqual(['10.0.0.1:80 weight set to 0 (FAQ 6.13)']);
  });

  it('with a deregistration delay, weight 0 disconnects only when the delay ends, unless the weight comes back', () => {
    vi.useFakeTimers();
    const p = makePool({ deregistration_delay: 30 });
    const seen: string[] = [];
    p.on('disconnect', (m) => seen.push(m.key));
    p.setWeight('10.0.0.1:80', 0);
    vi.advanceTimersByTime(29_000);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual(['10.0.0.1:80']);
    p.setWeight('10.0.0.2:80', 0);
    vi.advanceTimersByTime(10_000);
    p.setWeight('10.0.0.2:80', 1);
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual(['10.0.0.1:80']);
    p.close();
  });

  it('drains a removed member for the deregistration delay, then disconnects and forgets it', () => {
    vi.useFakeTimers();
    const p = makePool({ deregistration_delay: 10 });
    const a = p.member('10.0.0.1:80');
    if (!a) throw new Error('member');
    const release = p.acquire(a);
    const events: string[] = [];
    p.on('disconnect', (m) => events.push(`disconnect ${m.key}`));
    p.on('member-removed', (m) => events.push(`removed ${m.key}`));
    p.removeMember(a.key);
    expect(a.draining).toBe(true);
    expect(p.pick(ctx()).member?.key).toBe('10.0.0.2:80');
    vi.advanceTimersByTime(9_000);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(events).toEqual(['disconnect 10.0.0.1:80', 'removed 10.0.0.1:80']);
    expect(p.member(a.key)).toBeUndefined();
    release();
    p.close();
  });

  it('forgets a draining member as soon as its last connection ends', () => {
    vi.useFakeTimers();
    const p = makePool({ deregistration_delay: 300 });
    const a = p.member('10.0.0.1:80');
    if (!a) throw new Error('member');
    const release = p.acquire(a);
    p.removeMember(a.key);
    expect(p.member(a.key)).toBeDefined();
    release();
    expect(p.member(a.key)).toBeUndefined();
    p.close();
  });

  it('empty once the last member is removed', () => {
    const p = makePool({}, [{ address: '10.0.0.1', protocol_port: 80 }]);
    p.removeMember('10.0.0.1:80');
    expect(p.pick(ctx())).toEqual({ member: null, reason: 'empty' });
    p.addMember({ address: '2001:db8::1', protocol_port: 80, weight: 1, admin_state_up: true });
    expect(p.pick(ctx()).member?.key).toBe('[2001:db8::1]:80');
  });
});
