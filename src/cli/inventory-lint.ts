// `lbdoctor inventory lint FILE…`: read each inventory (`-` is standard
// input), lint it, write the reports, return the exit code (DESIGN.md):
// 2 when any file is not a valid inventory (its located problems go to
// stderr, as for every other command, and into the JSON/JUnit reports),
// else 1 when a finding is at or above --fail-on, else 0.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExitCode, formatProblems, InputError, LbdError } from '../errors.js';
import { atOrAbove, lintText } from '../lint/lint.js';
import {
  checkLintFormats,
  type LintFormatSpec,
  parseLintFormat,
  renderLint,
} from '../lint/report/registry.js';
import { RULES } from '../lint/rules/index.js';
import type { LintFileResult, LintRun } from '../lint/types.js';
import { readCapped, readText } from '../model/locate.js';
import { escapeJsonControls, visible } from '../reporters/visible.js';
import type { Severity } from '../model/vocabulary.js';

export interface InventoryLintOptions {
  format?: string[];
  failOn: Severity;
}

export interface LintIo {
  stdin: AsyncIterable<Buffer | string>;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export const STDIN_NAME = '<stdin>';

async function lintOne(file: string, io: LintIo): Promise<LintFileResult> {
  const name = file === '-' ? STDIN_NAME : file;
  try {
    const text =
      file === '-' ? await readCapped(io.stdin, STDIN_NAME, 'inventory') : await readText(file, 'inventory');
    return { file: name, findings: lintText(name, text) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const lines = [
      `lbdoctor: ${err.message} [${err.code}]`,
      ...formatProblems(err.problems).map((p) => `  ${p}`),
    ];
    if (err.hint) lines.push(`  hint: ${err.hint}`);
    io.stderr.write(`${visible(lines.join('\n'))}\n`);
    return {
      file: name,
      findings: [],
      error: {
        code: err.code,
        message: err.message,
        problems: err.problems,
        ...(err.hint ? { hint: err.hint } : {}),
      },
    };
  }
}

export async function inventoryLint(
  files: readonly string[],
  opts: InventoryLintOptions,
  io: LintIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const specs: LintFormatSpec[] = (opts.format?.length ? opts.format : ['text']).map(parseLintFormat);
  checkLintFormats(specs);
  if (files.filter((f) => f === '-').length > 1)
    throw new InputError('standard input (-) can be read once', [], 'give - only once');
  const results: LintFileResult[] = [];
  for (const file of files) results.push(await lintOne(file, io));
  const run: LintRun = { files: results, failOn: opts.failOn, rules: Object.values(RULES) };
  for (const spec of specs) {
    // File names and messages quote the arguments: a terminal must not act on them.
    const rendered = await renderLint(spec.name, run);
    const text = spec.name === 'json' ? escapeJsonControls(rendered) : visible(rendered);
    if (spec.file === undefined) {
      io.stdout.write(text);
      continue;
    }
    try {
      await mkdir(dirname(spec.file), { recursive: true });
      await writeFile(spec.file, text);
    } catch (err) {
      throw new LbdError('LBD_ERR_FILE', `cannot write the ${spec.name} report to ${spec.file}`, {
        problems: [{ file: spec.file, message: (err as Error).message }],
        hint: 'check that the directory is writable',
      });
    }
  }
  if (results.some((r) => r.error)) return ExitCode.badInput;
  const failing = results.some((r) => r.findings.some((f) => atOrAbove(f.severity, opts.failOn)));
  return failing ? ExitCode.findings : ExitCode.ok;
}
