// Errors with stable codes. Libraries throw these; only src/cli/main.ts turns
// them into exit codes and messages (docs/errors.md lists every code).

/** Where in an input a problem sits. Line and column are 1-based. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path of the field, e.g. `pools[0].healthmonitor.delay`. */
  field?: string;
}

export interface Problem extends Location {
  message: string;
  /** What would have been accepted, e.g. `one of TCP, UDP, HTTP, HTTPS`. */
  expected?: string;
}

export type ErrorCode =
  | 'LBD_ERR_USAGE'
  | 'LBD_ERR_INPUT'
  | 'LBD_ERR_UNKNOWN_PLAYBOOK'
  | 'LBD_ERR_UNKNOWN_PROBE'
  | 'LBD_ERR_UNKNOWN_FORMAT'
  | 'LBD_ERR_FILE'
  | 'LBD_ERR_SSH_CONFIG'
  | 'LBD_ERR_SSH_UNREACHABLE'
  | 'LBD_ERR_SSH_TIMEOUT'
  | 'LBD_ERR_SSH_AUTH'
  | 'LBD_ERR_SSH_HOST_KEY'
  | 'LBD_ERR_SSH_CHANNEL'
  | 'LBD_ERR_PORT_IN_USE'
  | 'LBD_ERR_PERMISSION'
  | 'LBD_ERR_CLOUD_AUTH'
  | 'LBD_ERR_CLOUD_API'
  | 'LBD_ERR_INTERNAL';

/** Exit codes: a contract (DESIGN.md "Reports and exit codes"). */
export const ExitCode = {
  ok: 0,
  findings: 1,
  badInput: 2,
  couldNotCheck: 3,
} as const;

export class LbdError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly problems: Problem[];
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { problems?: Problem[]; hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LbdError';
    this.code = code;
    this.problems = options.problems ?? [];
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.badInput;
  }
}

/** Bad input (files, flags, values): always exit 2. */
export class InputError extends LbdError {
  constructor(message: string, problems: Problem[] = [], hint?: string, code: ErrorCode = 'LBD_ERR_INPUT') {
    super(code, message, { problems, ...(hint === undefined ? {} : { hint }), exitCode: ExitCode.badInput });
    this.name = 'InputError';
  }
}

export class UsageError extends LbdError {
  constructor(message: string, hint?: string, code: ErrorCode = 'LBD_ERR_USAGE') {
    super(code, message, { ...(hint === undefined ? {} : { hint }), exitCode: ExitCode.badInput });
    this.name = 'UsageError';
  }
}

/** `file:line:column field: message (expected …)`, one line per problem. */
export function formatProblem(p: Problem): string {
  let where = p.file ?? '';
  if (p.line !== undefined)
    where += `${where ? ':' : 'line '}${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  const field = p.field ? `${p.field}: ` : '';
  const expected = p.expected ? ` (expected ${p.expected})` : '';
  return `${where ? `${where}: ` : ''}${field}${p.message}${expected}`;
}

/** How many problems an error prints before it says how many more there are. */
export const SHOWN_PROBLEMS = 20;

/**
 * One line per problem, at most `max` of them and then a count of the rest:
 * random bytes given as an inventory make thousands of syntax errors, and
 * the first few say all there is to say.
 */
export function formatProblems(problems: readonly Problem[], max = SHOWN_PROBLEMS): string[] {
  const lines = problems.slice(0, max).map(formatProblem);
  const more = problems.length - max;
  if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? '' : 's'} (fix the ones above first)`);
  return lines;
}
