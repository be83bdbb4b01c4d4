// The one place that decides the exit code. Commands are plain async functions
// returning an exit code; libraries throw LbdError; anything else is a bug
// (reported without a stack trace unless --debug, so bad input never shows one).
import { Command, CommanderError } from './commander.js';
import { ExitCode, formatProblem, LbdError } from '../errors.js';
import { registerCommands } from './program.js';

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  const program = new Command();
  const outcome = { code: ExitCode.ok as number };
  registerCommands(program, (code) => {
    outcome.code = code;
  });
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    outcome.code = reportError(err, debug);
  }
  // process.exitCode, not process.exit(): stdout drains first (pipes, files).
  process.exitCode = outcome.code;
}

export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version are not errors; commander already printed them.
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code))
      return ExitCode.ok;
    return ExitCode.badInput;
  }
  if (err instanceof LbdError) {
    const lines = [`lbdoctor: ${err.message} [${err.code}]`];
    for (const p of err.problems) lines.push(`  ${formatProblem(p)}`);
    if (err.hint) lines.push(`  hint: ${err.hint}`);
    process.stderr.write(`${lines.join('\n')}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lbdoctor: internal error: ${message} [LBD_ERR_INTERNAL]\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  run again with --debug for a stack trace, and please report it\n');
  return ExitCode.badInput;
}
