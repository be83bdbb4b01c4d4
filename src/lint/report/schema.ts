// The JSON lint report, version 1, as a zod schema: docs/lint.md describes it
// and a test validates the CLI's output against it. Fields are only added
// within a schemaVersion; anything that would break a reader bumps it.
import { z } from 'zod';
import { Severity, SubjectKind } from '../../model/vocabulary.js';

const Location = z.object({
  file: z.string(),
  line: z.number().int().min(1).optional(),
  column: z.number().int().min(1).optional(),
  field: z.string(),
});

export const LintReportFinding = z.object({
  code: z.string().regex(/^lint\/[a-z0-9]+(-[a-z0-9]+)*$/),
  severity: Severity,
  title: z.string(),
  cause: z.string(),
  fix: z.array(z.string()),
  faq: z.array(z.string().regex(/^\d+\.\d+$/)),
  location: Location,
  subject: z.object({ kind: SubjectKind, name: z.string() }).optional(),
});

const Counts = z.object({ error: z.number().int(), warn: z.number().int(), info: z.number().int() });

export const LintReportFile = z.object({
  file: z.string(),
  status: z.enum(['linted', 'invalid']),
  counts: Counts,
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      problems: z.array(
        z.object({
          file: z.string().optional(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
          field: z.string().optional(),
          message: z.string(),
          expected: z.string().optional(),
        }),
      ),
      hint: z.string().optional(),
    })
    .optional(),
});

export const LintReport = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('inventory-lint'),
  tool: z.object({ name: z.literal('lbdoctor'), version: z.string() }),
  failOn: Severity,
  /** failed: some finding at or above failOn; invalid: some file could not be linted. */
  verdict: z.enum(['pass', 'failed', 'invalid']),
  files: z.array(LintReportFile),
  findings: z.array(LintReportFinding),
  summary: Counts,
  rules: z.array(
    z.object({ code: z.string(), severity: Severity, summary: z.string(), faq: z.array(z.string()) }),
  ),
});

export type LintReport = z.infer<typeof LintReport>;
