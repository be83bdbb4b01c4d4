// The range each duration flag accepts. Apart from options.ts (no imports) so
// `--help` can say the bounds without loading the parsers.

/** The range a duration flag accepts, and how to say it in --help and errors. */
export interface DurationBounds {
  minMs: number;
  maxMs: number;
}

// Node's timers hold at most 2^31-1 ms (24.8 days): a longer one fires after
// 1 ms, and a probe would then report a timeout that never happened. The
// bounds below keep every timer far from that, and each flag's value sane.
/** --timeout: one probe's wait. Longer than 10 min is a hung peer, not a slow one. */
export const TIMEOUT_BOUNDS: DurationBounds = { minMs: 1, maxMs: 10 * 60_000 };
/** --deadline: a whole run. A day is longer than any playbook needs. */
export const DEADLINE_BOUNDS: DurationBounds = { minMs: 1, maxMs: 24 * 60 * 60_000 };

/** "1 ms", "10 min", "24 h": a bound as the help and errors print it. */
export function formatBound(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** "between 1 ms and 10 min", for --help and errors. */
export function describeBounds(bounds: DurationBounds): string {
  return `between ${formatBound(bounds.minMs)} and ${formatBound(bounds.maxMs)}`;
}
