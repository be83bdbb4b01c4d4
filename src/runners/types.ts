// Where probes run from. The engine asks for a vantage by name; runners decide
// how (local process, SSH connection) and keep one connection per host.
import type { Dialer, HostReader } from '../transport/types.js';

export interface Vantage {
  /** "local", or the member/host name as written in the inventory. */
  readonly name: string;
  readonly dialer: Dialer;
  readonly host: HostReader;
  /** Time to connect and run the batched read, for per-host timings in reports. */
  readonly timings: { connectMs?: number; readMs?: number };
}

export interface VantageProvider {
  local(): Vantage;
  /** A member or `client` of the inventory's `hosts`; rejects with LbdError when it has no SSH reach. */
  forHost(name: string, signal: AbortSignal): Promise<Vantage>;
  /** Closes every connection (also on Ctrl-C). */
  close(): Promise<void>;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs one allow-listed command (argv, never a shell string) on a host.
 * The batched read is `run(['sh', '-s'], { input: script })`.
 */
export interface CommandRunner {
  /** "local", "ssh://root@10.0.0.2:22", "netns:lbd-ab12-be1". */
  readonly name: string;
  run(
    argv: readonly string[],
    options: { input?: string; signal: AbortSignal; timeoutMs: number },
  ): Promise<CommandResult>;
}
