// The shared TLS judgement's pure parts: the day count (issue 12: -2 for a
// certificate that expired one day ago) and how handshake errors are named.
import { describe, expect, it } from 'vitest';
import { daysLeft, readHandshakeError, refusedVerdict, sniName } from '../../../src/probes/tls-handshake.js';

const now = new Date('2026-11-28T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const DAY = 86_400_000;

describe('daysLeft counts whole days, toward zero', () => {
  it.each([
    [-DAY - 5_000, -1], // expired a day (and a few seconds) ago
    [-2 * DAY - 5_000, -2],
    [-5_000, 0], // expired seconds ago: not a whole day yet
    [DAY + 5_000, 1],
    [2 * DAY - 5_000, 1],
    [30 * DAY, 30],
  ])('%d ms from now → %d', (offset, days) => {
    expect(daysLeft(at(offset), now)).toBe(days);
  });
});

describe('readHandshakeError names what the server did', () => {
  it.each([
    [
      { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', message: 'tlsv1 alert protocol version' },
      'no-shared-protocol',
      'protocol_version',
    ],
    [
      { code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', message: 'sslv3 alert handshake failure' },
      'no-shared-cipher',
      'handshake_failure',
    ],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' }, 'not-tls', undefined],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'closed', undefined],
    [{ code: 'ETIMEDOUT', message: 'handshake timed out' }, 'timeout', undefined],
  ])('%o → %s', (err, meaning, alert) => {
    const f = readHandshakeError(Object.assign(new Error(err.message), { code: err.code }));
    expect(f.meaning).toBe(meaning);
    expect(f.alert).toBe(alert);
    expect(refusedVerdict(f)).toMatchObject({ layer: 'handshake', handshake: f });
  });
});

describe('sniName', () => {
  it('sends names, never IP literals (RFC 6066)', () => {
    expect(sniName('www.example.com')).toBe('www.example.com');
    expect(sniName('10.0.0.1')).toBeUndefined();
    expect(sniName('::1')).toBeUndefined();
    expect(sniName('')).toBeUndefined();
  });
});
