// The one quoting function for POSIX sh. Every argument that reaches a remote
// or local shell (the batched read script) goes through here: nothing from an
// inventory, a playbook or a flag is ever spliced into a command unquoted.

/**
 * Quotes `arg` as a single POSIX sh word. Single quotes keep every byte
 * literal (no `$`, backtick, backslash or glob expansion); a single quote
 * inside is written as `'\''` (close, escaped quote, reopen).
 * NUL cannot be passed through argv at all, so it is refused.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('a shell argument cannot contain a NUL byte');
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Quotes every word of an argv and joins them with spaces. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
