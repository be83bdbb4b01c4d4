// Vantages a run asks for by name: "local" (this machine) or a host of the
// inventory reached over SSH. One connection per host, opened on first use,
// shared by its batched read and its forwarded streams; closed together.
import { InputError, type LbdError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import type { HostReader, SectionRequest } from '../transport/types.js';
import { createBatchReader } from './batch.js';
import { createLocalVantage } from './local-vantage.js';
import { resolveSshTarget, type SshTarget, targetUrl } from './ssh/config.js';
import type { SshAuthOptions } from './ssh/connect.js';
import { createSshDialer } from './ssh/dialer.js';
import { createHostKeyPolicy, type HostKeyCheck } from './ssh/host-key-policy.js';
import { createSshPool } from './ssh/pool.js';
import { SshRunner } from './ssh/runner.js';
import type { Vantage, VantageProvider } from './types.js';

export interface VantageOptions {
  /** known_hosts to verify against (and where accept-new writes); default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** `-F`-style SSH config; default ~/.ssh/config. */
  sshConfigFile?: string;
  hostKeyCheck: HostKeyCheck;
  /** Identity file for every host without its own `identity_file`. */
  identityFile?: string;
  /** Hosts worked on at once. */
  concurrency: number;
  /** Per-operation timeout: SSH connect, each remote command. */
  timeoutMs: number;
  /** Asked when a host offers password auth and keys failed (interactive runs only). */
  promptPassword?: (prompt: string) => Promise<string>;
  /** Aborting it closes every connection (the CLI wires Ctrl-C here). */
  signal?: AbortSignal;
  /** Use SSH_AUTH_SOCK when set (default true). */
  useAgent?: boolean;
}

type MutableTimings = { connectMs?: number; readMs?: number };

function noReach(name: string, inventory: Inventory): LbdError {
  const field = `hosts.${name}`;
  return new InputError(
    `no SSH reach for "${name}": the inventory has no ${field} entry`,
    [
      {
        ...(inventory.source ? { file: inventory.source } : {}),
        field,
        message: 'missing',
        expected: 'hosts.<name>.ssh',
      },
    ],
    `Add it to the inventory, e.g.\nhosts:\n  ${name}:\n    ssh: ssh://root@10.0.0.12:22   # or a Host alias of ~/.ssh/config`,
  );
}

/** Where the inventory says `name` is reached, plus how to log in. */
function reachOf(
  name: string,
  inventory: Inventory,
  options: VantageOptions,
): { target: SshTarget; auth: SshAuthOptions } {
  const access = inventory.hosts[name];
  const reach = access?.ssh ?? (name === 'client' ? (inventory.client?.ssh ?? undefined) : undefined);
  if (!reach) throw noReach(name, inventory);
  const field = access ? `hosts.${name}.ssh` : 'client.ssh';
  const target = resolveSshTarget(reach, {
    field,
    ...(options.sshConfigFile ? { configFile: options.sshConfigFile } : {}),
  });
  let password: string | undefined;
  if (access?.password_env) {
    password = process.env[access.password_env];
    if (password === undefined) {
      throw new InputError(
        `hosts.${name}.password_env names ${access.password_env}, which is not set`,
        [
          {
            ...(inventory.source ? { file: inventory.source } : {}),
            field: `hosts.${name}.password_env`,
            message: 'environment variable not set',
          },
        ],
        `Export ${access.password_env} before the run (the password itself never goes in a file or a flag).`,
      );
    }
  }
  const identityFile = access?.identity_file ?? options.identityFile;
  const auth: SshAuthOptions = {
    ...(identityFile ? { identityFile } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(options.promptPassword ? { promptPassword: options.promptPassword } : {}),
    ...(options.useAgent === false ? { useAgent: false } : {}),
  };
  return { target, auth };
}

function timedReader(reader: HostReader, timings: MutableTimings): HostReader & { readonly raw?: string } {
  return {
    host: reader.host,
    // --save-evidence reads the batch reader's raw text through this wrapper.
    get raw() {
      return (reader as { raw?: string }).raw;
    },
    async read(requests: readonly SectionRequest[], signal: AbortSignal) {
      const started = performance.now();
      try {
        return await reader.read(requests, signal);
      } finally {
        timings.readMs = (timings.readMs ?? 0) + (performance.now() - started);
      }
    },
  };
}

export function createVantageProvider(inventory: Inventory, options: VantageOptions): VantageProvider {
  const policy = createHostKeyPolicy({
    mode: options.hostKeyCheck,
    ...(options.knownHostsFile ? { knownHostsFile: options.knownHostsFile } : {}),
  });
  const pool = createSshPool({ policy, concurrency: options.concurrency, timeoutMs: options.timeoutMs });
  const vantages = new Map<string, Promise<Vantage>>();
  let local: Vantage | undefined;
  const onAbort = () => void pool.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  async function build(name: string, signal: AbortSignal): Promise<Vantage> {
    const { target, auth } = reachOf(name, inventory, options);
    const url = targetUrl(target);
    const timings: MutableTimings = {};
    const connect = async (s: AbortSignal) => {
      const started = performance.now();
      const c = await pool.connection(target, auth, s);
      timings.connectMs ??= performance.now() - started;
      return c;
    };
    // Connect now: an unreachable host is known (and reported) before any probe waits on it.
    await connect(signal);
    const runner = new SshRunner(url, connect, pool.limit);
    return {
      name,
      dialer: createSshDialer(url, connect),
      host: timedReader(createBatchReader(runner, { host: name, timeoutMs: options.timeoutMs }), timings),
      timings,
    };
  }

  return {
    local() {
      local ??= createLocalVantage({ timeoutMs: options.timeoutMs });
      return local;
    },
    forHost(name, signal) {
      let v = vantages.get(name);
      if (!v) {
        v = build(name, signal);
        vantages.set(name, v);
        // Bad input is final; an aborted attempt may be retried by a later caller.
        v.catch(() => {
          if (signal.aborted) vantages.delete(name);
        });
      }
      return v;
    },
    async close() {
      options.signal?.removeEventListener('abort', onAbort);
      await pool.close();
    },
  };
}
