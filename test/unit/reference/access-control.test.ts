import { describe, expect, it } from 'vitest';
import { checkClientAccess, isClientAllowed } from '../../../src/reference/access-control.js';

describe('listener access control (FAQ 1.1)', () => {
  it('admits everyone without an ip group or with a disabled one', () => {
    expect(isClientAllowed(null, '203.0.113.9')).toBe(true);
    expect(isClientAllowed(undefined, '203.0.113.9')).toBe(true);
    expect(isClientAllowed({ type: 'white', ip_list: [], enable: false }, '203.0.113.9')).toBe(true);
  });

  it('whitelist admits only clients inside its CIDRs', () => {
    const g = { type: 'white' as const, ip_list: ['10.0.0.0/8', '192.0.2.7'], enable: true };
    expect(isClientAllowed(g, '10.2.3.4')).toBe(true);
    expect(isClientAllowed(g, '192.0.2.7')).toBe(true);
    expect(isClientAllowed(g, '192.0.2.8')).toBe(false);
    expect(isClientAllowed(g, '::ffff:10.1.1.1')).toBe(true);
    const d = checkClientAccess(g, '192.0.2.8');
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toContain('whitelist');
  });

  it('empty whitelist admits nobody', () => {
    expect(isClientAllowed({ type: 'white', ip_list: [], enable: true }, '127.0.0.1')).toBe(false);
  });

  it('blacklist refuses clients inside its CIDRs, IPv6 included', () => {
    const g = { type: 'black' as const, ip_list: ['127.0.0.0/8', '2001:db8::/32'], enable: true };
    expect(isClientAllowed(g, '127.0.0.1')).toBe(false);
    expect(isClientAllowed(g, '2001:db8::1')).toBe(false);
    expect(isClientAllowed(g, '2001:db9::1')).toBe(true);
    expect(isClientAllowed(g, '198.51.100.1')).toBe(true);
  });
});
