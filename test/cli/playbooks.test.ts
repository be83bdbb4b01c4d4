// Choosing a playbook, as a user does: by id or by path, with a --playbooks
// folder where one file is broken (it must not stop the others), with
// duplicate ids, and with typos (a suggestion only when close).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

const STACK = /\n\s+at .*:\d+:\d+/;
const playbook = (id: string) => `id: ${id}
title: Is the port open?
faq: ["1.2"]
symptoms: ["connections refused"]
start: connect
steps:
  connect:
    kind: probe
    title: connect
    probe: tcp
    with: {host: "{{ listener.address }}", port: "{{ listener.port }}"}
    foreach: listeners
    branches: [{when: {outcome: pass}, goto: open}, {when: {outcome: fail}, goto: closed}]
  open: {kind: conclude, title: open, severity: info, cause: it accepted a connection}
  closed: {kind: conclude, title: closed, severity: error, cause: it refused}
`;

const server = createServer((s) => s.end());
let target = '';
let root = '';
let mine = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  root = await mkdtemp(join(tmpdir(), 'lbd-playbooks-'));
  mine = join(root, 'mine');
  await mkdir(join(mine, 'fragments'), { recursive: true });
  await writeFile(join(mine, 'port-open.yaml'), playbook('port-open'));
  // Valid YAML, readable id, not a valid playbook (a step that goes nowhere).
  await writeFile(
    join(mine, 'broken.yaml'),
    'id: broken\ntitle: b\nfaq: ["1.6"]\nstart: a\nsteps:\n  a: {kind: probe, title: a, probe: tcp, default: nowhere}\n',
  );
  await writeFile(join(mine, 'not-yaml.yaml'), 'id: [oops\n');
  // A fragments/ subfolder is never read as playbooks, broken or not.
  await writeFile(join(mine, 'fragments', 'shared.yaml'), 'this: [is not a playbook\n');
});
afterAll(() => new Promise((r) => server.close(r)));

describe('one broken file in --playbooks DIR does not stop the others', () => {
  it('list: the others are listed, each broken file is a warning with file:line:column, exit 0', async () => {
    const r = await lbdoctor(['list', '--playbooks', mine, '--format', 'json']);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).map((p: { id: string }) => p.id);
    // The user's valid playbook beside every bundled one; the broken files are left out.
    expect(ids).toEqual(expect.arrayContaining(['port-open', 'router-code']));
    expect(ids).not.toContain('broken');
    expect(r.stderr).toContain(
      `lbdoctor: warning: skipped ${join(mine, 'broken.yaml')}: not a valid playbook`,
    );
    expect(r.stderr).toContain(`${join(mine, 'broken.yaml')}:6:`);
    expect(r.stderr).toContain(`${join(mine, 'not-yaml.yaml')}:2:1:`);
    expect(r.stderr).not.toContain('fragments');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('run <other-id> still runs', async () => {
    const r = await lbdoctor([
      'run',
      'port-open',
      '--playbooks',
      mine,
      '--target',
      target,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code)).toEqual(['port-open/open']);
    expect(r.stderr).toBe('');
  });

  it('run <the-broken-id> and validate on it: exit 2 with its problems', async () => {
    const run = await lbdoctor(['run', 'broken', '--playbooks', mine, '--target', target]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(mine, 'broken.yaml')} is not a valid playbook`);
    expect(run.stderr).toMatch(/broken\.yaml:6:\d+: steps\.a\.default: step "nowhere" does not exist/);
    expect(run.stderr).not.toMatch(STACK);
    const validate = await lbdoctor(['validate', join(mine, 'broken.yaml')]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/broken\.yaml:6:\d+: steps\.a\.default/);
  });

  it('an id used in two folders is an error for that id only', async () => {
    const other = join(root, 'other');
    await mkdir(other);
    await writeFile(join(other, 'again.yaml'), playbook('port-open'));
    const dup = await lbdoctor([
      'run',
      'port-open',
      '--playbooks',
      mine,
      '--playbooks',
      other,
      '--target',
      target,
    ]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('playbook id "port-open" is used by 2 files');
    expect(dup.stderr).toContain(join(other, 'again.yaml'));
    const list = await lbdoctor(['list', '--playbooks', mine, '--playbooks', other, '--format', 'json']);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout).map((p: { id: string }) => p.id);
    expect(listed).toContain('router-code');
    expect(listed).not.toContain('port-open');
    expect(list.stderr).toContain('playbook id "port-open" is used by 2 files');
  });
});

describe('a playbook file by path', () => {
  it('run ./dir/x.yaml, and show, load that file', async () => {
    const r = await lbdoctor(['run', join(mine, 'port-open.yaml'), '--target', target, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).playbook.id).toBe('port-open');
    const show = await lbdoctor(['show', join(mine, 'port-open.yaml')]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('port-open — Is the port open?');
  });

  it('a path that does not exist: exit 2, says so', async () => {
    const r = await lbdoctor(['run', './nowhere/x.yaml', '--target', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no playbook file ./nowhere/x.yaml [LBD_ERR_FILE]');
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('unknown playbooks', () => {
  it('a typo gets a suggestion; anything else does not', async () => {
    const typo = await lbdoctor(['run', 'router-cdoe', '--target', target]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "router-code"?');
    const far = await lbdoctor(['run', 'zzzzz', '--target', target]);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown playbook "zzzzz"');
    expect(far.stderr).not.toContain('did you mean');
  });

  it('a symptom given as the id points to `list`, which finds the playbooks that fit it', async () => {
    const r = await lbdoctor(['run', '502', '--target', target]);
    expect(r.code).toBe(2);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('`lbdoctor list 502` finds those that fit a symptom');
    const listed = await lbdoctor(['list', '502']);
    expect(listed.stdout.split('\n')[0]).toBe('gateway-errors');
  });
});
