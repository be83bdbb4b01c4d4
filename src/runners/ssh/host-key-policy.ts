// Host key checking: strict (the default) refuses hosts not in known_hosts;
// accept-new records a first-seen key and proceeds. Neither ever accepts a key
// that differs from a recorded one, a revoked key, or a host trusted only
// through a certificate authority (which ssh2 cannot verify). There is no "off".
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ExitCode, InputError, LbdError } from '../../errors.js';
import {
  type KnownHostEntry,
  keyTypeOf,
  knownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
  sha256Fingerprint,
  verifyHostKey,
} from './known-hosts.js';

export type HostKeyCheck = 'strict' | 'accept-new';
export const HOST_KEY_CHECKS: readonly HostKeyCheck[] = ['strict', 'accept-new'];

export interface HostKeyPolicyOptions {
  mode: HostKeyCheck;
  /** The user known_hosts (read, and written by accept-new). Default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Also read (never written); default /etc/ssh/ssh_known_hosts unless knownHostsFile was given. */
  globalKnownHostsFiles?: string[];
}

export interface HostKeyPolicy {
  readonly mode: HostKeyCheck;
  readonly userFile: string;
  /** Entries for the host (every file), to order the key algorithms the client offers. */
  preferredKeyTypes(host: string, port: number): Promise<string[]>;
  /** Resolves when the key may be used; rejects with LBD_ERR_SSH_HOST_KEY otherwise. */
  check(host: string, port: number, key: Buffer): Promise<void>;
}

const CHECK_HINT_FLAG = '--ssh-host-key-check';

function hostKeyError(message: string, hint: string): LbdError {
  return new LbdError('LBD_ERR_SSH_HOST_KEY', message, { hint, exitCode: ExitCode.couldNotCheck });
}

function where(e: KnownHostEntry): string {
  return `${e.file}:${e.line}`;
}

function display(host: string, port: number): string {
  return port === 22 ? host : `${host} (port ${port})`;
}

/** ssh-keyscan's type flag for a key type name. */
function scanType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa') return 'rsa';
  return keyType;
}

export function createHostKeyPolicy(options: HostKeyPolicyOptions): HostKeyPolicy {
  const explicit = options.knownHostsFile !== undefined;
  const userFile = options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
  const globals = options.globalKnownHostsFiles ?? (explicit ? [] : ['/etc/ssh/ssh_known_hosts']);
  // accept-new writes go one at a time so concurrent first contacts do not interleave lines.
  let writes: Promise<void> = Promise.resolve();

  async function load(): Promise<KnownHostEntry[]> {
    const entries: KnownHostEntry[] = [];
    for (const file of [userFile, ...globals]) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && !(file === userFile && explicit && options.mode === 'strict')) continue;
        if (code === 'ENOENT') {
          throw new InputError(
            `known_hosts file ${file} does not exist`,
            [{ file, message: 'missing known_hosts file' }],
            `Create it with the hosts' keys (ssh-keyscan HOST >> ${file}, after checking the fingerprints), or use ${CHECK_HINT_FLAG} accept-new.`,
          );
        }
        throw new InputError(`cannot read known_hosts file ${file}: ${(err as Error).message}`, [
          { file, message: 'unreadable known_hosts file' },
        ]);
      }
      entries.push(...parseKnownHosts(text, file).entries);
    }
    return entries;
  }

  return {
    mode: options.mode,
    userFile,
    async preferredKeyTypes(host, port) {
      return knownKeyTypes(await load(), host, port);
    },
    async check(host, port, key) {
      await writes;
      const entries = await load();
      const presented = sha256Fingerprint(key);
      const type = keyTypeOf(key);
      const verdict = verifyHostKey(entries, host, port, key);
      switch (verdict.status) {
        case 'match':
          return;
        case 'revoked':
          throw hostKeyError(
            `the host key ${presented} (${type}) presented by ${display(host, port)} is marked @revoked in ${where(verdict.entry)}; refusing to connect`,
            'A revoked key must never be trusted again: find out why the host still presents it.',
          );
        case 'changed': {
          const expected = verdict.expected.map(
            (e) => `${sha256Fingerprint(e.key)} (${e.keyType}, ${where(e)})`,
          );
          throw hostKeyError(
            `REMOTE HOST IDENTIFICATION HAS CHANGED for ${display(host, port)}: known_hosts expects ${expected.join(' or ')}, the host presented ${presented} (${type}). Someone could be intercepting the connection (man-in-the-middle), or the host key was replaced; refusing to connect`,
            `If the change is expected and verified, remove the old entry (ssh-keygen -R ${port === 22 ? host : `'[${host}]:${port}'`} -f ${verdict.expected[0]!.file}) and add the new key.`,
          );
        }
        case 'cert-authority':
          throw hostKeyError(
            `${display(host, port)} is trusted only through @cert-authority (${verdict.entries.map(where).join(', ')}); lbdoctor cannot verify host certificates (unsupported), so it refuses rather than accept the key ${presented}`,
            `Add the host's plain key to ${userFile} after checking its fingerprint.`,
          );
        case 'unknown':
          if (options.mode === 'accept-new') {
            const line = knownHostsLine(host, port, key);
            writes = writes.then(async () => {
              // Another connection to the same host may have recorded it meanwhile.
              if (verifyHostKey(await load(), host, port, key).status === 'match') return;
              await mkdir(dirname(userFile), { recursive: true, mode: 0o700 });
              await appendFile(userFile, `${line}\n`, { mode: 0o600 });
            });
            await writes;
            return;
          }
          throw hostKeyError(
            `the host key of ${display(host, port)} is not known (${type} key fingerprint ${presented}); refusing under ${CHECK_HINT_FLAG} strict`,
            `Check the fingerprint out of band (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${scanType(type)}_key.pub), then add it: ssh-keyscan -p ${port} -t ${scanType(type)} ${host} >> ${userFile} — or re-run with ${CHECK_HINT_FLAG} accept-new to record it on first contact.`,
          );
      }
    },
  };
}
