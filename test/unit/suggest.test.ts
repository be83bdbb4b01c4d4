// "did you mean …?" only for names close enough to be a typo.
import { describe, expect, it } from 'vitest';
import { closeMatch, editDistance } from '../../src/suggest.js';

const PLAYBOOKS = ['router-code', 'unhealthy-backend', 'tcp-idle', 'tls-handshake', 'udp'];
const SCENARIOS = ['empty-pool', 'all-members-down', 'healthy', 'tcp-idle-reset', 'weight-zero', 'abcde'];

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('router-cdoe', 'router-code')).toBe(1);
    expect(editDistance('jsno', 'json')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('closeMatch', () => {
  it.each([
    ['router-cdoe', 'router-code'],
    ['routercode', 'router-code'],
    ['Router-Code', 'router-code'],
    ['unhealthy-backends', 'unhealthy-backend'],
    ['tls-handshak', 'tls-handshake'],
    ['router', 'router-code'],
    ['upd', 'udp'],
  ])('%s → %s', (name, expected) => {
    expect(closeMatch(name, PLAYBOOKS)).toBe(expected);
  });

  it.each([['zzzzz'], ['nope'], ['x'], ['ab'], ['http'], ['backend'], ['']])('%s → no suggestion', (name) => {
    expect(closeMatch(name, PLAYBOOKS)).toBeUndefined();
  });

  it('scenario ids: a typo, never noise', () => {
    expect(closeMatch('empty-pol', SCENARIOS)).toBe('empty-pool');
    expect(closeMatch('all-member-down', SCENARIOS)).toBe('all-members-down');
    expect(closeMatch('tcp-idle', SCENARIOS)).toBe('tcp-idle-reset');
    expect(closeMatch('zzzzz', SCENARIOS)).toBeUndefined();
    expect(closeMatch('zzzzz', ['abcde', 'fghij'])).toBeUndefined();
    expect(closeMatch('abcdz', ['abcde'])).toBe('abcde');
  });

  it('prefers the closest, then the first listed', () => {
    expect(closeMatch('tcp-idle-rest', SCENARIOS)).toBe('tcp-idle-reset');
    expect(closeMatch('ab', ['ac', 'ad'])).toBe('ac');
    expect(closeMatch('abc', ['abd', 'abe'])).toBe('abd');
  });
});
