import { describe, expect, it } from 'vitest';
import { Pool as PoolSchema } from '../../../src/model/inventory.js';
import {
  allowedStickinessTypes,
  explainStickiness,
  stickinessAllowed,
} from '../../../src/reference/balancers/stickiness-rules.js';
import { decodeLbCookie, LB_COOKIE_NAME } from '../../../src/reference/balancers/sticky.js';
import { Pool } from '../../../src/reference/pool.js';

const t0 = 1_700_000_000_000;
const minute = 60_000;

function pool(persistence: Record<string, unknown>, protocol = 'HTTP') {
  return new Pool(
    PoolSchema.parse({
      id: 'p',
      protocol,
      session_persistence: persistence,
      members: [
        { address: '10.0.0.1', protocol_port: 80 },
        { address: '10.0.0.2', protocol_port: 80 },
        { address: '10.0.0.3', protocol_port: 80 },
      ],
    }),
    { lbType: 'dedicated' },
  );
}

describe('SOURCE_IP stickiness', () => {
  it('keeps a client on its member, for 20 minutes by default, sliding with use', () => {
    const p = pool({ type: 'SOURCE_IP' }, 'TCP');
    const first = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 }).member?.key;
    // Round robin alone would move on; stickiness holds.
    for (let i = 1; i <= 5; i++) {
      expect(
        p.pick({ clientIp: '203.0.113.5', clientPort: 1000 + i, now: t0 + i * 19 * minute }).member?.key,
      ).toBe(first);
    }
    // Another client is balanced normally.
    expect(p.pick({ clientIp: '203.0.113.6', clientPort: 1, now: t0 }).member?.key).not.toBe(first);
  });

  it('expires after persistence_timeout minutes without use', () => {
    const p = pool({ type: 'SOURCE_IP', persistence_timeout: 1 }, 'TCP');
    const first = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 }).member?.key;
    p.pick({ clientIp: '198.51.100.1', clientPort: 1, now: t0 }); // moves round robin on
    expect(p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 + 59_000 }).member?.key).toBe(first);
    const later = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 + 59_000 + minute }).member?.key;
    expect(later).not.toBe(first);
  });

  it('an unhealthy member breaks stickiness and the client is re-bound (FAQ 1.11)', () => {
    const p = pool({ type: 'SOURCE_IP' }, 'TCP');
    const first = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 }).member?.key ?? '';
    p.setHealth(first, false, 'down');
    const second = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 + 1 }).member?.key;
    expect(second).not.toBe(first);
    p.setHealth(first, true, 'up');
    expect(p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 + 2 }).member?.key).toBe(second);
  });
});

describe('HTTP_COOKIE stickiness (the load balancer inserts a cookie)', () => {
  it('sets a cookie naming the member without revealing its address, and follows it', () => {
    const p = pool({ type: 'HTTP_COOKIE' });
    const r = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 });
    if (!r.member || !r.setCookie) throw new Error('expected a member and a cookie');
    expect(r.setCookie).toMatchObject({ name: LB_COOKIE_NAME, maxAgeSeconds: 1200 });
    expect(r.setCookie.value).not.toContain('10.0.0');
    expect(decodeLbCookie(r.setCookie.value)?.expiresAtMs).toBe(t0 + 20 * minute);
    const cookies = { [LB_COOKIE_NAME]: r.setCookie.value };
    for (let i = 1; i <= 4; i++) {
      // Different client addresses (a CDN in front, FAQ 1.4) do not matter: the cookie decides.
      expect(p.pick({ clientIp: `198.51.100.${i}`, clientPort: 1, cookies, now: t0 + i }).member?.key).toBe(
        r.member.key,
      );
    }
  });

  it('ignores an expired, forged or foreign cookie', () => {
    const p = pool({ type: 'HTTP_COOKIE', persistence_timeout: 1 });
    const r = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 });
    const value = r.member ? r.setCookie?.value : undefined;
    if (!value) throw new Error('no cookie');
    p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 }); // advance round robin
    const expired = p.pick({
      clientIp: '203.0.113.5',
      clientPort: 1,
      cookies: { [LB_COOKIE_NAME]: value },
      now: t0 + 2 * minute,
    });
    expect(expired.member?.key).not.toBe(r.member?.key);
    for (const bad of ['garbage', 'AAAAAAAAAAAAAAAA.99999999999']) {
      expect(
        p.pick({ clientIp: '1.1.1.1', clientPort: 1, cookies: { [LB_COOKIE_NAME]: bad }, now: t0 }).member,
      ).not.toBeNull();
    }
  });

  it('re-binds to a healthy member when the cookie names an unhealthy one', () => {
    const p = pool({ type: 'HTTP_COOKIE' });
    const r = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 });
    if (!r.member || !r.setCookie) throw new Error('no cookie');
    p.setHealth(r.member.key, false, 'HTTP 500');
    const again = p.pick({
      clientIp: '203.0.113.5',
      clientPort: 1,
      cookies: { [LB_COOKIE_NAME]: r.setCookie.value },
      now: t0 + 1,
    });
    expect(again.member?.key).not.toBe(r.member.key);
    expect(again.member && again.setCookie?.value).not.toBe(r.setCookie.value);
  });
});

