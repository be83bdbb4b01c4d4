// Secrets the user gave never come back out, whatever a member echoes (issue
// 13): a member that answers with its request as JSON (as httpbin does), a
// playbook whose conclusion renders the answer's body and headers, and every
// report format, `lbdoctor probe` and the live renderer. Also: what a host
// sends reaches the terminal with its control sequences made visible.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, lbdoctor } from '../helpers/cli.js';

const ENV_PASSWORD = 'pw-ENV-7777';
const SERVER_COOKIE = 'srv-STICKY-4242';
// What a terminal acts on: OSC 52 (write the clipboard), clear screen, a C1 CSI.
const HOSTILE = '\u001b]52;c;ZXZpbA==\u0007\u001b[2Jcleared\u009b31mred';
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
const HOSTILE_RAW = /\u001b\]|\u001b\[2J|\u0007|\u009b/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** An httpbin-like member: its answer is the request it got, as JSON, then a hostile line. */
function echo(req: IncomingMessage): string {
  const request = { method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders };
  // A host that echoes a password it should not (a login banner, a debug page).
  return `${JSON.stringify({ request, note: `login with ${ENV_PASSWORD}` })}\n${HOSTILE}\n`;
}

const server = createServer((req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'set-cookie': `SERVERID=${SERVER_COOKIE}; Path=/; Max-Age=1200`,
  });
  res.end(echo(req));
});
let port = 0;
let dir = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'lbd-redaction-'));
});
afterAll(() => new Promise((r) => server.close(r)));

function expectNoSecret(where: string, text: string, secrets: readonly string[]): void {
  for (const s of secrets) expect(text, `${where} shows ${s}`).not.toContain(s);
}

/** Text meant for a terminal: no raw ESC, BEL or C1 control; the escapes shown instead. */
function expectNeutralised(where: string, text: string): void {
  expect(text, where).not.toMatch(HOSTILE_RAW);
  expect(text, where).toContain('\\x1b]52;c;ZXZpbA==\\x07\\x1b[2Jcleared\\x9b31mred');
}

