// What a run produces. Reporters render this and nothing else; the JSON
// reporter writes it as-is (docs/json-report.md, schema version below).
import type { Observation } from '../probes/types.js';
import { type Outcome, Severity as SeverityEnum, type SubjectKind } from '../model/vocabulary.js';

export const REPORT_SCHEMA_VERSION = 1;

export type { Outcome };
export type Severity = import('../model/vocabulary.js').Severity;
export const SEVERITIES: readonly Severity[] = SeverityEnum.options;
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** What a finding or check concerns: a member, listener, pool, host or the whole run. */
export interface Subject {
  kind: SubjectKind;
  name: string;
  /** e.g. "10.0.1.12:8080". */
  address?: string;
}

export interface Finding {
  /** Stable code: `<playbook>/<conclusion>`, e.g. `router-code/default-pool-empty`. */
  code: string;
  conclusion: string;
  severity: Severity;
  title: string;
  cause: string;
  /** Rendered from observations: what was seen, where. */
  evidence: string[];
  /** Commands or console steps to run. lbdoctor never runs them. */
  fix: string[];
  faq: string[];
  /** Playbooks that diagnose further from here (`lbdoctor run ID`). */
  see?: string[];
  /** `lbdoctor explain` topics behind this conclusion. */
  explain?: string[];
  /** Step ids walked to reach this conclusion. */
  path: string[];
  subject?: Subject;
  /** Numbers behind the finding that read faster as bars (shares against weights). */
  chart?: Chart;
}

/**
 * How a chart's numbers read: `share` is a fraction 0..1 shown as a percent,
 * `count` a whole number, `ms` milliseconds.
 */
export type ChartUnit = 'share' | 'count' | 'ms';

/** One bar: what was observed, and where it should be (a weight's share) when there is a reference. */
export interface ChartBar {
  label: string;
  value: number;
  reference?: number;
}

/**
 * A bar chart as data (labels and numbers, never pre-rendered art): the text,
 * markdown and JUnit reporters draw it, and a CI consumer of the JSON report
 * can draw its own.
 */
export interface Chart {
  kind: 'bars';
  title: string;
  unit: ChartUnit;
  /** What the bars are, e.g. "share". */
  valueLabel: string;
  /** What the reference marks are, e.g. "weight"; set when bars carry a reference. */
  referenceLabel?: string;
  bars: ChartBar[];
}

/** A walk that could not reach a conclusion (probe error with no branch, unanswered fact, deadline, Ctrl-C). */
export interface Inconclusive {
  reason: string;
  path: string[];
  step: string;
  subject?: Subject;
}

/** One probe or checklist item as executed. */
export interface CheckRecord {
  step: string;
  /** For checklist items: the item id. */
  item?: string;
  title: string;
  probe: string;
  vantage: string;
  subject?: Subject;
  outcome: Outcome;
  observation: Observation;
  startedAt: string;
  durationMs: number;
}

export type FactSource = 'inventory' | 'set' | 'answers' | 'prompt' | 'target' | 'unknown';

export interface FactRecord {
  /** Fact id, with its scope when scoped: `hc_enabled@pool:web-pool`. */
  key: string;
  question: string;
  value: unknown;
  source: FactSource;
}

export interface HostTiming {
  host: string;
  connectMs?: number;
  readMs?: number;
  error?: string;
}

export interface RunResult {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'lbdoctor'; version: string };
  playbook: { id: string; title: string; faq: string[] };
  target?: string;
  verdict: Verdict;
  startedAt: string;
  durationMs: number;
  /** True when Ctrl-C or --deadline stopped the run before every walk concluded. */
  interrupted: boolean;
  findings: Finding[];
  inconclusive: Inconclusive[];
  checks: CheckRecord[];
  facts: FactRecord[];
  hosts: HostTiming[];
  /** Every step id visited (union over all walks), for highlighting the decision graph. */
  visited: string[];
}
