// A real HAProxy on loopback, as the load balancer in front of real backends
// (the distribution and sticky-session playbooks are proven on it). Runs in
// the foreground (-db) from a private directory, needs no root, and is killed
// when the test closes it. Tests skip, with the reason printed, when the
// binary is missing (CI installs haproxy).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) =>
  existsSync(p),
);
export const haproxyMissing = HAPROXY ? undefined : 'haproxy is not installed (apt-get install haproxy)';

export interface RunningHaproxy {
  close(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts haproxy with `config` after a minimal global/defaults section; returns once every port accepts. */
export async function startHaproxy(config: string, ports: readonly number[]): Promise<RunningHaproxy> {
  if (!HAPROXY) throw new Error(haproxyMissing);
  const dir = await mkdtemp(join(tmpdir(), 'lbd-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  await writeFile(
    file,
    `global\n  log stderr format raw local0 emerg\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n${config}\n`,
  );
  const child: ChildProcess = spawn(HAPROXY, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await close();
        throw new Error(
          `haproxy did not start listening on 127.0.0.1:${port}: ${stderr.trim() || 'no output'}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { close };
}
