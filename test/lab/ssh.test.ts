// The SSH runner against real sshds in lab namespaces: host keys verified for
// real (strict, accept-new, hashed, revoked, changed), ProxyJump, failures as
// LbdErrors with codes, ten hosts read at once. Needs root, `ip netns`, sshd.
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LbdError } from '../../src/errors.js';
import { createLab, type Lab, labSupport, sweepStaleLabs } from '../../src/lab/netns.js';
import { type LabSshd, startLabSshd } from '../../src/lab/sshd.js';
import type { Inventory } from '../../src/model/inventory.js';
import { classifyDialError } from '../../src/transport/dialers/local.js';
import { createVantageProvider, type VantageOptions } from '../../src/runners/vantages.js';

const support = await labSupport();
const why = !support.ok
  ? support.reason
  : !existsSync('/usr/sbin/sshd')
    ? 'no /usr/sbin/sshd (openssh-server)'
    : undefined;
if (why) console.warn(`skipping lab SSH tests: ${why}`);

const BACKENDS = ['be1', 'be2', 'be3', 'be4', 'be5', 'be6', 'be7', 'be8', 'be9', 'be10'];
const TIMEOUT = 10_000;
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}`;

function inventory(
  hosts: Record<string, string>,
  extra: Partial<Inventory['hosts'][string]> = {},
): Inventory {
  return {
    loadbalancers: [],
    hosts: Object.fromEntries(Object.entries(hosts).map(([n, ssh]) => [n, { ssh, ...extra }])),
    client: null,
    certificates: [],
    reference: null,
  };
}

async function rejection(p: Promise<unknown>): Promise<LbdError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LbdError);
    return e as LbdError;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(why !== undefined)('SSH runner on lab hosts', () => {
  let lab: Lab | undefined;
  const sshd: Record<string, LabSshd> = {};
  let knownHosts = '';
  const signal = new AbortController().signal;

  beforeAll(async () => {
    // Leftovers of a run that was killed before its afterAll (only labs whose owner process is gone).
    await sweepStaleLabs();
    lab = await createLab({ hosts: ['jump', 'nossh', 'pw', ...BACKENDS] });
    await Promise.all(
      ['jump', ...BACKENDS].map(async (n) => {
        sshd[n] = await startLabSshd(lab!, lab!.hosts[n]!);
      }),
    );
    sshd.pw = await startLabSshd(lab, lab.hosts.pw!, { rootPassword: PASSWORD });
    knownHosts = join(lab.dir, 'known_hosts');
    await writeFile(
      knownHosts,
      `${Object.values(sshd)
        .map((s) => s.knownHostsLine)
        .join('\n')}\n`,
    );
  }, 120_000);

  afterAll(async () => {
    await lab?.teardown();
  }, 60_000);

  function provider(hosts: Record<string, string>, options: Partial<VantageOptions> = {}, extra = {}) {
    return createVantageProvider(inventory(hosts, extra), {
      knownHostsFile: knownHosts,
      hostKeyCheck: 'strict',
      identityFile: sshd.be1!.clientKeyPath,
      concurrency: 4,
      timeoutMs: TIMEOUT,
      useAgent: false,
      ...options,
    });
  }

  function url(n: string): string {
    return `ssh://root@${lab!.hosts[n]!.address}:22`;
  }

  it('runs allow-listed reads and commands on a lab host, with stdin, exit codes and hostile bytes intact', async () => {
    const p = provider({ be1: url('be1') });
    try {
      const v = await p.forHost('be1', signal);
      const [addr] = await v.host.read([{ id: 'ip-addr' }], signal);
      expect(addr!.exitCode).toBe(0);
      expect(addr!.stdout).toContain(`${lab!.hosts.be1!.address}/24`);
      expect(v.timings.connectMs).toBeGreaterThan(0);
      expect(v.timings.readMs).toBeGreaterThan(0);

      // The runner behind the vantage: exercise argv quoting and stdin directly.
      const { SshRunner } = await import('../../src/runners/ssh/runner.js');
      const { createSshPool } = await import('../../src/runners/ssh/pool.js');
      const { createHostKeyPolicy } = await import('../../src/runners/ssh/host-key-policy.js');
      const { resolveSshTarget } = await import('../../src/runners/ssh/config.js');
      const pool = createSshPool({
        policy: createHostKeyPolicy({ mode: 'strict', knownHostsFile: knownHosts }),
        concurrency: 2,
        timeoutMs: TIMEOUT,
      });
      try {
        const target = resolveSshTarget(url('be1'), { configFile: '/dev/null' });
        const auth = { identityFile: sshd.be1!.clientKeyPath, useAgent: false };
        const runner = new SshRunner('be1', (s) => pool.connection(target, auth, s), pool.limit);
        const hostile = `a'b"c; $(touch /tmp/pwned) \`id\` \n| & > x *`;
        const echoed = await runner.run(['printf', '%s', hostile], { signal, timeoutMs: TIMEOUT });
        expect(echoed).toEqual({ stdout: hostile, stderr: '', exitCode: 0 });
        const piped = await runner.run(['sh', '-c', 'cat; echo err >&2; exit 7'], {
          input: 'from stdin\n',
          signal,
          timeoutMs: TIMEOUT,
        });
        expect(piped).toEqual({ stdout: 'from stdin\n', stderr: 'err\n', exitCode: 7 });
        // One connection per host: every command so far shared one TCP connection to sshd.
        const conns = await lab!.hosts.be1!.exec(['ss', '-Htn', 'state', 'established', '( sport = :22 )']);
        expect(conns.stdout.trim().split('\n')).toHaveLength(2);
        const slow = await rejection(runner.run(['sleep', '5'], { signal, timeoutMs: 300 }));
        expect(slow.code).toBe('LBD_ERR_SSH_TIMEOUT');
        const aborter = new AbortController();
        const running = runner.run(['sleep', '5'], { signal: aborter.signal, timeoutMs: TIMEOUT });
        setTimeout(() => aborter.abort(), 100);
        await expect(running).rejects.toThrow(/abort/i);
      } finally {
        await pool.close();
      }
    } finally {
      await p.close();
    }
  }, 60_000);

  it('refuses a host whose key differs from known_hosts, naming both fingerprints', async () => {
    const wrong = join(lab!.dir, 'known_hosts_wrong');
    // be1's address recorded with be2's key: what a man in the middle looks like.
    await writeFile(wrong, `${lab!.hosts.be1!.address} ${sshd.be2!.hostKeyPublic}\n`);
    const p = provider({ be1: url('be1') }, { knownHostsFile: wrong, hostKeyCheck: 'accept-new' });
    try {
      const e = await rejection(p.forHost('be1', signal));
      expect(e.code).toBe('LBD_ERR_SSH_HOST_KEY');
      expect(e.message).toContain('CHANGED');
      expect(e.message).toContain(sshd.be2!.hostKeyFingerprint);
      expect(e.message).toContain(sshd.be1!.hostKeyFingerprint);
      expect(await readFile(wrong, 'utf8')).toBe(`${lab!.hosts.be1!.address} ${sshd.be2!.hostKeyPublic}\n`);
    } finally {
      await p.close();
    }
  }, 30_000);

  it('refuses an unknown host under strict, telling the fingerprint and how to add it', async () => {
    const empty = join(lab!.dir, 'known_hosts_empty');
    await writeFile(empty, '');
    const p = provider({ be2: url('be2') }, { knownHostsFile: empty });
    try {
      const e = await rejection(p.forHost('be2', signal));
      expect(e.code).toBe('LBD_ERR_SSH_HOST_KEY');
      expect(e.message).toContain('not known');
      expect(e.message).toContain(sshd.be2!.hostKeyFingerprint);
      expect(e.hint).toContain('ssh-keyscan');
      expect(e.hint).toContain('accept-new');
    } finally {
      await p.close();
    }
  }, 30_000);

  it('records a new host under accept-new, then trusts it under strict', async () => {
    const file = join(lab!.dir, 'sub', 'known_hosts_new');
    const p = provider({ be3: url('be3') }, { knownHostsFile: file, hostKeyCheck: 'accept-new' });
    try {
      await p.forHost('be3', signal);
    } finally {
      await p.close();
    }
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`${sshd.be3!.knownHostsLine}\n`);
    const strict = provider({ be3: url('be3') }, { knownHostsFile: file });
    try {
      const v = await strict.forHost('be3', signal);
      expect(v.name).toBe('be3');
    } finally {
      await strict.close();
    }
  }, 30_000);

  it('keeps ports apart: accept-new records [host]:port, and a port-22 entry does not vouch for it', async () => {
    const other = await startLabSshd(lab!, lab!.hosts.be3!, { port: 2222 });
    try {
      const reach = { be3: `ssh://root@${lab!.hosts.be3!.address}:2222` };
      const plain = join(lab!.dir, 'known_hosts_port');
      // be3's port-22 key is known; the sshd on 2222 has another key and another name.
      await writeFile(plain, `${sshd.be3!.knownHostsLine}\n`);
      const strict = provider(reach, { knownHostsFile: plain });
      try {
        const e = await rejection(strict.forHost('be3', signal));
        expect(e.message).toContain('not known');
        expect(e.message).toContain(other.hostKeyFingerprint);
      } finally {
        await strict.close();
      }
      const learn = provider(reach, { knownHostsFile: plain, hostKeyCheck: 'accept-new' });
      try {
        await learn.forHost('be3', signal);
      } finally {
        await learn.close();
      }
      expect(await readFile(plain, 'utf8')).toBe(`${sshd.be3!.knownHostsLine}\n${other.knownHostsLine}\n`);
      expect(other.knownHostsLine.startsWith(`[${lab!.hosts.be3!.address}]:2222 `)).toBe(true);
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    const file = join(lab!.dir, 'known_hosts_hashed');
    await writeFile(file, `${sshd.be4!.knownHostsLine}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    expect(text).not.toContain(lab!.hosts.be4!.address);
    const p = provider({ be4: url('be4') }, { knownHostsFile: file });
    try {
      await p.forHost('be4', signal);
    } finally {
      await p.close();
    }
  }, 30_000);

  it('refuses a @revoked key even when a plain line lists it, and @cert-authority as unsupported', async () => {
    const revoked = join(lab!.dir, 'known_hosts_revoked');
    await writeFile(revoked, `${sshd.be5!.knownHostsLine}\n@revoked * ${sshd.be5!.hostKeyPublic}\n`);
    const p = provider({ be5: url('be5') }, { knownHostsFile: revoked });
    try {
      const e = await rejection(p.forHost('be5', signal));
      expect(e.code).toBe('LBD_ERR_SSH_HOST_KEY');
      expect(e.message).toContain('@revoked');
      expect(e.message).toContain(sshd.be5!.hostKeyFingerprint);
    } finally {
      await p.close();
    }
    const ca = join(lab!.dir, 'known_hosts_ca');
    await writeFile(ca, `@cert-authority 10.* ${sshd.jump!.hostKeyPublic}\n`);
    const q = provider({ be5: url('be5') }, { knownHostsFile: ca, hostKeyCheck: 'accept-new' });
    try {
      const e = await rejection(q.forHost('be5', signal));
      expect(e.code).toBe('LBD_ERR_SSH_HOST_KEY');
      expect(e.message).toContain('@cert-authority');
      expect(e.message).toContain('unsupported');
    } finally {
      await q.close();
    }
  }, 30_000);

  it('goes through a ProxyJump host from an ssh config file', async () => {
    const config = join(lab!.dir, 'ssh_config');
    const key = sshd.be1!.clientKeyPath;
    await writeFile(
      config,
      [
        'Host bastion',
        `  HostName ${lab!.hosts.jump!.address}`,
        '  User root',
        `  IdentityFile ${key}`,
        'Host inner',
        `  HostName ${lab!.hosts.be6!.address}`,
        '  User root',
        `  IdentityFile ${key}`,
        '  ProxyJump bastion',
        '',
      ].join('\n'),
    );
    const p = createVantageProvider(inventory({ be6: 'inner' }), {
      knownHostsFile: knownHosts,
      sshConfigFile: config,
      hostKeyCheck: 'strict',
      concurrency: 2,
      timeoutMs: TIMEOUT,
      useAgent: false,
    });
    try {
      const v = await p.forHost('be6', signal);
      expect(v.dialer.vantage).toBe(`ssh://root@${lab!.hosts.be6!.address}:22`);
      // Sections run on be6 (its address), and the session came from the jump host.
      const [addr] = await v.host.read([{ id: 'ip-addr' }], signal);
      expect(addr!.stdout).toContain(`${lab!.hosts.be6!.address}/24`);
      const log = await lab!.hosts.be6!.exec(['ss', '-tn', 'state', 'established', '( sport = :22 )']);
      expect(log.stdout).toContain(lab!.hosts.jump!.address);
    } finally {
      await p.close();
    }
  }, 30_000);

  it('dials TCP from a backend vantage (forwardOut): open and refused told apart', async () => {
    const p = provider({ be7: url('be7') });
    try {
      const v = await p.forHost('be7', signal);
      const stream = await v.dialer.connect(lab!.hosts.be8!.address, 22, { signal, timeoutMs: TIMEOUT });
      const banner = await new Promise<string>((resolve) =>
        stream.once('data', (d: Buffer) => resolve(d.toString())),
      );
      stream.destroy();
      expect(banner).toMatch(/^SSH-2\.0-OpenSSH/);
      const refused = await v.dialer.connect(lab!.hosts.be8!.address, 1, { signal, timeoutMs: TIMEOUT }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(classifyDialError(refused).state).toBe('refused');
    } finally {
      await p.close();
    }
  }, 30_000);

  it('turns an unreachable host into an LbdError (refused, and silent), not a crash', async () => {
    const silent = lab!.subnet.replace(/\.0\/24$/, '.250');
    const p = provider({ nossh: url('nossh'), ghost: `ssh://root@${silent}` }, { timeoutMs: 1500 });
    try {
      const refused = await rejection(p.forHost('nossh', signal));
      expect(refused.code).toBe('LBD_ERR_SSH_UNREACHABLE');
      expect(refused.message).toContain('ECONNREFUSED');
      expect(refused.exitCode).toBe(3);
      const ghost = await rejection(p.forHost('ghost', signal));
      expect(['LBD_ERR_SSH_TIMEOUT', 'LBD_ERR_SSH_UNREACHABLE']).toContain(ghost.code);
      const missing = await rejection(p.forHost('be99', signal));
      expect(missing.code).toBe('LBD_ERR_INPUT');
      expect(missing.hint).toContain('hosts:');
    } finally {
      await p.close();
    }
  }, 30_000);

  it('reports an authentication failure clearly, and an unreadable key as bad input', async () => {
    const stranger = join(lab!.dir, 'stranger_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const p = provider({ be9: url('be9') }, { identityFile: stranger });
    try {
      const e = await rejection(p.forHost('be9', signal));
      expect(e.code).toBe('LBD_ERR_SSH_AUTH');
      expect(e.message).toContain(`key ${stranger}`);
    } finally {
      await p.close();
    }
    const unreadable = join(lab!.dir, 'missing_key');
    const q = provider({ be9: url('be9') }, { identityFile: unreadable });
    try {
      const e = await rejection(q.forHost('be9', signal));
      expect(e.code).toBe('LBD_ERR_FILE');
      expect(e.exitCode).toBe(2);
    } finally {
      await q.close();
    }
    const garbage = join(lab!.dir, 'garbage_key');
    await writeFile(garbage, 'not a key\n');
    await chmod(garbage, 0o600);
    const r = provider({ be9: url('be9') }, { identityFile: garbage });
    try {
      expect((await rejection(r.forHost('be9', signal))).code).toBe('LBD_ERR_FILE');
    } finally {
      await r.close();
    }
  }, 30_000);

  it('closes every connection when the run signal aborts (Ctrl-C), later reads fail cleanly', async () => {
    const stop = new AbortController();
    const p = provider({ be10: url('be10') }, { signal: stop.signal });
    const v = await p.forHost('be10', signal);
    const before = await lab!.hosts.be10!.exec(['ss', '-Htn', 'state', 'established', '( sport = :22 )']);
    expect(before.stdout.trim()).not.toBe('');
    stop.abort(new Error('stopped by Ctrl-C'));
    const e = await rejection(v.host.read([{ id: 'loadavg' }], signal));
    expect(e.code).toMatch(/^LBD_ERR_SSH_/);
    // sshd sees the connection go away (polled: closing is asynchronous on its side).
    let after = 'not read';
    for (let i = 0; i < 40 && after !== ''; i++) {
      after = (
        await lab!.hosts.be10!.exec(['ss', '-Htn', 'state', 'established', '( sport = :22 )'])
      ).stdout.trim();
      if (after !== '') await new Promise((r) => setTimeout(r, 50));
    }
    expect(after).toBe('');
    await p.close();
  }, 30_000);

  it('logs in with a password only from the named environment variable or the prompt', async () => {
    const env = `LBD_TEST_PW_${process.pid}`;
    const hosts = { pw: url('pw') };
    const stranger = join(lab!.dir, 'stranger_pw_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const base = { identityFile: stranger };
    const unset = provider(hosts, base, { password_env: env });
    try {
      const e = await rejection(unset.forHost('pw', signal));
      expect(e.code).toBe('LBD_ERR_INPUT');
      expect(e.message).toContain(env);
    } finally {
      await unset.close();
    }
    process.env[env] = PASSWORD;
    const fromEnv = provider(hosts, base, { password_env: env });
    try {
      const v = await fromEnv.forHost('pw', signal);
      const [addr] = await v.host.read([{ id: 'ip-addr' }], signal);
      expect(addr!.stdout).toContain(lab!.hosts.pw!.address);
    } finally {
      await fromEnv.close();
      delete process.env[env];
    }
    const prompts: string[] = [];
    const prompted = provider(hosts, {
      ...base,
      promptPassword: async (q) => {
        prompts.push(q);
        return PASSWORD;
      },
    });
    try {
      await prompted.forHost('pw', signal);
      expect(prompts).toEqual([`Password for root@${lab!.hosts.pw!.address}: `]);
    } finally {
      await prompted.close();
    }
    const wrong = provider(hosts, { ...base, promptPassword: async () => 'not-the-password' });
    try {
      const e = await rejection(wrong.forHost('pw', signal));
      expect(e.code).toBe('LBD_ERR_SSH_AUTH');
      expect(e.message).toContain('password (prompt)');
      expect(e.message).not.toContain('not-the-password');
    } finally {
      await wrong.close();
    }
  }, 60_000);

  it('reads ten hosts in parallel through one provider with bounded concurrency', async () => {
    const p = provider(Object.fromEntries(BACKENDS.map((n) => [n, url(n)])), { concurrency: 3 });
    try {
      const outs = await Promise.all(
        BACKENDS.map(async (n) => {
          const v = await p.forHost(n, signal);
          const [addr, route] = await v.host.read([{ id: 'ip-addr' }, { id: 'ip-route' }], signal);
          return { n, addr: addr!.stdout, route: route!.stdout };
        }),
      );
      for (const o of outs) {
        expect(o.addr).toContain(`${lab!.hosts[o.n]!.address}/24`);
        expect(o.route).toContain(`default via ${lab!.gateway}`);
      }
      // The same vantage (and connection) is handed out again.
      expect(await p.forHost('be1', signal)).toBe(await p.forHost('be1', signal));
    } finally {
      await p.close();
    }
  }, 60_000);
});