describe('APP_COOKIE stickiness (learned from the backend)', () => {
  it('follows a cookie the backend set, until it expires', () => {
    const p = pool({ type: 'APP_COOKIE', cookie_name: 'JSESSIONID', persistence_timeout: 5 });
    const r = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 });
    if (!r.member) throw new Error('no member');
    expect('setCookie' in r && r.setCookie).toBeFalsy();
    p.learnAppCookie('abc123', r.member, t0);
    const cookies = { JSESSIONID: 'abc123' };
    for (let i = 1; i <= 4; i++) {
      expect(
        p.pick({ clientIp: '203.0.113.5', clientPort: 1, cookies, now: t0 + i * minute }).member?.key,
      ).toBe(r.member.key);
    }
    // Unknown session values are balanced normally.
    const other = p.pick({ clientIp: '203.0.113.5', clientPort: 1, cookies: { JSESSIONID: 'zzz' }, now: t0 });
    expect(other.member).not.toBeNull();
    // 5 minutes after its last use the binding lapses.
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 3; i++)
      seen.add(p.pick({ clientIp: '1.1.1.1', clientPort: 1, cookies, now: t0 + 10 * minute }).member?.key);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('moves the session to a new member when its member becomes unhealthy', () => {
    const p = pool({ type: 'APP_COOKIE', cookie_name: 'sid' });
    const r = p.pick({ clientIp: '203.0.113.5', clientPort: 1, now: t0 });
    if (!r.member) throw new Error('no member');
    p.learnAppCookie('s1', r.member, t0);
    p.setHealth(r.member.key, false, 'down');
    const moved = p.pick({ clientIp: '203.0.113.5', clientPort: 1, cookies: { sid: 's1' }, now: t0 + 1 })
      .member?.key;
    expect(moved).not.toBe(r.member.key);
    p.setHealth(r.member.key, true, 'up');
    expect(
      p.pick({ clientIp: '203.0.113.5', clientPort: 1, cookies: { sid: 's1' }, now: t0 + 2 }).member?.key,
    ).toBe(moved);
  });
});

describe('FAQ 6.1 stickiness combinations', () => {
  it('follows Table 6-1 (dedicated) and Table 6-2 (shared)', () => {
    for (const lb of ['dedicated', 'shared'] as const) {
      for (const proto of ['TCP', 'UDP'] as const) {
        for (const algo of ['ROUND_ROBIN', 'LEAST_CONNECTIONS'] as const) {
          expect(allowedStickinessTypes(proto, algo, lb)).toEqual(['SOURCE_IP']);
        }
        expect(stickinessAllowed(proto, 'SOURCE_IP', 'SOURCE_IP', lb)).toBe(false);
        expect(stickinessAllowed(proto, 'ROUND_ROBIN', 'HTTP_COOKIE', lb)).toBe(false);
      }
      for (const proto of ['HTTP', 'HTTPS'] as const) {
        for (const algo of ['ROUND_ROBIN', 'LEAST_CONNECTIONS'] as const) {
          expect(stickinessAllowed(proto, algo, 'HTTP_COOKIE', lb)).toBe(true);
          expect(stickinessAllowed(proto, algo, 'APP_COOKIE', lb)).toBe(true);
          expect(stickinessAllowed(proto, algo, 'SOURCE_IP', lb)).toBe(false);
        }
        expect(allowedStickinessTypes(proto, 'SOURCE_IP', lb)).toEqual([]);
      }
    }
  });

  it('explains a refusal with the table it comes from', () => {
    expect(explainStickiness('HTTP', 'SOURCE_IP', 'HTTP_COOKIE', 'shared')).toContain('Table 6-2');
    expect(explainStickiness('TCP', 'ROUND_ROBIN', 'APP_COOKIE', 'dedicated')).toMatch(
      /not allowed.*allowed: SOURCE_IP.*Table 6-1/,
    );
  });
});
