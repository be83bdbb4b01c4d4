// The response relay on its own: every byte split a member could send, and the
// verdict it gives the exchange — more, complete, or broken (never complete for
// a short body) — plus the head reader's limits and the failover rule.
import { describe, expect, it } from 'vitest';
import { MemberAttempts } from '../../../src/reference/http/member-attempts.js';
import { MAX_RESPONSE_HEAD, ResponseHeadReader } from '../../../src/reference/http/response-head-reader.js';
import { type RelayState, ResponseRelay } from '../../../src/reference/http/response-relay.js';
import type { BodyFraming } from '../../../src/reference/http/wire/response-head.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function relay(framing: BodyFraming, dechunk = false) {
  const sent: string[] = [];
  let bodyBytes = 0;
  const r = new ResponseRelay(framing, 'HEAD\r\n\r\n', dechunk, (data, body) => {
    sent.push(typeof data === 'string' ? data : data.toString('latin1'));
    bodyBytes += body;
  });
  return { r, sent: () => sent.join(''), bodyBytes: () => bodyBytes };
}

/** Pushes `body` one byte at a time and returns every state seen. */
function bytewise(r: ResponseRelay, body: string): RelayState[] {
  const states: RelayState[] = [];
  for (const c of body) states.push(r.push(b(c)));
  return states;
}

describe('ResponseRelay', () => {
  it('Content-Length: complete exactly at the last byte, however split; the head goes with the first byte', () => {
    const { r, sent, bodyBytes } = relay({ kind: 'length', length: 5 });
    expect(r.start(null)).toBe('more');
    expect(bytewise(r, 'hello')).toEqual(['more', 'more', 'more', 'more', 'complete']);
    expect(sent()).toBe('HEAD\r\n\r\nhello');
    expect(bodyBytes()).toBe(5);
    expect(r.surplus).toBe(false);
  });

  it('Content-Length: bytes past the end are dropped and mark the member connection', () => {
    const { r, sent } = relay({ kind: 'length', length: 2 });
    expect(r.start(b('okEXTRA'))).toBe('complete');
    expect(sent()).toBe('HEAD\r\n\r\nok');
    expect(r.surplus).toBe(true);
  });

  it('a member that closes short of Content-Length or mid-chunk is broken, never complete', () => {
    const short = relay({ kind: 'length', length: 1000 });
    short.r.start(b('x'.repeat(100)));
    expect(short.r.memberClosed()).toEqual({
      broken: 'member-closed',
      message: 'upstream prematurely closed connection while reading upstream, 900 body bytes missing',
    });
    const chunk = relay({ kind: 'chunked' });
    chunk.r.start(b('64\r\nyyyy'));
    expect(chunk.r.memberClosed()).toMatchObject({ broken: 'member-closed' });
  });

  it('a body delimited by closing is complete at the close, and says the client cannot see a cut', () => {
    const { r, sent } = relay({ kind: 'close' });
    expect(r.start(b('abc'))).toBe('more');
    expect(r.memberClosed()).toBe('complete');
    expect(sent()).toBe('HEAD\r\n\r\nabc');
    expect(r.closeDelimited).toBe(true);
    expect(relay({ kind: 'chunked' }, true).r.closeDelimited).toBe(true);
    expect(relay({ kind: 'chunked' }).r.closeDelimited).toBe(false);
  });

  it('chunked passes through as framed; a malformed chunk is broken after what came before it', () => {
    const ok = relay({ kind: 'chunked' });
    const body = '5\r\nhello\r\n0\r\n\r\n';
    const states = bytewise(ok.r, body);
    expect(states.at(-1)).toBe('complete');
    expect(states.slice(0, -1).every((s) => s === 'more')).toBe(true);
    expect(ok.sent()).toBe(`HEAD\r\n\r\n${body}`);
    const bad = relay({ kind: 'chunked' });
    const state = bad.r.start(b('5\r\nhello\r\n5\r\nworldZZ\r\n'));
    expect(state).toMatchObject({
      broken: 'member-invalid-chunk',
      message: expect.stringMatching(/^upstream sent invalid chunked response/),
    });
    expect(bad.sent().startsWith('HEAD\r\n\r\n5\r\nhello\r\n')).toBe(true);
  });

  it('decodes chunked for an HTTP/1.0 client', () => {
    const { r, sent, bodyBytes } = relay({ kind: 'chunked' }, true);
    expect(r.start(b('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'))).toBe('complete');
    expect(sent()).toBe('HEAD\r\n\r\nhello world');
    expect(bodyBytes()).toBe(11);
  });

  it('no body: complete at once, the head alone', () => {
    const { r, sent } = relay({ kind: 'none' });
    expect(r.start(null)).toBe('complete');
    expect(sent()).toBe('HEAD\r\n\r\n');
  });
});

