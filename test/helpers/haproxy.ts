// A real HAProxy on loopback, as the load balancer in front of real backends
// (the distribution and sticky-session playbooks are proven on it). Runs in
// the foreground (-db) from a private directory, needs no root, and is killed
// when the test closes it. Tests skip, with the reason printed, when the
// binary is missing (CI installs haproxy).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../../src/lab/server-process.js';

export const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) =>
  existsSync(p),
);
export const haproxyMissing = HAPROXY ? undefined : 'haproxy is not installed (apt-get install haproxy)';

export interface RunningHaproxy {
  close(): Promise<void>;
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
  try {
    const server = await startServerProcess({
      name: 'haproxy',
      argv: [HAPROXY, '-f', file, '-db'],
      stopSignal: 'SIGTERM',
      waitFor: ports.map((port) => ({ host: '127.0.0.1', port })),
    });
    return {
      close: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
