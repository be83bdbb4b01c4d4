// The playbook language: a graph of steps (DESIGN.md "Playbooks",
// docs/playbooks.md). Ids of playbooks and of their conclusions are a contract
// scripts rely on.
import { z } from 'zod';
import { FanOut, FactScope, Outcome, Severity, StepKind, VantageName } from '../model/vocabulary.js';

export const stepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'step ids are kebab-case: lowercase letters, digits and "-"' });

const factId = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'fact ids are snake_case' });
const inputId = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'input ids are snake_case' });

/** A bound: a number, or a "{{ path }}" template read from the walk's context (compare two values). */
const Bound = z.union([z.number(), z.string().regex(/^\s*\{\{[^}]+\}\}\s*$/, 'a number or one {{ path }}')]);

/**
 * One test on a value. `path` is read from the step's own result in probe, ask
 * and checklist branches, and from the walk's whole context in `decide` cases
 * and `where`. Values that are exactly one `{{ path }}` are read from the
 * context, so two observations can be compared.
 */
export const Test = z
  .object({
    path: z.string().min(1),
    equals: z.unknown().optional(),
    not: z.unknown().optional(),
    in: z.array(z.unknown()).optional(),
    gt: Bound.optional(),
    gte: Bound.optional(),
    lt: Bound.optional(),
    lte: Bound.optional(),
    /** A regular expression the value (as a string) must match. */
    matches: z.string().optional(),
    exists: z.boolean().optional(),
  })
  .strict();

export const Condition = z
  .object({
    /** Outcomes this branch takes. Without it: pass and fail. `error` and `skip` are taken only when named. */
    outcome: z.union([Outcome, z.array(Outcome).min(1)]).optional(),
    ...Test.partial().shape,
    all: z.array(Test).optional(),
    any: z.array(Test).optional(),
    /** None of these tests holds. */
    none: z.array(Test).optional(),
  })
  .strict();

export const Branch = z.object({ when: Condition, goto: stepId }).strict();

const common = {
  title: z.string().min(1),
  /** Why this step exists, shown by `show` and in reports. */
  about: z.string().optional(),
  /** Run the step once per item of this kind, concurrently; each walk names the item it concerns. */
  foreach: FanOut.optional(),
  /** With foreach: only the items for which this holds (paths over the walk's context). */
  where: Condition.omit({ outcome: true }).optional(),
};

const probeFields = {
  probe: z.string().min(1),
  vantage: VantageName.default('local'),
  /** Probe parameters; strings may hold {{ templates }}. */
  with: z.record(z.string(), z.unknown()).default({}),
};

/** Where a walk goes on each kind of answer. `default` takes pass/fail only; errors go to `on_error` or stop inconclusive. */
const routing = {
  branches: z.array(Branch).default([]),
  /** When no branch matches a pass or fail. Never taken for an error: "could not check" is not an answer. */
  default: stepId.optional(),
  /** Where an `error` outcome goes when no branch names it. Without it the walk stops inconclusive with the reason. */
  on_error: stepId.optional(),
};

export const ProbeStep = z
  .object({ kind: z.literal('probe'), ...common, ...probeFields, ...routing })
  .strict();

export const AskStep = z
  .object({
    kind: z.literal('ask'),
    ...common,
    /** Fact id, also the key for --set and --answers. */
    fact: factId,
    question: z.string().min(1),
    /** Why the answer matters: shown with the question. */
    why: z.string().min(1),
    /** Where in the console (or API) the operator finds the answer. */
    console: z.string().min(1),
    type: z.enum(['boolean', 'string', 'number', 'choice']).default('boolean'),
    choices: z.array(z.string()).optional(),
    /** A context path that answers the question from the inventory when it holds a value. */
    inventory: z.string().optional(),
    /** Ask once per run, or once per load balancer / listener / pool / member. */
    scope: FactScope.default('run'),
    branches: z.array(Branch).default([]),
    default: stepId.optional(),
    /** Where a walk goes when nobody can answer ("I don't know", non-interactive, no --set/--answers). */
    unknown: stepId,
  })
  .strict();

export const ChecklistItem = z
  .object({
    id: stepId,
    title: z.string().min(1),
    ...probeFields,
    /** Defaults to the checklist's vantage. */
    vantage: VantageName.optional(),
    /** The conclusion reported for each run of this item that fails. */
    conclude: stepId,
  })
  .strict();

export const ChecklistStep = z
  .object({
    kind: z.literal('checklist'),
    ...common,
    /** Vantage for items that do not name one. */
    vantage: VantageName.default('local'),
    items: z.array(ChecklistItem).min(1),
    /** Run the items once per member of the walk's scope (concurrently); each failure names its member. */
    each: z.literal('members').optional(),
    /**
     * Branches on the checklist's counts (`data.failed` is none | some | all |
     * unknown; `data.counts.fail`, `data.items.<id>.failed`, …).
     */
    branches: z.array(Branch).default([]),
    /** Where the walk goes when no branch matches (after every item ran). */
    next: stepId,
    on_error: stepId.optional(),
  })
  .strict();

export const DecideCase = z.object({ when: Condition.omit({ outcome: true }), goto: stepId }).strict();

export const DecideStep = z
  .object({
    kind: z.literal('decide'),
    ...common,
    /** Tried in order; paths read the walk's whole context (steps, facts, inputs, inventory, scope). */
    cases: z.array(DecideCase).min(1),
    /** When no case holds. Not taken when a step the cases read ended in error: then `on_error`, or inconclusive. */
    default: stepId.optional(),
    on_error: stepId.optional(),
  })
  .strict();

