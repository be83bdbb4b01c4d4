// The playbook language: a graph of steps (DESIGN.md "Playbooks"). Ids of
// playbooks and of their conclusions are a contract scripts rely on.
import { z } from 'zod';

const stepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'step ids are kebab-case: lowercase letters, digits and "-"' });

const Outcome = z.enum(['pass', 'fail', 'error', 'skip']);

/** One test on a value: `path` is read from the step's result (probe: `outcome`, `summary`, `data.*`; ask: `value`). */
export const Test = z
  .object({
    path: z.string().min(1),
    equals: z.unknown().optional(),
    not: z.unknown().optional(),
    in: z.array(z.unknown()).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    /** A regular expression the value (as a string) must match. */
    matches: z.string().optional(),
    exists: z.boolean().optional(),
  })
  .strict();

export const Condition = z
  .object({
    outcome: z.union([Outcome, z.array(Outcome).min(1)]).optional(),
    ...Test.partial().shape,
    all: z.array(Test).optional(),
    any: z.array(Test).optional(),
  })
  .strict();

export const Branch = z.object({ when: Condition, goto: stepId }).strict();

/** Run the step once per inventory item, concurrently; each walk names the item it concerns. */
export const Foreach = z.enum(['members', 'listeners', 'pools']);

/** Where a probe runs: the operator's machine, the member (over SSH), or the inventory's client host. */
export const VantageName = z.enum(['local', 'member', 'client']);

const common = {
  title: z.string().min(1),
  /** Why this step exists, shown by `show` and in reports. */
  about: z.string().optional(),
  foreach: Foreach.optional(),
  /** With foreach: only the items for which this holds (paths over the template context). */
  where: Condition.optional(),
};

const probeFields = {
  probe: z.string().min(1),
  vantage: VantageName.default('local'),
  /** Probe parameters; strings may hold {{ templates }}. */
  with: z.record(z.string(), z.unknown()).default({}),
};

export const ProbeStep = z
  .object({
    kind: z.literal('probe'),
    ...common,
    ...probeFields,
    branches: z.array(Branch).default([]),
    /** Where to go when no branch matches; without it the walk is inconclusive. */
    default: stepId.optional(),
  })
  .strict();

export const AskStep = z
  .object({
    kind: z.literal('ask'),
    ...common,
    /** Fact id, also the key for --set and --answers. */
    fact: z.string().regex(/^[a-z][a-z0-9_.]*$/, { message: 'fact ids are snake_case (dots allowed)' }),
    question: z.string().min(1),
    type: z.enum(['boolean', 'string', 'number', 'choice']).default('boolean'),
    choices: z.array(z.string()).optional(),
    /** A template-context path that answers the question from the inventory when it holds a value. */
    inventory: z.string().optional(),
    /** Ask once per member/listener/pool rather than once per run. */
    scope: z.enum(['run', 'member', 'listener', 'pool']).default('run'),
    branches: z.array(Branch).default([]),
    default: stepId.optional(),
    /** Where a walk goes when nobody can answer (non-interactive, no --set/--answers). */
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
    /** The conclusion reported when this item fails. */
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
    each: z.enum(['members']).optional(),
    /** Where the walk goes after every item ran (a conclusion for "all passed", say). */
    next: stepId,
  })
  .strict();

export const ConcludeStep = z
  .object({
    kind: z.literal('conclude'),
    title: z.string().min(1),
    severity: z.enum(['error', 'warn', 'info']),
    /** Why it happens, in a sentence or two; {{ templates }} allowed. */
    cause: z.string().min(1),
    /** Lines of evidence rendered from observations, e.g. "{{ steps.request.summary }}". */
    evidence: z.array(z.string()).default([]),
    /** Commands or console steps the operator runs; never run by lbdoctor. */
    fix: z.array(z.string()).default([]),
    /** FAQ sections; defaults to the playbook's. */
    faq: z.array(z.string()).optional(),
  })
  .strict();

export const Step = z.discriminatedUnion('kind', [ProbeStep, AskStep, ChecklistStep, ConcludeStep]);

export const Playbook = z
  .object({
    $schema: z.string().optional(),
    id: stepId,
    title: z.string().min(1),
    /** FAQ sections the playbook encodes, e.g. ["1.6"]. */
    faq: z.array(z.string().regex(/^\d+\.\d+$/, { message: 'FAQ sections look like "1.6"' })).min(1),
    /** What a user sees that should lead them here; shown by `list`. */
    symptoms: z.array(z.string()).default([]),
    description: z.string().optional(),
    start: stepId,
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
export type ConcludeStep = z.infer<typeof ConcludeStep>;
export type Step = z.infer<typeof Step>;
export type Playbook = z.infer<typeof Playbook>;
