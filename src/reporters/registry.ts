// Every report format in one literal table (STYLE: goss outputs/outputs.go).
// `--format` help and its errors are generated from it. Each reporter module is
// imported only when used, so `lbdoctor --help` never loads chalk or the XML
// builder.
import { closest } from 'fastest-levenshtein';
import type { RunResult } from '../engine/result.js';
import { LbdError, UsageError } from '../errors.js';
import type { ReportContext, Reporter } from './types.js';

interface ReporterEntry {
  description: string;
  extension: string;
  /**
   * How bytes a host sent (and arguments) are kept from steering a terminal:
   * `visible` shows each control character as an escape (`\x1b`) before
   * rendering; `json` leaves the strings alone, JSON escapes them.
   */
  controls: 'visible' | 'json';
  load: () => Promise<Reporter>;
}

const reporters = {
  text: {
    description:
      'for a person at a terminal: verdict, findings per member/listener, fixes (default on a TTY)',
    extension: 'txt',
    controls: 'visible',
    load: async () => (await import('./text.js')).textReporter,
  },
  json: {
    description: 'the full result, versioned (docs/json-report.md, schemas/report.schema.json)',
    extension: 'json',
    controls: 'json',
    load: async () => (await import('./json.js')).jsonReporter,
  },
  junit: {
    description: 'JUnit XML for CI: one testcase per check and per finding at or above warn',
    extension: 'xml',
    controls: 'visible',
    load: async () => (await import('./junit.js')).junitReporter,
  },
  markdown: {
    description: 'for a support ticket: findings, the FAQ 7.5 table, a Mermaid flowchart of the path taken',
    extension: 'md',
    controls: 'visible',
    load: async () => (await import('./markdown.js')).markdownReporter,
  },
} as const satisfies Record<string, ReporterEntry>;

export type ReporterName = keyof typeof reporters;

export function reporterNames(): ReporterName[] {
  return Object.keys(reporters) as ReporterName[];
}

/** `name — description` lines for `--format` help. */
export function reporterHelp(): string {
  return reporterNames()
    .map((n) => `${n.padEnd(9)}${reporters[n].description}`)
    .join('\n');
}

function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(reporters, name);
}

export interface FormatSpec {
  name: ReporterName;
  /** Absent: standard output. */
  file?: string;
}

/** `json` → stdout, `json:out.json` → a file. */
export function parseFormatSpec(spec: string): FormatSpec {
  const colon = spec.indexOf(':');
  const name = (colon === -1 ? spec : spec.slice(0, colon)).trim();
  const file = colon === -1 ? undefined : spec.slice(colon + 1);
  if (!isReporterName(name)) {
    const names = reporterNames();
    const guess = name === '' ? undefined : closest(name, names);
    throw new UsageError(
      `unknown report format "${name}" in --format ${spec}`,
      `${guess ? `did you mean "${guess}"? ` : ''}formats: ${names.join(', ')}; write NAME or NAME:FILE`,
      'LBD_ERR_UNKNOWN_FORMAT',
    );
  }
  if (file !== undefined && file.trim() === '') {
    throw new UsageError(
      `--format ${spec}: missing file name after ":"`,
      `write --format ${name} for standard output or --format ${name}:report.${reporters[name].extension}`,
    );
  }
  return file === undefined ? { name } : { name, file };
}

export async function loadReporter(name: ReporterName): Promise<Reporter> {
  return reporters[name].load();
}

/**
 * Renders one format. Redaction always comes first: no reporter ever sees a
 * secret, nor (but JSON) a control character.
 */
export async function renderReport(
  name: ReporterName,
  result: RunResult,
  ctx: ReportContext,
): Promise<string> {
  const [reporter, { redact }, { visibleDeep, escapeJsonControls }] = await Promise.all([
    loadReporter(name),
    import('./redact.js'),
    import('./visible.js'),
  ]);
  const clean = redact(result, { secrets: ctx.secrets ?? [] });
  if (reporters[name].controls === 'json') return escapeJsonControls(reporter.render(clean, ctx));
  return reporter.render(visibleDeep(clean), ctx);
}

export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * Writes every requested report: each to its file, at most one to `stdout`.
 * Files never get ANSI colour whatever ctx.color says, and are laid out for 80
 * columns whatever the terminal's width.
 */
export async function writeReports(
  specs: readonly FormatSpec[],
  result: RunResult,
  ctx: ReportContext,
  stdout: TextSink,
): Promise<void> {
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(
      `--format ${toStdout.map((s) => s.name).join(' and --format ')} would both write to standard output`,
      `send all but one to a file, e.g. --format ${toStdout[1]?.name}:report.${reporters[toStdout[1]!.name].extension}`,
    );
  }
  for (const spec of specs) {
    if (spec.file === undefined) {
      stdout.write(await renderReport(spec.name, result, ctx));
      continue;
    }
    const { width: _terminal, ...forFile } = ctx;
    const text = await renderReport(spec.name, result, { ...forFile, color: false });
    const [{ mkdir, writeFile }, { dirname }] = await Promise.all([
      import('node:fs/promises'),
      import('node:path'),
    ]);
    try {
      await mkdir(dirname(spec.file), { recursive: true });
      await writeFile(spec.file, text, 'utf8');
    } catch (err) {
      throw new LbdError('LBD_ERR_FILE', `cannot write the ${spec.name} report to ${spec.file}`, {
        problems: [{ file: spec.file, message: (err as Error).message }],
        hint: 'check that the directory is writable, or choose another path',
        cause: err,
      });
    }
  }
}
