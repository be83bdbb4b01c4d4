import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  REDACTED,
  redact,
  redactText,
  SecretSet,
  secretsFromInventory,
} from '../../../src/reporters/redact.js';
import { renderReport, reporterNames } from '../../../src/reporters/registry.js';
import {
  failTwoMembers,
  plantedSecrets,
  resultWithSecrets,
  sharesChartRun,
  unhealthyGraph,
} from '../../fixtures/results.js';

const EXTRA = 'env-pass-Zq9!';

describe('redactText', () => {
  it('masks header values, keeping header and cookie names, the auth scheme and cookie attributes', () => {
    const out = redactText(
      'Host: a\r\nAuthorization: Bearer abc\r\nProxy-Authorization: Basic x\nset-cookie: a=b; Path=/; Max-Age=1200\ncookie: c=d; e=f\nAuthorization: rawtoken',
    );
    expect(out).toBe(
      `Host: a\r\nAuthorization: Bearer ${REDACTED}\r\nProxy-Authorization: Basic ${REDACTED}\nset-cookie: a=${REDACTED}; Path=/; Max-Age=1200\ncookie: c=${REDACTED}; e=${REDACTED}\nAuthorization: ${REDACTED}`,
    );
  });
  it('masks the same headers written as JSON (a member echoing its request)', () => {
    expect(
      redactText(
        '{"Authorization":"Bearer t0k","Cookie":"sid=s1; lang=en","set-cookie": "SERVERID=x; Path=/"}',
      ),
    ).toBe(
      `{"Authorization":"Bearer ${REDACTED}","Cookie":"sid=${REDACTED}; lang=${REDACTED}","set-cookie": "SERVERID=${REDACTED}; Path=/"}`,
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
    const out = redact(input, { secrets: [EXTRA] });
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
  it.each(reporterNames())('%s removes a secret by value where no pattern would find it', async (name) => {
    const result = structuredClone(failTwoMembers);
    result.findings[0]!.evidence.push('the member answered: {"seen": "s3cr3t-VALUE-42"}');
    result.checks[0]!.observation.summary += ' body s3cr3t-VALUE-42';
    const secrets = new SecretSet().addParams({ headers: { 'X-Api-Key': 's3cr3t-VALUE-42' } });
    for (const verbose of [false, true]) {
      const out = await renderReport(name, result, { color: false, verbose, graph: unhealthyGraph, secrets });
      expect(out).not.toContain('s3cr3t-VALUE-42');
      expect(out).toContain(REDACTED);
    }
  });

  it.each(reporterNames())('%s keeps a host from steering the terminal', async (name) => {
    const result = structuredClone(failTwoMembers);
    result.findings[0]!.evidence.push('body: \u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m\rover');
    const out = await renderReport(name, result, { color: false, verbose: true, graph: unhealthyGraph });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    if (name === 'json') expect(JSON.parse(out).findings[0].evidence.at(-1)).toContain('\u001b]52');
    else expect(out).toContain('\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m\\rover');
  });

  it.each(reporterNames())(
    '%s cleans a chart like every other string: secrets out, controls shown',
    async (name) => {
      const result = structuredClone(sharesChartRun);
      const chart = result.findings[0]!.chart!;
      chart.title += ' \u001b[2Jcleared';
      chart.bars[0]!.label = 'be1 token=s3cr3t-VALUE-42';
      chart.bars[1]!.label = 'be2 s3cr3t-VALUE-42';
      const secrets = new SecretSet().addParams({ headers: { 'X-Api-Key': 's3cr3t-VALUE-42' } });
      const out = await renderReport(name, result, { color: false, secrets });
      expect(out).not.toContain('s3cr3t-VALUE-42');
      expect(out).toContain(REDACTED);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    },
  );

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

describe('SecretSet: the secrets a user gave, removed wherever they appear', () => {
  it('credential headers by value, the auth scheme kept; other headers are evidence', () => {
    const set = new SecretSet().addParams({
      headers: {
        Authorization: 'Bearer tok-1234',
        'X-Api-Key': 'key-5678',
        'X-Auth-Token': 'xat-9012',
        'X-Trace': 'trace-visible',
        Host: 'www.example.com',
      },
    });
    expect([...set.list()].sort()).toEqual(['key-5678', 'tok-1234', 'xat-9012']);
    expect(set.replaceIn('echo: Bearer tok-1234 key-5678 xat-9012 trace-visible www.example.com')).toBe(
      `echo: Bearer ${REDACTED} ${REDACTED} ${REDACTED} trace-visible www.example.com`,
    );
  });

  it('cookie values from a cookie jar and a Cookie header; names stay', () => {
    const set = new SecretSet().addParams({
      cookies: { sid: 'c00kie-1' },
      headers: { cookie: 'a=c00kie-2; b=c00kie-3' },
    });
    expect(set.replaceIn('sid=c00kie-1; a=c00kie-2; b=c00kie-3')).toBe(
      `sid=${REDACTED}; a=${REDACTED}; b=${REDACTED}`,
    );
  });

  it('URL passwords, as written, decoded, and as the Basic credential a client sends', () => {
    const set = new SecretSet().addParams({ url: 'http://ops:p%40ss-word@10.0.0.5/x' });
    const basic = Buffer.from('ops:p@ss-word').toString('base64');
    expect(set.replaceIn(`p%40ss-word p@ss-word Basic ${basic}`)).toBe(
      `${REDACTED} ${REDACTED} Basic ${REDACTED}`,
    );
  });

  it('the spellings an echo uses: JSON-escaped and URL-encoded', () => {
    const set = new SecretSet().add('a"b\\c d');
    expect(set.replaceIn(JSON.stringify({ echo: 'a"b\\c d' }))).toBe(`{"echo":"${REDACTED}"}`);
    expect(set.replaceIn(`?q=${encodeURIComponent('a"b\\c d')}`)).toBe(`?q=${REDACTED}`);
  });

  it('values under secret names, never under others; short values only where they sit', () => {
    const set = new SecretSet().addParams({ password: 'pw-1234', path: '/health', token: 'abc' }).addNamed([
      ['api_token', 'tok-fact-1'],
      ['port', '8080'],
    ]);
    expect([...set.list()].sort()).toEqual(['pw-1234', 'tok-fact-1']);
  });

  it('an inventory: password_env values, passwords in ssh:// reaches, inline private keys', () => {
    const set = new SecretSet().addInventory(
      {
        hosts: {
          a: { ssh: 'ssh://root@a', password_env: 'PW_A' },
          b: { ssh: 'ssh://ops:inline-pw@b:22' },
        },
        certificates: [
          {
            id: 'c',
            type: 'server',
            certificate: 'x',
            private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
          },
        ],
      },
      { PW_A: 'env-pw-1' },
    );
    expect(set.replaceIn('env-pw-1 inline-pw')).toBe(`${REDACTED} ${REDACTED}`);
    expect(set.list().some((v) => v.includes('MIIE'))).toBe(true);
  });

  it('a longer secret containing a shorter one is removed whole', () => {
    expect(new SecretSet(['abcd', 'abcdefgh']).replaceIn('xabcdefghx')).toBe(`x${REDACTED}x`);
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
