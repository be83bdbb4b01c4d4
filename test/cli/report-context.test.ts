// What `run` hands the reporters besides the result: -v/--verbose (every
// check in the text report, passed ones too) and the inventory (markdown's
// FAQ 7.5 support-ticket table).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

// A backend that answers 200 without x-router-code: router-code's one check passes.
const server = createServer((_req, res) => res.end('ok'));
let port = 0;
let dir = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'lbd-report-'));
});
afterAll(() => new Promise((r) => server.close(r)));

const PASSED = /PASS\s+Request the listener and read x-router-code/;

describe('run passes its options to the reporters', () => {
  it('-v lists the passed checks; without it they are only counted', async () => {
    const args = ['run', 'router-code', '--target', `127.0.0.1:${port}`, '--non-interactive'];
    const quiet = await lbdoctor(args);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(PASSED);
    expect(quiet.stdout).toContain('--verbose lists them');

    const verbose = await lbdoctor([...args, '-v']);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toMatch(PASSED);
    expect(verbose.stdout).not.toContain('--verbose lists them');
  });

  it('the markdown support ticket is filled from the inventory', async () => {
    const inventory = join(dir, 'inventory.yaml');
    await writeFile(
      inventory,
      `loadbalancer: {name: shop-elb, type: dedicated, vip_address: 127.0.0.1}
listeners:
  - {name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: web-pool}
pools:
  - id: web-pool
    protocol: HTTP
    members:
      - {address: 127.0.0.1, protocol_port: ${port}}
`,
    );
    const r = await lbdoctor([
      'run',
      'router-code',
      '-i',
      inventory,
      '--non-interactive',
      '--format',
      'markdown',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| Load balancer ID \| shop-elb/);
    expect(r.stdout).toMatch(new RegExp(`\\| Frontend protocol and port \\| HTTP/${port}`));
  });
});
