import type { Command } from 'commander';

/** How a command reports its exit code to main.ts, the one place that exits. */
export type SetExitCode = (code: number) => void;

/**
 * Every command file exports one `register…(command, setExitCode)`, which gives
 * the command program.ts created (name, arguments, description) its options,
 * help text and action, or its subcommands. The file imports only light
 * modules; its action imports the heavy ones it needs lazily.
 */
export type RegisterCommand = (command: Command, setExitCode: SetExitCode) => void;
