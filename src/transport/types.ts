// The transport contract: how a probe reaches what it observes. Network probes
// open TCP streams through a Dialer (this machine, or an SSH host's
// forwardOut); host probes name allow-listed reads (SectionRequest) that a
// HostReader batches into one script per host. Probes (src/probes) and the
// runners that implement these (src/runners) both depend on this folder and
// never on each other.
import type { Duplex } from 'node:stream';

/** Opens TCP streams, from the operator's machine or through an SSH host (forwardOut). */
export interface Dialer {
  /** "local" or "ssh://user@host:port": shown in evidence so the reader knows where a probe ran from. */
  readonly vantage: string;
  connect(
    host: string,
    port: number,
    // localAddress: the source address to dial from (this machine only; an SSH host ignores it).
    options: { signal: AbortSignal; timeoutMs: number; localAddress?: string },
  ): Promise<Duplex>;
}

/** A named, allow-listed read on a host (see src/runners/commands.ts). */
export interface SectionRequest {
  id: string;
  /** Arguments; always quoted by the one quoting function before reaching a shell. */
  args?: readonly string[];
  /**
   * Names a later reading of the same command (e.g. "after-burst": counters
   * read again once a burst of connections is over). A host is read once per
   * run and its sections memoised; a named reading is a section of its own,
   * read when first asked for, so a walk can compare two moments.
   */
  reading?: string;
}

export interface SectionOutput {
  id: string;
  args: readonly string[];
  reading?: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Reads host state; one batched read per host per run, memoised. */
export interface HostReader {
  readonly host: string;
  read(requests: readonly SectionRequest[], signal: AbortSignal): Promise<SectionOutput[]>;
}
