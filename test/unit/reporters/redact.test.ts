import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  REDACTED,
  redact,
  redactText,
  secretsFromInventory,
} from '../../../src/reporters/redact.js';
import { renderReport, reporterNames } from '../../../src/reporters/registry.js';
import { failTwoMembers, plantedSecrets, resultWithSecrets, unhealthyGraph } from '../../fixtures/results.js';

const EXTRA = 'env-pass-Zq9!';

describe('redactText', () => {
  it('masks header lines, keeping the header name', () => {
    const out = redactText(
      'Host: a\r\nAuthorization: Bearer abc\r\nProxy-Authorization: Basic x\nset-cookie: a=b\ncookie: c=d',
    );
    expect(out).toBe(
      `Host: a\r\nAuthorization: ${REDACTED}\r\nProxy-Authorization: ${REDACTED}\nset-cookie: ${REDACTED}\ncookie: ${REDACTED}`,
    );
  });
  it('masks PEM private keys, also truncated ones, but not certificates', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----';
    expect(redactText(`${cert}\n${key}\nafter`)).toBe(`${cert}\n${REDACTED}\nafter`);
    expect(redactText('x -----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl')).toBe(`x ${REDACTED}`);
  });
  it('masks the password of user:password@ in URLs and keeps the user', () => {
    expect(redactText('ssh://root:s3cret@h:22 and http://u:p@x/')).toBe(
      `ssh://root:${REDACTED}@h:22 and http://u:${REDACTED}@x/`,
    );
    expect(redactText('ssh://root@h:22')).toBe('ssh://root@h:22');
  });
  it('masks key=value secrets and literal extra secrets', () => {
    expect(redactText('health check pass: 200 OK')).toBe('health check pass: 200 OK');
    expect(redactText('a?token=abc&x=1 --password=pw')).toBe(
      `a?token=${REDACTED}&x=1 --password=${REDACTED}`,
    );
    expect(redactText('login as bob/xyzzy now', ['xyzzy', ''])).toBe(`login as bob/${REDACTED} now`);
    expect(redactText('{"password": "p\\"w", "user": "u"}')).toBe(`{"password": "${REDACTED}", "user": "u"}`);
    expect(redactText("db_password: hunter2\npassword_env: PW_VAR\ntoken_count=3\napi-key='k'")).toBe(
      `db_password: ${REDACTED}\npassword_env: PW_VAR\ntoken_count=3\napi-key='${REDACTED}'`,
    );
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'db_passwd',
    'client_secret',
    'token',
    'X-Api-Key',
    'apikey',
    'private_key',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'session',
    'api_token@host:be1',
  ])('%s names a secret', (k) => expect(isSecretKey(k)).toBe(true));
  it.each([
    'cookie_name',
    'password_env',
    'session_persistence',
    'hc_enabled@pool:p',
    'status',
    'key',
    'headers',
  ])('%s does not', (k) => expect(isSecretKey(k)).toBe(false));
});

describe('redact', () => {
  it('returns a redacted deep copy and leaves the input untouched', () => {
    const input = resultWithSecrets(EXTRA);
    const before = structuredClone(input);
    const out = redact(input, { extraSecrets: [EXTRA] });
    expect(input).toEqual(before);
    const json = JSON.stringify(out);
    for (const s of [...plantedSecrets, EXTRA]) expect(json, s).not.toContain(s);
    // What describes a secret without holding it stays: FAQ 1.11 needs the cookie name.
    expect(json).toContain('SERVERID');
    expect(out.checks[2]!.observation.data.chain).toBe('INPUT');
    expect(out.checks[2]!.observation.data.rawHeaders).toEqual([
      'Content-Type',
      'text/plain',
      'Set-Cookie',
      REDACTED,
      'X-Auth-Token',
      REDACTED,
    ]);
    expect(out.facts.find((f) => f.key === 'db_password@host:be1')?.value).toBe(REDACTED);
    expect(out.facts.find((f) => f.key.startsWith('hc_enabled'))?.value).toBe(true);
  });
  it('changes nothing in a result without secrets', () => {
    expect(redact(failTwoMembers)).toEqual(failTwoMembers);
  });
});

describe('every format', () => {
  it.each(reporterNames())('%s never prints a planted secret', async (name) => {
    const result = resultWithSecrets(EXTRA);
    for (const verbose of [false, true]) {
      const out = await renderReport(name, result, {
        color: false,
        verbose,
        graph: unhealthyGraph,
        secrets: [EXTRA],
      });
      for (const s of [...plantedSecrets, EXTRA]) expect(out, `${name} leaked ${s}`).not.toContain(s);
    }
  });
});

describe('secretsFromInventory', () => {
  it('reads the values of the variables password_env names', () => {
    const hosts = {
      a: { ssh: 'ssh://a', password_env: 'PW_A' },
      b: { ssh: 'ssh://b' },
      c: { ssh: 'c', password_env: 'NOPE' },
    };
    expect(secretsFromInventory({ hosts }, { PW_A: 'one' })).toEqual(['one']);
  });
});
