// What every lab backend returns: where it listens and how to stop it. Tests,
// scenarios and benchmarks only need these three things.
export interface RunningServer {
  readonly address: string;
  readonly port: number;
  /** Stops listening and drops every open connection (hung ones included). Idempotent. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 0 (the kernel picks a free port). */
  port?: number;
}
