// A real Apache for labs, configured the Debian way: a copy of the apache2
// package's own /etc/apache2 tree, changed as an operator changes it
// (a2enmod: a symlink in mods-enabled/; a2enconf: a file in conf-enabled/),
// run in the foreground with its runtime folders in the lab. Its settings are
// spread over the tree as on any Debian host — LoadModule in
// mods-enabled/*.load, the rest in conf-enabled/ and sites-enabled/ — which is
// what a real-IP check must follow (FAQ 3.9). Nothing outside the copy changes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LbdError } from '../errors.js';
import { startServerProcess } from './server-process.js';

const APACHE_BIN = '/usr/sbin/apache2';
const STOCK_TREE = '/etc/apache2';

/** Why a Debian Apache cannot run here, or undefined when it can. */
export const apacheMissing: string | undefined =
  existsSync(APACHE_BIN) && existsSync(join(STOCK_TREE, 'apache2.conf'))
    ? undefined
    : `Apache not installed (${APACHE_BIN} and the stock ${STOCK_TREE}; Debian: apache2)`;

export const APACHE: string | undefined = apacheMissing ? undefined : APACHE_BIN;

export interface DebianApacheOptions {
  /** Folder for the copy (root/apache2), its runtime files (root/run) and logs (root/log). */
  root: string;
  /** The one port it listens on (ports.conf). */
  port: number;
  /** a2enmod: modules whose mods-available/NAME.load (and .conf) get a symlink in mods-enabled/. */
  modules?: readonly string[];
  /** a2enconf: conf-enabled/NAME.conf files and their text. */
  conf?: Readonly<Record<string, string>>;
}

export interface DebianApacheTree {
  /** The copy of /etc/apache2: apache2 -d. */
  tree: string;
  /** Its apache2.conf: what a real-IP read on the host should be pointed at. */
  config: string;
  /** Where the stock site (sites-enabled/000-default.conf) logs: ${APACHE_LOG_DIR}/access.log. */
  accessLog: string;
  /** The variables /etc/apache2/envvars exports, pointed into root. */
  env: Record<string, string>;
}

/** Copies the stock tree and enables what the options say; returns where everything is. */
export async function writeDebianApacheTree(o: DebianApacheOptions): Promise<DebianApacheTree> {
  const tree = join(o.root, 'apache2');
  const run = join(o.root, 'run');
  const log = join(o.root, 'log');
  await rm(tree, { recursive: true, force: true });
  await mkdir(o.root, { recursive: true });
  await Promise.all([mkdir(run, { recursive: true }), mkdir(log, { recursive: true })]);
  // -a keeps the package's symlinks (mods-enabled/*.load → ../mods-available/…), relative, so they hold in the copy.
  await promisify(execFile)('cp', ['-a', STOCK_TREE, tree]);
  await writeFile(join(tree, 'ports.conf'), `Listen ${o.port}\n`);
  for (const m of o.modules ?? []) {
    for (const ext of ['load', 'conf']) {
      if (
        existsSync(join(tree, 'mods-available', `${m}.${ext}`)) &&
        !existsSync(join(tree, 'mods-enabled', `${m}.${ext}`))
      )
        await symlink(`../mods-available/${m}.${ext}`, join(tree, 'mods-enabled', `${m}.${ext}`));
    }
  }
  for (const [name, text] of Object.entries(o.conf ?? {}))
    await writeFile(join(tree, 'conf-enabled', `${name}.conf`), text);
  const env = {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C',
    APACHE_CONFDIR: tree,
    APACHE_RUN_USER: 'www-data',
    APACHE_RUN_GROUP: 'www-data',
    APACHE_PID_FILE: join(run, 'apache2.pid'),
    APACHE_RUN_DIR: run,
    APACHE_LOCK_DIR: run,
    APACHE_LOG_DIR: log,
  };
  return { tree, config: join(tree, 'apache2.conf'), accessLog: join(log, 'access.log'), env };
}

export interface ApacheProcess {
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, SIGKILL after 3 s). Idempotent. Leaves the tree and logs. */
  stop(): Promise<void>;
}

export interface StartApacheOptions {
  tree: DebianApacheTree;
  /** Addresses that must accept a TCP connection before start resolves. */
  waitFor: ReadonlyArray<{ host: string; port: number }>;
  /** Rewrites the argv (to run it in a network namespace). */
  wrap?: (argv: string[]) => string[];
  timeoutMs?: number;
}

/** Starts Apache in the foreground on that tree and waits until every `waitFor` accepts. */
export async function startApacheProcess(o: StartApacheOptions): Promise<ApacheProcess> {
  if (!APACHE) throw new LbdError('LBD_ERR_INTERNAL', apacheMissing ?? 'Apache not installed');
  return startServerProcess({
    name: 'Apache',
    argv: [APACHE, '-d', o.tree.tree, '-f', o.tree.config, '-D', 'FOREGROUND'],
    env: o.tree.env,
    stopSignal: 'SIGTERM',
    waitFor: o.waitFor,
    ...(o.wrap ? { wrap: o.wrap } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
}
