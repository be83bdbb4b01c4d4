// What a user types to feed a playbook: --input for declared inputs, --set
// for console facts. A typo in either is said, never silently ignored.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

let server: Server;
let port: number;
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('lbdoctor run --input and --set', () => {
  it('--input reaches the playbook: router-code requests the path given', async () => {
    const r = await lbdoctor([
      'run',
      'router-code',
      '--target',
      `127.0.0.1:${port}`,
      '--input',
      'path=/api/health',
    ]);
    expect(r.code).toBe(0);
    expect(paths).toContain('/api/health');
    expect(r.stdout).toContain('backend server answered 200');
  });

  it('an input the playbook does not declare is bad usage, naming the ones it does', async () => {
    const r = await lbdoctor(['run', 'router-code', '--target', `127.0.0.1:${port}`, '--input', 'pth=/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('playbook router-code takes no input "pth"');
    expect(r.stderr).toContain('its inputs: path (');
  });

  it('a number input out of its range is bad usage, saying the range', async () => {
    const r = await lbdoctor([
      'run',
      'slow-response',
      '--target',
      `127.0.0.1:${port}`,
      '--input',
      'requests=50',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--input requests=50: expected a number from 1 to 20');
  });

  it('a playbook that reads only its inputs runs without --inventory or --target', async () => {
    const r = await lbdoctor(['run', 'client-499', '--input', 'access_log=/nonexistent.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--input access_log: no such file');
  });

  it('--set of a fact no step asks for is a warning naming the facts it asks', async () => {
    const r = await lbdoctor([
      'run',
      'router-code',
      '--target',
      `127.0.0.1:${port}`,
      '--set',
      'lb_typ=shared',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: --set lb_typ: no step of router-code asks for it (it asks: lb_type)',
    );
  });

  it('validate takes fragments as well as playbooks and inventories', async () => {
    const r = await lbdoctor([
      'validate',
      'playbooks/router-code.yaml',
      'playbooks/fragments/member-health.yaml',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('playbooks/fragments/member-health.yaml (fragment)');
  });
});
