// The JSON lint report (docs/lint.md, schema.ts): every finding with its
// location, per-file status, counts, and the rules that ran.
import { VERSION } from '../../version.js';
import { atOrAbove, countBySeverity } from '../lint.js';
import type { LintRun } from '../types.js';
import type { LintReport } from './schema.js';

export function lintVerdict(run: LintRun): LintReport['verdict'] {
  if (run.files.some((f) => f.error)) return 'invalid';
  const all = run.files.flatMap((f) => f.findings);
  return all.some((f) => atOrAbove(f.severity, run.failOn)) ? 'failed' : 'pass';
}

export function toJsonReport(run: LintRun): LintReport {
  const all = run.files.flatMap((f) => f.findings);
  return {
    schemaVersion: 1,
    kind: 'inventory-lint',
    tool: { name: 'lbdoctor', version: VERSION },
    failOn: run.failOn,
    verdict: lintVerdict(run),
    files: run.files.map((f) => ({
      file: f.file,
      status: f.error ? 'invalid' : 'linted',
      counts: countBySeverity(f.findings),
      ...(f.error ? { error: f.error } : {}),
    })),
    findings: all.map((f) => ({
      code: f.code,
      severity: f.severity,
      title: f.title,
      cause: f.cause,
      fix: f.fix,
      faq: f.faq,
      location: {
        file: f.location?.file ?? '',
        ...(f.location?.line !== undefined ? { line: f.location.line } : {}),
        ...(f.location?.column !== undefined ? { column: f.location.column } : {}),
        field: f.location?.field ?? '',
      },
      ...(f.subject ? { subject: f.subject } : {}),
    })),
    summary: countBySeverity(all),
    rules: run.rules.map((r) => ({
      code: `lint/${r.id}`,
      severity: r.severity,
      summary: r.summary,
      faq: [...r.faq],
    })),
  };
}

export function renderJson(run: LintRun): string {
  return `${JSON.stringify(toJsonReport(run), null, 2)}\n`;
}