describe('lbdoctor probe http against a member that echoes its request', () => {
  const secrets = ['pr-URLPASS-1', 'pr-TOKEN-2', 'pr-COOKIE-3', 'pr-XAUTH-4', SERVER_COOKIE];
  const args = () => [
    'probe',
    'http',
    '--url',
    `http://ops:pr-URLPASS-1@127.0.0.1:${port}/echo`,
    '--header',
    'Authorization: Bearer pr-TOKEN-2',
    '--header',
    'X-Auth-Token: pr-XAUTH-4',
    '--header',
    'X-Trace: trace-visible-1',
    '--with',
    'cookies={"sid":"pr-COOKIE-3"}',
  ];

  it('text: no secret, names kept, control sequences shown as escapes', async () => {
    const r = await lbdoctor([...args(), '--with', 'bodyBytes=4096']);
    expect(r.code, r.stderr).toBe(0);
    // The text wraps at 80 columns: look for things with the line breaks and spaces taken out,
    // so that a value split across lines is still found (a secret too).
    const squash = (t: string) => t.replace(/\s+/g, '');
    const text = squash(r.stdout + r.stderr);
    expectNoSecret('probe text', r.stdout + r.stderr, secrets);
    expectNoSecret('probe text, unwrapped', text, secrets);
    // Names are evidence: the stickiness cookie, the headers sent; other values stay too.
    expect(r.stdout).toContain('set-cookie: SERVERID=[REDACTED]; Path=/; Max-Age=1200');
    expect(text).toContain(squash('sid=[REDACTED]'));
    expect(text).toContain(squash('"authorization":"Bearer [REDACTED]"'));
    expect(text).toContain('trace-visible-1');
    expect(r.stdout, 'probe text').not.toMatch(HOSTILE_RAW);
    expect(text).toContain(squash('\\x1b]52;c;ZXZpbA==\\x07\\x1b[2Jcleared\\x9b31mred'));
    expect(r.stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  it('json: no secret, and no raw control character', async () => {
    const r = await lbdoctor([...args(), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expectNoSecret('probe json', r.stdout + r.stderr, secrets);
    expect(r.stdout).not.toMatch(ANY_CONTROL);
    const out = JSON.parse(r.stdout);
    expect(out.params.cookies).toEqual({ sid: '[REDACTED]' });
    expect(out.params.headers).toMatchObject({
      authorization: 'Bearer [REDACTED]',
      'x-trace': 'trace-visible-1',
    });
    expect(out.observation.data.headers['set-cookie']).toBe('SERVERID=[REDACTED]; Path=/; Max-Age=1200');
    // JSON keeps the bytes, escaped as JSON escapes them.
    expect(out.observation.data.body).toContain(HOSTILE);
  });
});

describe('lbdoctor run: a conclusion that renders what the member echoed', () => {
  const secrets = [
    'pb-URLPASS-3456',
    'pb-TOKEN-5678',
    'pb-APIKEY-2222',
    'pb-COOKIE-9012',
    'q-TOKEN-1111',
    SERVER_COOKIE,
    ENV_PASSWORD,
  ];
  let inventory = '';
  let playbook = '';

  beforeAll(async () => {
    inventory = join(dir, 'inventory.yaml');
    await writeFile(
      inventory,
      `loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
listeners: [{name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: web}]
pools: [{id: web, protocol: HTTP, members: [{name: be1, address: 127.0.0.1, protocol_port: ${port}}]}]
hosts: {be1: {ssh: "ssh://ops@127.0.0.1:1", password_env: LBD_TEST_PASSWORD}}
`,
    );
    playbook = join(dir, 'echo-secrets.yaml');
    await writeFile(
      playbook,
      `id: echo-secrets
title: A member that echoes its request
faq: ["1.6"]
start: request
steps:
  request:
    kind: probe
    title: Request the echo member
    foreach: listeners
    probe: http
    with:
      url: "http://ops:pb-URLPASS-3456@{{ listener.hostport }}/echo?token=q-TOKEN-1111"
      headers: {Authorization: "Bearer pb-TOKEN-5678", X-Api-Key: pb-APIKEY-2222, X-Trace: trace-visible-2}
      cookies: {sid: pb-COOKIE-9012}
      bodyBytes: 4096
    default: echoed
  echoed:
    kind: conclude
    title: "echoed: {{ steps.request.data.body }}"
    severity: error
    cause: "{{ steps.request.summary }}; headers {{ steps.request.data.headers }}"
    evidence:
      - "{{ steps.request.data.body }}"
      - "{{ steps.request.data.headers }}"
      - "the stickiness cookie set: {{ steps.request.data.headers.set-cookie }}"
      - "{{ steps.request.raw }}"
    fix: ["curl {{ steps.request.data.url }}"]
`,
    );
  });

  it('text, json, junit and markdown: no secret, names kept, control sequences neutralised', async () => {
    const files = { json: 'r.json', junit: 'r.xml', markdown: 'r.md' } as const;
    const r = await lbdoctor(
      [
        'run',
        playbook,
        '--inventory',
        inventory,
        '--verbose',
        '--format',
        'text',
        ...Object.entries(files).flatMap(([f, name]) => ['--format', `${f}:${join(dir, name)}`]),
      ],
      { env: { LBD_TEST_PASSWORD: ENV_PASSWORD } },
    );
    expect(r.code, r.stderr).toBe(1);
    const outputs: Record<string, string> = { text: r.stdout, stderr: r.stderr };
    for (const [f, name] of Object.entries(files)) outputs[f] = await readFile(join(dir, name), 'utf8');
    for (const [format, text] of Object.entries(outputs)) expectNoSecret(format, text, secrets);

    const report = JSON.parse(outputs.json!);
    const finding = report.findings[0];
    expect(finding.code).toBe('echo-secrets/echoed');
    expect(finding.evidence[2]).toBe('the stickiness cookie set: SERVERID=[REDACTED]; Path=/; Max-Age=1200');
    expect(finding.evidence[1]).toContain('"set-cookie":"SERVERID=[REDACTED]; Path=/; Max-Age=1200"');
    expect(finding.evidence[0]).toContain('"cookie":"sid=[REDACTED]"');
    expect(finding.evidence[0]).toContain('"authorization":"Bearer [REDACTED]"');
    expect(finding.evidence[0]).toContain('trace-visible-2');
    expect(finding.fix[0]).toContain('http://ops:[REDACTED]@127.0.0.1');

    for (const format of ['text', 'markdown', 'junit'] as const) expectNeutralised(format, outputs[format]!);
    expect(outputs.json).not.toMatch(ANY_CONTROL);
  });

  it('the live renderer on a terminal: no secret, control sequences neutralised', async () => {
    const command = [
      'node',
      BIN,
      'run',
      playbook,
      '--inventory',
      inventory,
      '--non-interactive',
      '--format',
      `json:${join(dir, 'live.json')}`,
      '--format',
      'text',
    ]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    // script(1) gives the run a terminal: stderr is a TTY, so the live renderer draws.
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, CI: '', NO_COLOR: '1', LBD_TEST_PASSWORD: ENV_PASSWORD },
      timeout: 30_000,
    }).catch((e: { stdout: string }) => e);
    expect(stdout).toContain('echoed:');
    expect(stdout).toContain('\r\u001b[2K'); // the status line is drawn: this is the live renderer
    expectNoSecret('live', stdout, secrets);
    expect(stdout).not.toMatch(HOSTILE_RAW);
  });
});
