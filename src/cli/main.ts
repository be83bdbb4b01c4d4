// The one place that decides the exit code. Commands are plain async functions
// returning an exit code; libraries throw LbdError; anything else is a bug
// (reported without a stack trace unless --debug, so bad input never shows one).
// errors.ts is loaded only when something went wrong (startup is a goal).
import type { Command as CommandType } from 'commander';
import { Command, CommanderError } from './commander.js';
import { registerCommands } from './program.js';

/** The exit codes of errors.ts's ExitCode, repeated so a clean run never loads it. */
const OK = 0;
const BAD_INPUT = 2;

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  // `lbdoctor … | head`: the reader left; what is left to print has no one to read it.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = new Command();
  const outcome = { code: OK };
  // Before any subcommand exists: commander copies these settings into each
  // subcommand when it is created, so a usage error at any depth throws a
  // CommanderError here instead of calling process.exit(1) itself.
  program.exitOverride();
  program.configureOutput({ outputError: () => {} });
  try {
    // Only the command argv names is loaded in full; the others are stubs for help.
    await registerCommands(program, (code) => (outcome.code = code), argv);
    await program.parseAsync(argv);
  } catch (err) {
    outcome.code = await reportError(err, debug, () => usageHint(program, argv.slice(2)));
  }
  // process.exitCode, not process.exit(): stdout drains first (pipes, files).
  process.exitCode = outcome.code;
}

/**
 * Errors to an exit code and a message on stderr. `usage` names the help to
 * read for a commander usage error (e.g. "lbdoctor lab up --help").
 */
export async function reportError(err: unknown, debug: boolean, usage?: () => string): Promise<number> {
  if (err instanceof CommanderError) {
    // Help and version (exit code 0) are not errors; commander already printed them.
    if (err.exitCode === 0) return OK;
    // A group without its subcommand: commander printed the group's help on stderr.
    if (err.code === 'commander.help') return BAD_INPUT;
    // Bad usage: one line. Commander's message is "error: …", maybe with "\n(Did you mean …?)".
    const message = err.message
      .replace(/^error: /, '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
    const see = usage ? ` (see \`${usage()}\`)` : '';
    const { visible } = await import('../reporters/visible.js');
    process.stderr.write(`lbdoctor: ${visible(message)}${see} [LBD_ERR_USAGE]\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return BAD_INPUT;
  }
  const [{ LbdError, formatProblems }, { visible }, { redactText }, { hang, REPORT_WIDTH }] =
    await Promise.all([
      import('../errors.js'),
      import('../reporters/visible.js'),
      import('../reporters/redact.js'),
      import('../reporters/wrap.js'),
    ]);
  // Messages quote files and flags: no control sequence reaches the terminal,
  // and a credential written where it does not belong is still not echoed.
  const say = (text: string) => visible(redactText(text));
  if (err instanceof LbdError) {
    const lines = [
      `lbdoctor: ${err.message} [${err.code}]`,
      ...formatProblems(err.problems).map((p) => `  ${p}`),
    ].map(say);
    // The hint is prose: wrapped to the terminal (problems stay one line each, for editors and grep).
    // Cleaned before it is wrapped, so a secret split across lines is still found.
    const width = (process.stderr.isTTY && process.stderr.columns) || REPORT_WIDTH;
    if (err.hint) lines.push(...hang('  hint: ', say(err.hint), width, undefined, false));
    process.stderr.write(`${lines.join('\n')}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lbdoctor: internal error: ${say(message)} [LBD_ERR_INTERNAL]\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  run again with --debug for a stack trace, and please report it\n');
  return BAD_INPUT;
}

/** `lbdoctor lab up --help`: the deepest command the arguments name. */
function usageHint(program: CommandType, args: readonly string[]): string {
  const path = ['lbdoctor'];
  let cmd = program;
  for (const a of args) {
    if (a === '--') break;
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    path.push(sub.name());
    cmd = sub;
  }
  return `${path.join(' ')} --help`;
}