describe('ResponseHeadReader', () => {
  it('skips 1xx, returns the head and the body bytes after it, however split', () => {
    const head = 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n';
    const wire = `${head}ok`;
    const reader = new ResponseHeadReader('GET');
    const kinds = [...head].map((c) => reader.push(b(c)).kind);
    expect(kinds.slice(0, -1).every((k) => k === 'more')).toBe(true);
    expect(kinds.at(-1)).toBe('head');
    expect(new ResponseHeadReader('GET').push(b(wire))).toMatchObject({
      kind: 'head',
      head: { status: 200 },
      framing: { kind: 'length', length: 2 },
      rest: b('ok'),
    });
  });

  it('a head over the limit is malformed, whether it comes in one read or many', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(MAX_RESPONSE_HEAD)}\r\n\r\n`;
    expect(new ResponseHeadReader('GET').push(b(big))).toMatchObject({ kind: 'malformed' });
    const reader = new ResponseHeadReader('GET');
    let last = reader.push(b(big.slice(0, 1000)));
    for (let i = 1000; i < big.length && last.kind === 'more'; i += 1000)
      last = reader.push(b(big.slice(i, i + 1000)));
    expect(last).toMatchObject({ kind: 'malformed', reason: 'upstream sent too big header' });
  });

  it('101 to a request without Upgrade, leading zeros, bare LF: malformed', () => {
    for (const wire of [
      'HTTP/1.1 101 Switching Protocols\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\n',
      'HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n',
    ]) {
      expect(new ResponseHeadReader('GET').push(b(wire)).kind).toBe('malformed');
    }
  });
});

describe('MemberAttempts.failed: try another member or answer', () => {
  const attemptsAt = (connected: boolean) => {
    const a = new MemberAttempts();
    a.current = {
      status: null,
      connectTime: connected ? 0.001 : null,
      headerTime: null,
      responseTime: null,
      addr: 'x:1',
    };
    return a;
  };
  const none = { bodyStarted: false, hasBody: false, sticky: false };

  it('a member never reached: another one, unless body bytes already left (FAQ 1.9)', () => {
    expect(attemptsAt(false).failed(false, none)).toEqual({ outcome: 'connect-failed', retry: true });
    expect(attemptsAt(false).failed(true, none)).toEqual({ outcome: 'connect-timeout', retry: true });
    expect(attemptsAt(false).failed(false, { ...none, bodyStarted: true, hasBody: true }).retry).toBe(false);
  });

  it('no response in member_timeout: another member only without a body and outside a sticky session (FAQ 5.6)', () => {
    expect(attemptsAt(true).failed(true, none)).toEqual({ outcome: 'response-timeout', retry: true });
    expect(attemptsAt(true).failed(true, { ...none, sticky: true }).retry).toBe(false);
    expect(attemptsAt(true).failed(true, { ...none, hasBody: true }).retry).toBe(false);
    const failed = attemptsAt(true);
    expect(failed.failed(false, none)).toEqual({ outcome: 'failed', retry: false });
    expect(failed.lastFailure).toBe(502);
  });
});
