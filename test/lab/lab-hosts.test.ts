// `lbdoctor lab hosts up|status|down` through the real command tree: the
// hosts come up with sshd, the written inventory + known_hosts give strict SSH
// access, and down removes everything.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { execa } from 'execa';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerCommands } from '../../src/cli/program.js';
import { labHostsDown } from '../../src/lab/hosts-control.js';
import { labSupport } from '../../src/lab/netns.js';
import { loadInventory } from '../../src/model/load-inventory.js';
import { createVantageProvider } from '../../src/runners/vantages.js';

const support = await labSupport();
const why = !support.ok
  ? support.reason
  : !existsSync('/usr/sbin/sshd')
    ? 'no /usr/sbin/sshd (openssh-server)'
    : undefined;
if (why) console.warn(`skipping lab hosts command tests: ${why}`);

async function cli(args: string[]): Promise<{ out: string; code: number | undefined }> {
  let code: number | undefined;
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const program = new Command().exitOverride();
    const argv = ['node', 'lbdoctor', ...args];
    await registerCommands(
      program,
      (c) => {
        code = c;
      },
      argv,
    );
    await program.parseAsync(argv);
  } finally {
    spy.mockRestore();
  }
  return { out, code };
}

describe.skipIf(why !== undefined)('lbdoctor lab hosts', () => {
  let state: string | undefined;
  afterAll(async () => {
    if (state) {
      await labHostsDown({ stateDir: state });
      await rm(state, { recursive: true, force: true });
    }
  }, 60_000);

  it('brings hosts up with sshd and an inventory that strict SSH accepts, then removes them', async () => {
    state = join(await mkdtemp(join(tmpdir(), 'lbd-labhosts-')), 'state');
    const up = await cli(['lab', 'hosts', 'up', '--hosts', 'be1,be2', '--state', state]);
    expect(up.code).toBe(0);
    expect(up.out).toContain(`ssh -F ${join(state, 'ssh_config')} be1`);
    // Fitted to 80 columns: host keys on their own line, long commands wrapped with a trailing backslash.
    expect(up.out.split('\n').filter((line) => [...line].length > 80)).toEqual([]);
    const id = /lab hosts ([0-9a-f]{6}) up/.exec(up.out)?.[1];
    expect(id).toBeDefined();

    const status = await cli(['lab', 'hosts', 'status', '--state', state]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/be1 +10\.\d+\.\d+\.2 +sshd answers/);

    // OpenSSH itself accepts the written ssh_config + known_hosts (StrictHostKeyChecking yes).
    const ssh = await execa(
      'ssh',
      ['-F', join(state, 'ssh_config'), '-o', 'BatchMode=yes', 'be2', 'ip -4 -o addr show eth0'],
      {
        reject: false,
        timeout: 20_000,
      },
    );
    expect(ssh.exitCode).toBe(0);
    expect(ssh.stdout).toMatch(/10\.\d+\.\d+\.3\/24/);

    const inventory = await loadInventory(join(state, 'inventory.yaml'));
    const p = createVantageProvider(inventory, {
      knownHostsFile: join(state, 'known_hosts'),
      hostKeyCheck: 'strict',
      concurrency: 2,
      timeoutMs: 10_000,
      useAgent: false,
    });
    try {
      const v = await p.forHost('be1', new AbortController().signal);
      const [route] = await v.host.read([{ id: 'ip-route' }], new AbortController().signal);
      expect(route!.stdout).toMatch(/^default via 10\.\d+\.\d+\.1 dev eth0/m);
    } finally {
      await p.close();
    }

    const again = await cli(['lab', 'hosts', 'up', '--hosts', 'be1', '--state', state]).catch(
      (e: unknown) => e,
    );
    expect(String((again as Error).message)).toContain('already up');

    const down = await cli(['lab', 'hosts', 'down', '--state', state]);
    expect(down.out).toContain(`lab hosts ${id} removed`);
    expect(existsSync(state)).toBe(false);
    const list = await execa('ip', ['netns', 'list']);
    expect(list.stdout).not.toContain(`lbd-${id}-`);
    const none = await cli(['lab', 'hosts', 'status', '--state', state]);
    expect(none.out).toContain('no lab hosts recorded');
  }, 120_000);
});
