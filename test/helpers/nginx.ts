// A real nginx on loopback, for proving playbooks on third-party software:
// nginx as the load balancer (its own 502/504 pages) or as a backend. Runs in
// the foreground under a private prefix, so it needs no root and leaves
// nothing behind. Tests that need it skip, with the reason printed, when the
// binary is missing (CI installs nginx-light).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'];
export const NGINX = CANDIDATES.find((p) => existsSync(p));
/** Why nginx tests cannot run here, or undefined when they can. */
export const nginxMissing = NGINX ? undefined : `nginx not installed (looked in ${CANDIDATES.join(', ')})`;

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
  const conf = join(prefix, 'nginx.conf');
  await writeFile(
    conf,
    `pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  ${servers}
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await close();
        throw new Error(`nginx did not start: ${stderr.trim() || 'no output'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { close };
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
