// The JSON report's schema, written once in zod: the test suite validates the
// JSON reporter's output with it, and schemas/report.schema.json is generated
// from it (src/cli/json-schemas.ts, `lbdoctor schema report`) so users' tools
// can validate reports too.
// Keep it in step with src/engine/result.ts: the type assertions at the bottom
// fail to compile when the two drift apart.
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, type RunResult } from '../engine/result.js';
import { Outcome as OutcomeEnum, Severity, SubjectKind } from '../model/vocabulary.js';

const Outcome = OutcomeEnum.describe('closed outcome set; "could not check" is error');
const Iso = z.string().describe('ISO 8601 timestamp');
const Ms = z.number().nonnegative().describe('milliseconds');

const Subject = z
  .object({
    kind: SubjectKind,
    name: z.string(),
    address: z.string().optional().describe('e.g. "10.0.1.12:8080"'),
  })
  .describe('what a finding or check concerns');

const ChartBar = z.object({
  label: z.string().describe('what the bar is about, usually a member name'),
  value: z.number().describe('the observed number'),
  reference: z.number().optional().describe('where the bar should be, e.g. the share its weight asks for'),
});

const Chart = z
  .object({
    kind: z.literal('bars'),
    title: z.string(),
    unit: z.enum(['share', 'count', 'ms']).describe('share: a fraction 0..1 (shown as %); count; ms'),
    valueLabel: z.string().describe('what the bars are, e.g. "share"'),
    referenceLabel: z.string().optional().describe('what the reference marks are, e.g. "weight"'),
    bars: z.array(ChartBar),
  })
  .describe('numbers behind the finding as a bar chart: data, never drawn art');

const Finding = z.object({
  code: z.string().describe('stable: <playbook>/<conclusion>'),
  conclusion: z.string(),
  severity: Severity,
  title: z.string(),
  cause: z.string(),
  evidence: z.array(z.string()).describe('what was seen, where'),
  fix: z.array(z.string()).describe('commands or console steps; lbdoctor never runs them'),
  faq: z.array(z.string()).describe('FAQ sections, e.g. "2.1"'),
  see: z.array(z.string()).optional().describe('playbooks that diagnose further from here: lbdoctor run ID'),
  explain: z.array(z.string()).optional().describe('background behind this finding: lbdoctor explain ID'),
  path: z.array(z.string()).describe('step ids walked to reach this conclusion'),
  subject: Subject.optional(),
  chart: Chart.optional(),
});

const Inconclusive = z.object({
  reason: z.string(),
  path: z.array(z.string()),
  step: z.string().describe('the step where the walk stopped'),
  subject: Subject.optional(),
});

const Observation = z.object({
  outcome: Outcome,
  summary: z.string(),
  data: z.record(z.string(), z.unknown()).describe('structured facts the playbook branched on'),
  reason: z.string().optional().describe('for error and skip: why it could not be checked'),
  expected: z.string().optional(),
  actual: z.string().optional(),
  durationMs: Ms,
  raw: z.string().optional().describe('raw text behind the observation (redacted)'),
});

const CheckRecord = z.object({
  step: z.string(),
  item: z.string().optional().describe('checklist item id'),
  title: z.string(),
  probe: z.string(),
  vantage: z.string().describe('"local" or "ssh://user@host:port"'),
  subject: Subject.optional(),
  outcome: Outcome,
  observation: Observation,
  startedAt: Iso,
  durationMs: Ms,
});

const FactRecord = z.object({
  key: z.string().describe('fact id, with its scope when scoped: hc_enabled@pool:web-pool'),
  question: z.string(),
  value: z.unknown(),
  source: z.enum(['inventory', 'set', 'answers', 'prompt', 'target', 'unknown']),
});

const HostTiming = z.object({
  host: z.string(),
  connectMs: Ms.optional(),
  readMs: Ms.optional(),
  error: z.string().optional(),
});

export const RunResultSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    tool: z.object({ name: z.literal('lbdoctor'), version: z.string() }),
    playbook: z.object({ id: z.string(), title: z.string(), faq: z.array(z.string()) }),
    target: z.string().optional(),
    verdict: z.enum(['pass', 'fail', 'inconclusive']),
    startedAt: Iso,
    durationMs: Ms,
    interrupted: z.boolean().describe('Ctrl-C or --deadline stopped the run before every walk concluded'),
    findings: z.array(Finding),
    inconclusive: z.array(Inconclusive),
    checks: z.array(CheckRecord),
    facts: z.array(FactRecord),
    hosts: z.array(HostTiming),
    visited: z.array(z.string()).describe('every step id visited, union over all walks'),
  })
  .describe('lbdoctor run report (docs/json-report.md)');

// Compile-time guard: the schema and the engine's type describe the same thing.
type Parsed = z.infer<typeof RunResultSchema>;
const _schemaCoversResult: (r: RunResult) => Parsed = (r) => r;
const _resultCoversSchema: (r: Parsed) => RunResult = (r) => r;
void _schemaCoversResult;
void _resultCoversSchema;
