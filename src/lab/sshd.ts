// One OpenSSH server per lab host, inside its namespace: its own ed25519 host
// key and an authorized client key, both generated per run, so SSH tests verify
// real host keys against a real sshd (never "accept anything").
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { LbdError } from '../errors.js';
import { type Lab, type LabHost, maskedNetnsArgv } from './netns.js';

export interface LabSshd {
  host: string;
  address: string;
  port: number;
  /** `ssh-ed25519 AAAA…` (no comment). */
  hostKeyPublic: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** The private half of the per-run client key authorized for root. */
  clientKeyPath: string;
  /** `10.x.y.z ssh-ed25519 AAAA…`: a known_hosts line for this host. */
  knownHostsLine: string;
  /** Stops this sshd (teardown of the lab also kills it). */
  stop(): Promise<void>;
}

export interface StartSshdOptions {
  port?: number;
  /**
   * Let sshd outlive this process (`lbdoctor lab hosts up`): it is started
   * detached and removed with the namespace at `lab hosts down`.
   */
  detached?: boolean;
  timeoutMs?: number;
  /**
   * Also accept this password for root (for password-auth tests). The host's
   * /etc/shadow is never touched: sshd sees a copy, bind-mounted in its own
   * mount namespace, whose root entry has this password.
   */
  rootPassword?: string;
}

const SSHD = '/usr/sbin/sshd';

/** SHA256 fingerprint of an OpenSSH public key line, as OpenSSH prints it (unpadded base64). */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1] ?? '';
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

async function keygen(path: string, comment: string): Promise<string> {
  const r = await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], {
    reject: false,
    stdin: 'ignore',
    timeout: 15_000,
  });
  if (r.exitCode !== 0)
    throw new LbdError('LBD_ERR_INTERNAL', `lab: ssh-keygen failed: ${String(r.stderr).trim()}`);
  const pub = (await readFile(`${path}.pub`, 'utf8')).trim();
  return pub.split(/\s+/).slice(0, 2).join(' ');
}

const clientKeys = new WeakMap<Lab, Promise<{ path: string; publicKey: string }>>();

/** The per-lab client key (one for every host), created once even when hosts start together. */
export function labClientKey(lab: Lab): Promise<{ path: string; publicKey: string }> {
  let key = clientKeys.get(lab);
  if (!key) {
    const path = join(lab.dir, 'client_ed25519');
    key = keygen(path, `lbdoctor-lab-${lab.id}`).then((publicKey) => ({ path, publicKey }));
    clientKeys.set(lab, key);
  }
  return key;
}

/** A copy of /etc/shadow whose root entry has `password` (SHA-512 crypt from openssl). */
async function labShadow(dir: string, password: string): Promise<string> {
  const hash = await execa('openssl', ['passwd', '-6', '-stdin'], { input: password, timeout: 10_000 });
  const lines = (await readFile('/etc/shadow', 'utf8')).split('\n');
  const fields = (lines.find((l) => l.startsWith('root:')) ?? 'root::19000:0:99999:7:::').split(':');
  fields[1] = hash.stdout.trim();
  const shadow = join(dir, 'shadow');
  await writeFile(
    shadow,
    `${[fields.join(':'), ...lines.filter((l) => !l.startsWith('root:'))].join('\n')}`,
    {
      mode: 0o600,
    },
  );
  return shadow;
}

/**
 * sshd_config for OpenSSH 9.2 (Debian 12): no PAM (root logs in by key only),
 * StrictModes off because the per-run files live under /tmp, forwarding on
 * (the SSH dialer and ProxyJump use direct-tcpip), agent/X11 forwarding off.
 * MaxSessions/MaxStartups are raised so benches can open many channels.
 */
function sshdConfig(o: {
  password: boolean;
  address: string;
  port: number;
  hostKey: string;
  authorizedKeys: string;
  pidFile: string;
}) {
  return [
    `ListenAddress ${o.address}:${o.port}`,
    `HostKey ${o.hostKey}`,
    `PidFile ${o.pidFile}`,
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    `PermitRootLogin ${o.password ? 'yes' : 'prohibit-password'}`,
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${o.password ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'AllowTcpForwarding yes',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    'MaxSessions 200',
    'MaxStartups 200:30:400',
    'LogLevel INFO',
    '',
  ].join('\n');
}

function waitForListening(address: string, port: number, child: ChildProcess | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child?.once('exit', (code, signal) => {
    exited = `sshd exited (${code ?? signal})`;
  });
  return new Promise<void>((resolve, reject) => {
    const attempt = (): void => {
      if (exited) {
        reject(new LbdError('LBD_ERR_INTERNAL', `lab: ${exited} on ${address}:${port}`));
        return;
      }
      if (Date.now() > deadline) {
        reject(new LbdError('LBD_ERR_INTERNAL', `lab: sshd on ${address}:${port} did not listen in time`));
        return;
      }
      const s = connect({ host: address, port });
      s.once('data', () => {
        // The SSH banner: sshd is up and accepting.
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts sshd in `host`'s namespace (with root's shell start-up files masked) and waits until it answers. */
export async function startLabSshd(
  lab: Lab,
  host: LabHost,
  options: StartSshdOptions = {},
): Promise<LabSshd> {
  const port = options.port ?? 22;
  const dir = join(lab.dir, `sshd-${host.name}${port === 22 ? '' : `-${port}`}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // sshd refuses to start without its privilege separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const hostKeyPublic = await keygen(hostKey, `lab-${host.name}`);
  const client = await labClientKey(lab);
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, `${client.publicKey}\n`, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  const pidFile = join(dir, 'sshd.pid');
  const password = options.rootPassword !== undefined;
  await writeFile(
    config,
    sshdConfig({ password, address: host.address, port, hostKey, authorizedKeys, pidFile }),
  );
  const binds: Array<[string, string]> = [];
  if (password) binds.push([await labShadow(dir, options.rootPassword!), '/etc/shadow']);

  const [cmd, ...args] = maskedNetnsArgv(host.ns, [SSHD, '-D', '-e', '-f', config], binds);
  const child = spawn(cmd!, args, {
    stdio: options.detached ? 'ignore' : ['ignore', 'ignore', 'pipe'],
    detached: options.detached ?? false,
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    // Keep the tail for error messages; sshd logs one line per connection.
    log = (log + d.toString()).slice(-4000);
  });
  if (options.detached) child.unref();
  try {
    await waitForListening(
      host.address,
      port,
      options.detached ? undefined : child,
      options.timeoutMs ?? 15_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw Object.assign(err as Error, { message: `${(err as Error).message}\n${log}` });
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const hostField = port === 22 ? host.address : `[${host.address}]:${port}`;
  return {
    host: host.name,
    address: host.address,
    port,
    hostKeyPublic,
    hostKeyFingerprint: fingerprintOf(hostKeyPublic),
    clientKeyPath: client.path,
    knownHostsLine: `${hostField} ${hostKeyPublic}`,
    stop,
  };
}
