import type { Command } from 'commander';

/** How a command reports its exit code to main.ts, the one place that exits. */
export type SetExitCode = (code: number) => void;

/**
 * Every command file exports one `register…(parent, setExitCode)`. The file
 * itself imports only commander (types) so that `--help`, `--version` and
 * `list` stay fast; its action imports the heavy modules it needs lazily.
 */
export type RegisterCommand = (parent: Command, setExitCode: SetExitCode) => void;
