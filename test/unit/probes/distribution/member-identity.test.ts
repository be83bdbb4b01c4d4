// Learning what tells members apart from their direct answers, and putting
// answers through the listener down to a member.
import { describe, expect, it } from 'vitest';
import {
  type Answer,
  attribute,
  bodyMark,
  learnIdentity,
} from '../../../../src/probes/distribution/member-identity.js';

const answer = (headers: Record<string, string | string[]>, body = 'hello\n'): Answer => ({
  status: 200,
  headers: { date: new Date().toUTCString(), ...headers },
  body,
});

describe('learnIdentity', () => {
  it('prefers a signature header whose value is stable per member and differs between them', () => {
    const id = learnIdentity([
      [answer({ server: 'nginx', 'x-backend': 'be1' }), answer({ server: 'nginx', 'x-backend': 'be1' })],
      [answer({ server: 'nginx', 'x-backend': 'be2' }), answer({ server: 'nginx', 'x-backend': 'be2' })],
    ]);
    expect(id).toEqual({ by: 'header', header: 'x-backend', marks: ['be1', 'be2'] });
    expect(attribute(id, answer({ 'x-backend': 'be2' }))).toBe(1);
    expect(attribute(id, answer({ 'x-backend': 'other' }))).toBeUndefined();
    expect(attribute(id, answer({}))).toBeUndefined();
  });

  it('skips headers that change per answer (date, a request id) and finds any other stable one', () => {
    const id = learnIdentity([
      [
        answer({ 'x-request-id': 'a', 'x-pod': 'web-7f' }),
        answer({ 'x-request-id': 'b', 'x-pod': 'web-7f' }),
      ],
      [
        answer({ 'x-request-id': 'c', 'x-pod': 'web-9c' }),
        answer({ 'x-request-id': 'd', 'x-pod': 'web-9c' }),
      ],
    ]);
    expect(id).toMatchObject({ by: 'header', header: 'x-pod' });
  });

  it('takes Server last: a load balancer in front often puts its own', () => {
    const id = learnIdentity([
      [answer({ server: 'nginx/1.22', 'x-pod': 'a' }), answer({ server: 'nginx/1.22', 'x-pod': 'a' })],
      [answer({ server: 'nginx/1.18', 'x-pod': 'b' }), answer({ server: 'nginx/1.18', 'x-pod': 'b' })],
    ]);
    expect(id).toMatchObject({ by: 'header', header: 'x-pod' });
    const only = learnIdentity([[answer({ server: 'nginx/1.22' })], [answer({ server: 'nginx/1.18' })]]);
    expect(only).toMatchObject({ by: 'header', header: 'server' });
  });

  it('falls back to the body when no header differs', () => {
    const id = learnIdentity([
      [answer({}, 'page from a'), answer({}, 'page from a')],
      [answer({}, 'page from b'), answer({}, 'page from b')],
    ]);
    expect(id).toEqual({ by: 'body', marks: [bodyMark('page from a'), bodyMark('page from b')] });
    expect(attribute(id, answer({}, 'page from b'))).toBe(1);
  });

  it('identical members: none, with the reason', () => {
    const id = learnIdentity([
      [answer({}), answer({})],
      [answer({}), answer({})],
    ]);
    expect(id).toEqual({
      by: 'none',
      why: 'the members answer identically (no header or body tells them apart)',
    });
  });

  it('a header named by the user must tell them apart', () => {
    const members = [[answer({ 'x-backend': 'be1' })], [answer({ 'x-backend': 'be2' })]];
    expect(learnIdentity(members, 'X-Backend')).toMatchObject({ by: 'header', header: 'x-backend' });
    expect(learnIdentity(members, 'Server')).toMatchObject({ by: 'none' });
  });

  it('one member of several answering directly: recognised by its signature, the silent ones not', () => {
    const id = learnIdentity([[answer({ 'x-backend': 'be1' }), answer({ 'x-backend': 'be1' })], []]);
    expect(id).toEqual({ by: 'header', header: 'x-backend', marks: ['be1', undefined] });
    expect(learnIdentity([[], []])).toEqual({ by: 'none', why: 'no member answered directly' });
  });

  it('a pool of one member: every answer is its', () => {
    expect(learnIdentity([[answer({})]])).toEqual({ by: 'single' });
    expect(attribute({ by: 'single' }, answer({}))).toBe(0);
  });
});
