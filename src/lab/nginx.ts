// A real nginx for labs and tests: in the foreground (`daemon off`) under a
// private prefix, so it needs no system config and leaves nothing behind. The
// same config writer serves a no-root nginx on loopback (test/helpers/nginx.ts)
// and an nginx inside a lab host's namespace (host scenarios), where `wrap`
// turns the argv into one that runs there (maskedNetnsArgv).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LbdError } from '../errors.js';
import { startServerProcess } from './server-process.js';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'];
export const NGINX: string | undefined = CANDIDATES.find((p) => existsSync(p));
/** Why nginx cannot run here, or undefined when it can. */
export const nginxMissing: string | undefined = NGINX
  ? undefined
  : `nginx not installed (looked in ${CANDIDATES.join(', ')}; Debian: nginx-light)`;

export interface NginxConfigOptions {
  /** The private prefix: pid file, error log and temp paths live here. */
  prefix: string;
  /** The body of the http block (server blocks). */
  servers: string;
  /**
   * Worker user. Only meaningful when the master runs as root (nginx warns
   * otherwise); labs use root so workers can reach a prefix under a 0700 dir.
   */
  user?: string;
  /** Connections one worker may hold (default 256): fewer makes nginx stop accepting sooner. */
  workerConnections?: number;
}

/** nginx.conf text for a private prefix: no access log, errors to prefix/error.log. */
export function nginxConfig(o: NginxConfigOptions): string {
  const p = o.prefix;
  return `${o.user ? `user ${o.user};\n` : ''}pid ${p}/nginx.pid;
error_log ${p}/error.log warn;
worker_processes 1;
events { worker_connections ${o.workerConnections ?? 256}; }
http {
  access_log off;
  client_body_temp_path ${p}/body;
  proxy_temp_path ${p}/proxy;
  fastcgi_temp_path ${p}/fastcgi;
  uwsgi_temp_path ${p}/uwsgi;
  scgi_temp_path ${p}/scgi;
  ${o.servers}
}
`;
}

/** Writes prefix/nginx.conf (creating the prefix) and returns its path. */
export async function writeNginxConfig(o: NginxConfigOptions): Promise<string> {
  await mkdir(o.prefix, { recursive: true, mode: 0o700 });
  const conf = join(o.prefix, 'nginx.conf');
  await writeFile(conf, nginxConfig(o));
  return conf;
}

export interface NginxProcess {
  readonly pid: number | undefined;
  readonly prefix: string;
  /** Graceful stop (SIGQUIT), SIGKILL after 3 s. Idempotent. Leaves the prefix. */
  stop(): Promise<void>;
}

export interface StartNginxOptions extends NginxConfigOptions {
  /** Addresses that must accept a TCP connection before start resolves. */
  waitFor: ReadonlyArray<{ host: string; port: number }>;
  /** Rewrites the argv (e.g. to run it in a network namespace). */
  wrap?: (argv: string[]) => string[];
  timeoutMs?: number;
}

/** Writes the config, starts nginx in the foreground and waits until every `waitFor` accepts. */
export async function startNginxProcess(o: StartNginxOptions): Promise<NginxProcess> {
  if (!NGINX) throw new LbdError('LBD_ERR_INTERNAL', nginxMissing ?? 'nginx not installed');
  const conf = await writeNginxConfig(o);
  const server = await startServerProcess({
    name: 'nginx',
    argv: [NGINX, '-p', o.prefix, '-c', conf, '-g', 'daemon off;'],
    stopSignal: 'SIGQUIT',
    waitFor: o.waitFor,
    ...(o.wrap ? { wrap: o.wrap } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  return { ...server, prefix: o.prefix };
}
