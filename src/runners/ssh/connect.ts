// Opens one authenticated, host-key-verified SSH connection (through ProxyJump
// hops when the config says so). Failures become LbdErrors with stable codes:
// the vantage layer turns them into `error` observations, never a crash.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import { ExitCode, InputError, LbdError } from '../../errors.js';
import { targetUrl, type SshTarget } from './config.js';
import { onAbort } from './abort.js';
import type { HostKeyPolicy } from './host-key-policy.js';

export interface SshAuthOptions {
  /** Explicit identity file (inventory `identity_file` or a flag): must be readable. */
  identityFile?: string;
  /** Use the agent at SSH_AUTH_SOCK when set (default true). Agent forwarding is never requested. */
  useAgent?: boolean;
  /** The password, taken from the environment variable the inventory names (never a flag). */
  password?: string;
  /** Asked only when the server offers password auth and every key failed. */
  promptPassword?: (prompt: string) => Promise<string>;
}

export interface ConnectOptions {
  policy: HostKeyPolicy;
  auth: SshAuthOptions;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SshConnection {
  readonly url: string;
  readonly ssh: NodeSSH;
  /** The jump connections under this one (closed with it). */
  readonly via: NodeSSH[];
  /** Set when the connection dropped after it was made. */
  readonly lostReason: () => string | undefined;
  close(): void;
}

type AuthMethod =
  | { type: 'agent'; username: string; agent: string }
  | { type: 'publickey'; username: string; key: Buffer; passphrase?: string }
  | { type: 'password'; username: string; password: string };

// ssh2 is node-ssh's own dependency (no types shipped): load the copy node-ssh uses.
const requireFromNodeSsh = createRequire(createRequire(import.meta.url).resolve('node-ssh'));
const ssh2Utils = (requireFromNodeSsh('ssh2') as { utils: { parseKey(data: Buffer): unknown } }).utils;

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function err(
  code: 'LBD_ERR_SSH_UNREACHABLE' | 'LBD_ERR_SSH_TIMEOUT' | 'LBD_ERR_SSH_AUTH',
  msg: string,
  hint?: string,
  cause?: unknown,
) {
  return new LbdError(code, msg, {
    exitCode: ExitCode.couldNotCheck,
    ...(hint ? { hint } : {}),
    ...(cause ? { cause } : {}),
  });
}

/** Reads and parses one private key; an unreadable or unusable explicit key is bad input (exit 2). */
async function readIdentity(path: string, explicit: boolean): Promise<Buffer | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    if (!explicit) return undefined;
    throw new InputError(
      `cannot read the SSH identity file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      [{ file: path, message: 'unreadable identity file' }],
      'Give a readable private key (chmod 600, owned by you), or load it into ssh-agent.',
      'LBD_ERR_FILE',
    );
  }
  const parsed = ssh2Utils.parseKey(data);
  if (parsed instanceof Error) {
    if (!explicit) return undefined;
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new InputError(
      `the SSH identity file ${path} is not a usable private key: ${parsed.message}`,
      [{ file: path, message: 'not a usable private key' }],
      encrypted
        ? 'Passphrase-protected keys: load them into ssh-agent (ssh-add) and let lbdoctor use the agent.'
        : undefined,
      'LBD_ERR_FILE',
    );
  }
  return data;
}

async function authMethods(
  target: SshTarget,
  auth: SshAuthOptions,
): Promise<{ methods: AuthMethod[]; tried: string[] }> {
  const methods: AuthMethod[] = [];
  const tried: string[] = [];
  const username = target.user;
  const agent = process.env.SSH_AUTH_SOCK;
  if (auth.useAgent !== false && agent) {
    methods.push({ type: 'agent', username, agent });
    tried.push('agent');
  }
  const explicit = auth.identityFile ? [auth.identityFile] : [];
  const configured = target.identityFiles;
  const defaults =
    explicit.length === 0 && configured.length === 0
      ? DEFAULT_IDENTITIES.map((n) => join(homedir(), '.ssh', n))
      : [];
  for (const [paths, mustRead] of [
    [explicit, true],
    [configured, false],
    [defaults, false],
  ] as const) {
    for (const p of paths) {
      const key = await readIdentity(p, mustRead);
      if (key) {
        methods.push({ type: 'publickey', username, key });
        tried.push(`key ${p}`);
      }
    }
  }
  if (auth.password !== undefined) {
    methods.push({ type: 'password', username, password: auth.password });
    tried.push('password');
  }
  return { methods, tried };
}

function classify(target: SshTarget, e: unknown, tried: string[], timeoutMs: number, via?: string): LbdError {
  const x = e as { level?: string; code?: string; message?: string };
  const where = `${targetUrl(target)}${via ? ` via ${via}` : ''}`;
  const message = x?.message ?? String(e);
  if (x?.level === 'client-authentication') {
    return err(
      'LBD_ERR_SSH_AUTH',
      `SSH authentication as ${target.user} on ${where} failed (tried: ${tried.length > 0 ? tried.join(', ') : 'nothing: no agent, no key, no password'})`,
      'Check the user, load the right key into ssh-agent, or set identity_file / password_env for this host in the inventory.',
      e,
    );
  }
  if (x?.level === 'client-timeout' || /timed out/i.test(message) || x?.code === 'ETIMEDOUT') {
    return err(
      'LBD_ERR_SSH_TIMEOUT',
      `SSH to ${where} did not complete within ${timeoutMs} ms (${message})`,
      'Is the host up, is port open from here (security group, ACL, firewall)? Raise --timeout for slow links.',
      e,
    );
  }
  return err(
    'LBD_ERR_SSH_UNREACHABLE',
    `cannot reach SSH on ${where}: ${x?.code ? `${x.code} ` : ''}${message}`,
    'Check the address and port, that sshd runs, and that nothing between blocks it.',
    e,
  );
}

/** Key algorithms to offer, the ones known_hosts has for this host first (as OpenSSH orders them). */
function orderedHostKeyAlgorithms(known: string[]): string[] {
  const all = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ];
  const wants = (alg: string) =>
    known.some((k) => k === alg || (k === 'ssh-rsa' && alg.startsWith('rsa-sha2-')));
  return [...all.filter(wants), ...all.filter((a) => !wants(a))];
}

/** One hop: connects (over `sock` when given) and verifies the host key. */
async function openOne(target: SshTarget, o: ConnectOptions, sock?: Duplex, via?: string): Promise<NodeSSH> {
  const { methods, tried } = await authMethods(target, o.auth);
  let refusal: unknown;
  let passwordAsked = false;
  const ssh = new NodeSSH();
  const serverHostKey = orderedHostKeyAlgorithms(await o.policy.preferredKeyTypes(target.host, target.port));
  const queue = [...methods];
  const stopListening = o.signal ? onAbort(o.signal, () => ssh.connection?.end()) : undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const connecting = ssh.connect({
      ...(sock ? { sock } : { host: target.host }),
      port: target.port,
      username: target.user,
      readyTimeout: o.timeoutMs,
      // Never: the agent stays on this machine (DESIGN: SSH security).
      agentForward: false,
      algorithms: { serverHostKey: serverHostKey as never },
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        o.policy.check(target.host, target.port, key).then(
          () => verify(true),
          (e: unknown) => {
            refusal = e;
            verify(false);
          },
        );
      },
      authHandler: (
        methodsLeft: string[] | null,
        _partial: boolean,
        next: (m: AuthMethod | false) => void,
      ) => {
        const m = queue.shift();
        if (m) return next(m);
        const offered = methodsLeft === null || methodsLeft.includes('password');
        if (o.auth.promptPassword && !passwordAsked && offered && o.auth.password === undefined) {
          passwordAsked = true;
          tried.push('password (prompt)');
          o.auth.promptPassword(`Password for ${target.user}@${target.host}: `).then(
            (password) => next({ type: 'password', username: target.user, password }),
            () => next(false),
          );
          return;
        }
        next(false);
      },
    } as never);
    // Our own deadline as well: ssh2's readyTimeout does not cover a stalled jump channel.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ssh.connection?.end();
        reject(
          Object.assign(new Error('timed out waiting for the SSH handshake'), { level: 'client-timeout' }),
        );
      }, o.timeoutMs + 1000);
    });
    await Promise.race([connecting, deadline]);
  } catch (e) {
    ssh.connection?.end();
    if (o.signal?.aborted) throw o.signal.reason ?? new DOMException('aborted', 'AbortError');
    if (refusal) throw refusal;
    throw classify(target, e, tried, o.timeoutMs, via);
  } finally {
    clearTimeout(timer);
    stopListening?.();
  }
  return ssh;
}

/** Connects to `target`, first through each ProxyJump hop (each verified on its own). */
export async function openSshConnection(target: SshTarget, o: ConnectOptions): Promise<SshConnection> {
  const via: NodeSSH[] = [];
  let lost: string | undefined;
  const closeAll = () => {
    for (const c of [...via].reverse()) c.dispose();
  };
  try {
    let sock: Duplex | undefined;
    let viaUrl: string | undefined;
    for (const hop of target.jumps) {
      const c = await openOne(hop, o, sock, viaUrl);
      watch(c);
      via.push(c);
      sock = await forward(c, hop, target.jumps[target.jumps.indexOf(hop) + 1] ?? target, o.timeoutMs);
      viaUrl = targetUrl(hop);
    }
    const ssh = await openOne(target, o, sock, viaUrl);
    watch(ssh);
    return {
      url: targetUrl(target),
      ssh,
      via,
      lostReason: () => lost,
      close: () => {
        ssh.dispose();
        closeAll();
      },
    };
  } catch (e) {
    closeAll();
    throw e;
  }

  function watch(c: NodeSSH): void {
    // node-ssh drops its error listener once connected: without ours a reset would crash the process.
    c.connection?.on('error', (e: Error) => {
      lost ??= e.message;
    });
    c.connection?.on('close', () => {
      lost ??= 'connection closed';
    });
  }
}

async function forward(c: NodeSSH, hop: SshTarget, next: SshTarget, timeoutMs: number): Promise<Duplex> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      c.forwardOut('127.0.0.1', 0, next.host, next.port),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    throw err(
      'LBD_ERR_SSH_UNREACHABLE',
      `jump host ${targetUrl(hop)} could not open a connection to ${next.host}:${next.port}: ${(e as Error).message}`,
      'Check that the jump host can reach the target and allows TCP forwarding (AllowTcpForwarding).',
      e,
    );
  } finally {
    clearTimeout(timer);
  }
}
