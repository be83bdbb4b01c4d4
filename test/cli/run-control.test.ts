// Stopping a run: Ctrl-C and --deadline still produce a report; custom
// playbooks from --playbooks; answers from a file.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, lbdoctor } from '../helpers/cli.js';

// Accepts connections and never answers: an HTTP request to it hangs.
const sockets = new Set<Socket>();
const silent = createServer((s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
let port = 0;
let dir = '';

beforeAll(async () => {
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  port = (silent.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'lbd-run-'));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

describe('stopping a run', () => {
  it('Ctrl-C stops the walk and still prints what was found, exit 3', async () => {
    const child = execa(
      'node',
      [BIN, 'run', 'router-code', '--target', `127.0.0.1:${port}`, '--timeout', '60s', '--format', 'json'],
      {
        reject: false,
        env: { CI: 'true' },
        stdin: 'ignore',
        timeout: 30_000,
      },
    );
    // Wait until the request is on the wire, then interrupt.
    while (sockets.size === 0) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(3);
    const report = JSON.parse(String(r.stdout));
    expect(report.interrupted).toBe(true);
    expect(report.verdict).toBe('inconclusive');
    expect(report.checks[0].outcome).toBe('error');
  });

  it('--deadline ends the run and says so', async () => {
    const r = await lbdoctor([
      'run',
      'router-code',
      '--target',
      `127.0.0.1:${port}`,
      '--timeout',
      '60s',
      '--deadline',
      '1s',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.interrupted).toBe(true);
    expect(report.inconclusive.map((i: { reason: string }) => i.reason).join('\n')).toContain('--deadline');
  });
});

describe('your own playbooks and answers', () => {
  it('runs a playbook from --playbooks DIR with facts from --answers', async () => {
    const pbDir = join(dir, 'playbooks');
    await import('node:fs/promises').then((fs) => fs.mkdir(pbDir, { recursive: true }));
    await writeFile(
      join(pbDir, 'port-open.yaml'),
      `id: port-open
title: Is the port open and is the change approved?
faq: ["1.2"]
start: approved
steps:
  approved:
    kind: ask
    title: change approved
    fact: change_approved
    question: Was the change approved?
    why: an unapproved change is the finding, whatever the port does
    console: the change ticket
    branches: [{when: {path: value, equals: false}, goto: not-approved}]
    default: connect
    unknown: connect
  connect:
    kind: probe
    title: connect
    foreach: listeners
    probe: tcp
    with: {host: "{{ listener.address }}", port: "{{ listener.port }}"}
    branches: [{when: {outcome: pass}, goto: open}, {when: {outcome: fail}, goto: closed}]
  not-approved: {kind: conclude, title: not approved, severity: warn, cause: "the change was not approved"}
  open: {kind: conclude, title: "{{ listener.hostport }} is open", severity: info, cause: "it accepted a connection"}
  closed: {kind: conclude, title: "{{ listener.hostport }} is closed", severity: error, cause: "{{ steps.connect.summary }}"}
`,
    );
    const answers = join(dir, 'answers.yaml');
    await writeFile(answers, 'change_approved: true\n');
    const r = await lbdoctor([
      'run',
      'port-open',
      '--playbooks',
      pbDir,
      '--answers',
      answers,
      '--target',
      `127.0.0.1:${port}`,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { code: string }) => f.code)).toEqual(['port-open/open']);
    expect(report.facts).toEqual([
      { key: 'change_approved', question: 'Was the change approved?', value: true, source: 'answers' },
    ]);
    const listed = await lbdoctor(['list', '--playbooks', pbDir, '--format', 'json']);
    expect(JSON.parse(listed.stdout).map((p: { id: string }) => p.id)).toContain('port-open');
  });
});
