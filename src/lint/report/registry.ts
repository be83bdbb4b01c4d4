// The lint report formats in one literal table; `--format` help and its
// errors come from it. JUnit loads the XML builder only when asked for.
import { UsageError } from '../../errors.js';
import { closeMatch } from '../../suggest.js';
import type { LintRun } from '../types.js';

interface LintFormat {
  description: string;
  extension: string;
  load: () => Promise<(run: LintRun) => string>;
}

const formats = {
  text: {
    description: 'one block per finding: file:line:col, code, severity, title, cause, fix (80 columns)',
    extension: 'txt',
    load: async () => (await import('./text.js')).renderText,
  },
  json: {
    description: 'versioned JSON (docs/lint.md): findings with locations, per-file status, counts',
    extension: 'json',
    load: async () => (await import('./json.js')).renderJson,
  },
  junit: {
    description: 'JUnit XML for CI: a test suite per file, a test case per rule',
    extension: 'xml',
    load: async () => (await import('./junit.js')).renderJunit,
  },
} as const satisfies Record<string, LintFormat>;

export type LintFormatName = keyof typeof formats;

export const LINT_FORMAT_NAMES = Object.keys(formats) as LintFormatName[];

export function lintFormatHelp(): string {
  return LINT_FORMAT_NAMES.map((n) => `${n.padEnd(7)}${formats[n].description}`).join('\n');
}

export interface LintFormatSpec {
  name: LintFormatName;
  /** Absent: standard output. */
  file?: string;
}

/** `json` → standard output, `junit:lint.xml` → a file. */
export function parseLintFormat(spec: string): LintFormatSpec {
  const colon = spec.indexOf(':');
  const name = (colon === -1 ? spec : spec.slice(0, colon)).trim();
  const file = colon === -1 ? undefined : spec.slice(colon + 1);
  if (!Object.hasOwn(formats, name)) {
    const guess = closeMatch(name, LINT_FORMAT_NAMES);
    throw new UsageError(
      `unknown lint format "${name}" in --format ${spec}`,
      `${guess ? `did you mean "${guess}"? ` : ''}formats: ${LINT_FORMAT_NAMES.join(', ')}; write NAME or NAME:FILE`,
      'LBD_ERR_UNKNOWN_FORMAT',
    );
  }
  const known = name as LintFormatName;
  if (file !== undefined && file.trim() === '') {
    throw new UsageError(
      `--format ${spec}: missing file name after ":"`,
      `write --format ${known} for standard output or --format ${known}:lint.${formats[known].extension}`,
    );
  }
  return file === undefined ? { name: known } : { name: known, file };
}

/** Checks that at most one format goes to standard output. */
export function checkLintFormats(specs: readonly LintFormatSpec[]): void {
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1) {
    const second = toStdout[1]!.name;
    throw new UsageError(
      `--format ${toStdout.map((s) => s.name).join(' and --format ')} would both write to standard output`,
      `send all but one to a file, e.g. --format ${second}:lint.${formats[second].extension}`,
    );
  }
}

export async function renderLint(name: LintFormatName, run: LintRun): Promise<string> {
  return (await formats[name].load())(run);
}
