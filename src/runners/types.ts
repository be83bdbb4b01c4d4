// Where probes run from. The engine asks for a vantage by name; runners decide
// how (local process, SSH connection) and keep one connection per host.
import type { Dialer, HostReader } from '../probes/types.js';

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
