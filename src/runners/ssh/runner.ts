// CommandRunner over SSH. The remote side always gets one command string
// built by shellJoin (the one quoting function), and the batched read is the
// fixed `sh -s` with the script on stdin: nothing from an inventory reaches a
// remote shell unquoted.
import { constants } from 'node:os';
import { ExitCode, LbdError } from '../../errors.js';
import { shellJoin } from '../quote.js';
import type { CommandResult, CommandRunner } from '../types.js';
import { onAbort } from './abort.js';
import type { SshConnection } from './connect.js';

/** The part of an ssh2 channel used here (ssh2 ships no types). */
interface ExecChannel {
  on(event: 'data', listener: (d: Buffer) => void): this;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): this;
  on(event: 'close', listener: () => void): this;
  stderr: { on(event: 'data', listener: (d: Buffer) => void): unknown };
  end(data?: string): void;
  close(): void;
}

interface ExecClient {
  exec(command: string, callback: (err: Error | undefined, channel: ExecChannel) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export type ConnectionSource = (signal: AbortSignal) => Promise<SshConnection>;

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new DOMException('the operation was aborted', 'AbortError');
}

function signalExit(signal: string | null | undefined): number {
  if (!signal) return 255;
  const n =
    (constants.signals as Record<string, number>)[`SIG${signal}`] ??
    (constants.signals as Record<string, number>)[signal];
  return n === undefined ? 255 : 128 + n;
}

export class SshRunner implements CommandRunner {
  readonly name: string;
  readonly #connect: ConnectionSource;
  readonly #limit: <T>(fn: () => Promise<T>) => Promise<T>;

  /** `limit` bounds how many hosts run commands at once (shared by every runner of a run). */
  constructor(name: string, connect: ConnectionSource, limit?: <T>(fn: () => Promise<T>) => Promise<T>) {
    this.name = name;
    this.#connect = connect;
    this.#limit = limit ?? ((fn) => fn());
  }

  async run(
    argv: readonly string[],
    options: { input?: string; signal: AbortSignal; timeoutMs: number },
  ): Promise<CommandResult> {
    if (argv.length === 0) throw new LbdError('LBD_ERR_INTERNAL', 'SshRunner.run needs a command');
    if (options.signal.aborted) throw abortError(options.signal);
    const conn = await this.#connect(options.signal);
    return this.#limit(() => this.#exec(conn, shellJoin(argv), options));
  }

  #exec(
    conn: SshConnection,
    command: string,
    options: { input?: string; signal: AbortSignal; timeoutMs: number },
  ): Promise<CommandResult> {
    const client = conn.ssh.connection as ExecClient | null;
    if (!client) {
      return Promise.reject(
        new LbdError(
          'LBD_ERR_SSH_UNREACHABLE',
          `${this.name}: the SSH connection is closed (${conn.lostReason() ?? 'closed'})`,
          {
            exitCode: ExitCode.couldNotCheck,
          },
        ),
      );
    }
    return new Promise<CommandResult>((resolve, reject) => {
      let channel: ExecChannel | undefined;
      let settled = false;
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | undefined;
      let exitSignal: string | undefined;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopListening();
        client.off('close', onClose);
        f();
      };
      const abort = () => {
        channel?.close();
        finish(() => reject(abortError(options.signal)));
      };
      const onClose = () =>
        finish(() =>
          reject(
            new LbdError(
              'LBD_ERR_SSH_UNREACHABLE',
              `${this.name}: the SSH connection dropped while running a command`,
              {
                exitCode: ExitCode.couldNotCheck,
              },
            ),
          ),
        );
      const timer = setTimeout(() => {
        channel?.close();
        finish(() =>
          reject(
            new LbdError(
              'LBD_ERR_SSH_TIMEOUT',
              `${this.name}: the remote command timed out after ${options.timeoutMs} ms`,
              {
                exitCode: ExitCode.couldNotCheck,
                hint: 'raise --timeout, or check why the command hangs on this host',
              },
            ),
          ),
        );
      }, options.timeoutMs);
      const stopListening = onAbort(options.signal, abort);
      client.once('close', onClose);
      client.exec(command, (e, ch) => {
        if (e) {
          finish(() =>
            reject(
              new LbdError(
                'LBD_ERR_SSH_CHANNEL',
                `${this.name}: could not start a remote command: ${e.message}`,
                {
                  exitCode: ExitCode.couldNotCheck,
                  cause: e,
                },
              ),
            ),
          );
          return;
        }
        channel = ch;
        if (settled) {
          ch.close();
          return;
        }
        ch.on('data', (d: Buffer) => stdout.push(d));
        ch.stderr.on('data', (d: Buffer) => stderr.push(d));
        ch.on('exit', (code: number | null, sig?: string) => {
          if (typeof code === 'number') exitCode = code;
          else exitSignal = sig ?? 'KILL';
        });
        ch.on('close', () =>
          finish(() =>
            resolve({
              stdout: Buffer.concat(stdout).toString('utf8'),
              stderr: Buffer.concat(stderr).toString('utf8'),
              exitCode: exitCode ?? signalExit(exitSignal),
            }),
          ),
        );
        if (options.input !== undefined) ch.end(options.input);
        else ch.end();
      });
    });
  }
}
