// Runs allow-listed argv on this machine (execa: argv, never a shell string),
// and inside a network namespace for lab hosts (`ip netns exec NAME …`).
import { execa } from 'execa';
import { LbdError } from '../errors.js';
import type { CommandResult, CommandRunner } from './types.js';

export class LocalRunner implements CommandRunner {
  readonly name: string;
  readonly #prefix: readonly string[];

  /** `prefix` is prepended to every argv (NetnsRunner uses `ip netns exec NAME`). */
  readonly #env: Readonly<Record<string, string>>;

  /** `prefix` is prepended to every argv (NetnsRunner uses `ip netns exec NAME`); `env` adds variables. */
  constructor(options: { name?: string; prefix?: readonly string[]; env?: Record<string, string> } = {}) {
    this.name = options.name ?? 'local';
    this.#prefix = options.prefix ?? [];
    this.#env = options.env ?? {};
  }

  async run(
    argv: readonly string[],
    options: { input?: string; signal: AbortSignal; timeoutMs: number },
  ): Promise<CommandResult> {
    const full = [...this.#prefix, ...argv];
    const [file, ...args] = full;
    if (!file) throw new LbdError('LBD_ERR_INTERNAL', 'LocalRunner.run needs a command');
    const result = await execa(file, args, {
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      cancelSignal: options.signal,
      timeout: options.timeoutMs,
      reject: false,
      stripFinalNewline: false,
      encoding: 'utf8',
      // Host state is read in the C locale so parsers see the same words everywhere.
      env: { ...this.#env, LC_ALL: 'C' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.timedOut) {
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `${this.name}: "${full.join(' ')}" timed out after ${options.timeoutMs} ms`,
        {
          exitCode: 3,
          hint: 'raise --timeout, or check why the command hangs on this host',
        },
      );
    }
    if (result.isCanceled) {
      throw new LbdError('LBD_ERR_INTERNAL', `${this.name}: "${full.join(' ')}" was cancelled`, {
        exitCode: 3,
        cause: options.signal.reason,
      });
    }
    if (result.exitCode === undefined) {
      // Could not start (ENOENT, EACCES) or killed by a signal: report it like a shell would.
      const code = (result as { code?: string }).code;
      return {
        stdout: String(result.stdout ?? ''),
        stderr: `${String(result.stderr ?? '')}${result.shortMessage}\n`,
        exitCode: code === 'ENOENT' ? 127 : code === 'EACCES' ? 126 : 128,
      };
    }
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode };
  }
}

/** Runs commands inside network namespace `ns` (lab hosts); needs root. */
export class NetnsRunner extends LocalRunner {
  readonly namespace: string;
  constructor(ns: string) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(ns)) {
      throw new LbdError('LBD_ERR_INPUT', `invalid network namespace name "${ns}"`, {
        problems: [
          { message: 'invalid namespace name', field: 'ns', expected: 'letters, digits, "_", "-", "."' },
        ],
      });
    }
    super({ name: `netns:${ns}`, prefix: ['ip', 'netns', 'exec', ns] });
    this.namespace = ns;
  }
}
