// A real nginx on loopback, for proving playbooks on third-party software:
// nginx as the load balancer (its own 502/504 pages) or as a backend. Runs in
// the foreground under a private prefix, so it needs no root and leaves
// nothing behind. Tests that need it skip, with the reason printed, when the
// binary is missing (CI installs nginx-light). The config writer and the
// process runner are src/lab/nginx.ts, shared with the lab's host scenarios.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX, nginxMissing, startNginxProcess } from '../../src/lab/nginx.js';

export { NGINX, nginxMissing };

export interface RunningNginx {
  close(): Promise<void>;
}

/**
 * Starts nginx with `servers` as the body of its http block. Every `listen`
 * must be on 127.0.0.1 and `ports` lists them, so start() returns once each accepts.
 */
export async function startNginx(servers: string, ports: readonly number[]): Promise<RunningNginx> {
  if (!NGINX) throw new Error(nginxMissing);
  const prefix = await mkdtemp(join(tmpdir(), 'lbd-nginx-'));
  try {
    const nginx = await startNginxProcess({
      prefix,
      servers,
      waitFor: ports.map((port) => ({ host: '127.0.0.1', port })),
    });
    return {
      close: async () => {
        await nginx.stop();
        await rm(prefix, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(prefix, { recursive: true, force: true });
    throw new Error((err as Error).message);
  }
}