const oneTemplate = z
  .string()
  .regex(/^\s*\{\{[^}]+\}\}\s*$/, 'one {{ path }} naming a list, e.g. "{{ steps.measure.data.members }}"');
const fieldName = z.string().regex(/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/, {
  message: 'a field of each item of the list, e.g. share or timings.totalMs',
});

/**
 * A bar chart drawn under a finding: one bar per item of a list the context
 * holds (a probe's per-member rows), `label` and `value` (and `reference`,
 * drawn as a marker) naming fields of each item.
 */
export const ChartSpec = z
  .object({
    title: z.string().min(1),
    /** The list: exactly one {{ path }}, e.g. "{{ steps.measure.data.members }}". */
    bars: oneTemplate,
    /** The field naming each bar (a member name); fields may be dotted paths (timings.totalMs). */
    label: fieldName,
    /** The numeric field the bar's length shows. */
    value: fieldName,
    /** A numeric field drawn as a marker on the bar: where it should be (a weight's share). */
    reference: fieldName.optional(),
    /** share: a fraction 0..1 shown as a percent; count; ms. */
    unit: z.enum(['share', 'count', 'ms']).default('count'),
    /** What the bars are, for the legend; defaults to `value`. */
    value_label: z.string().min(1).optional(),
    /** What the marker is, for the legend; defaults to `reference`. */
    reference_label: z.string().min(1).optional(),
  })
  .strict();

export const ConcludeStep = z
  .object({
    kind: z.literal('conclude'),
    title: z.string().min(1),
    severity: Severity,
    /** Why it happens, in a sentence or two; {{ templates }} allowed. */
    cause: z.string().min(1),
    /** Lines of evidence rendered from observations, e.g. "{{ steps.request.summary }}". */
    evidence: z.array(z.string()).default([]),
    /** Commands or console steps the operator runs; never run by lbdoctor. */
    fix: z.array(z.string()).default([]),
    /** FAQ sections; defaults to the playbook's. */
    faq: z.array(z.string()).optional(),
    /** Playbooks that diagnose further from here (`lbdoctor run ID`). */
    see: z.array(stepId).optional(),
    /** `lbdoctor explain` topics (src/explain/topics.ts) behind this conclusion, printed under the finding. */
    explain: z.array(stepId).optional(),
    /** Numbers that read faster as bars than as text (docs/playbooks.md "Charts"). */
    chart: ChartSpec.optional(),
    /**
     * The finding is about the walk's listener (pool, load balancer), not its
     * member: the walks of one listener that reach it report it once.
     */
    once_per: z.enum(['listener', 'pool', 'loadbalancer']).optional(),
  })
  .strict();

export const Step = z.discriminatedUnion('kind', [
  ProbeStep,
  AskStep,
  ChecklistStep,
  DecideStep,
  ConcludeStep,
]);

/** A value the user gives the playbook: `--input id=VALUE`. */
export const InputSpec = z
  .object({
    about: z.string().min(1),
    /** text: used as written; file: a path that must exist (read by the probes that take it); number: checked against min/max. */
    type: z.enum(['text', 'file', 'number']).default('text'),
    default: z.string().optional(),
    /** For number inputs: the smallest and largest value accepted (a value outside is bad usage, exit 2). */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict();

const faqSection = z.string().regex(/^\d+\.\d+$/, { message: 'FAQ sections look like "1.6"' });

export const Playbook = z
  .object({
    $schema: z.string().optional(),
    id: stepId,
    title: z.string().min(1),
    /** FAQ sections the playbook encodes, e.g. ["1.6"]. */
    faq: z.array(faqSection).min(1),
    /** What a user sees that should lead them here; shown by `list`. */
    symptoms: z.array(z.string()).default([]),
    description: z.string().optional(),
    /** Shared fragments (playbooks/fragments/<id>.yaml) whose steps join this playbook's. */
    include: z.array(stepId).default([]),
    /** Values the user may give with --input; read as {{ inputs.<id> }}. */
    inputs: z.record(inputId, InputSpec).default({}),
    start: stepId,
    steps: z.record(stepId, Step),
  })
  .strict();

/** Steps written once and included by several playbooks (the member health check, host checks). */
export const Fragment = z
  .object({
    $schema: z.string().optional(),
    id: stepId,
    title: z.string().min(1),
    description: z.string().optional(),
    /** Steps the including playbook must define (where the fragment hands the walk back). */
    needs: z.array(stepId).default([]),
    steps: z.record(stepId, Step),
  })
  .strict();

export type Test = z.infer<typeof Test>;
export type Condition = z.infer<typeof Condition>;
export type Branch = z.infer<typeof Branch>;
export type ProbeStep = z.infer<typeof ProbeStep>;
export type AskStep = z.infer<typeof AskStep>;
export type ChecklistStep = z.infer<typeof ChecklistStep>;
export type ChecklistItem = z.infer<typeof ChecklistItem>;
export type DecideStep = z.infer<typeof DecideStep>;
export type ConcludeStep = z.infer<typeof ConcludeStep>;
export type ChartSpec = z.infer<typeof ChartSpec>;
export type Step = z.infer<typeof Step>;
export type Playbook = z.infer<typeof Playbook>;
export type Fragment = z.infer<typeof Fragment>;
export type InputSpec = z.infer<typeof InputSpec>;
export { StepKind };
