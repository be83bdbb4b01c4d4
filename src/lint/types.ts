// What `lbdoctor inventory lint` reports: configuration mistakes an inventory
// shows on its own, before anything is deployed or probed. Each rule is a pure
// function of the normalised inventory; lint.ts turns a finding's path into
// the file:line:column and the field as the file spells it.
import type { Location } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import type { Severity, SubjectKind } from '../model/vocabulary.js';

/**
 * A path into the normalised inventory (always the list form), e.g.
 * `['loadbalancers', 0, 'listeners', 1, 'default_pool_id']`. For a
 * single-load-balancer file lint.ts drops the `loadbalancers, 0` prefix.
 */
export type InventoryPath = readonly (string | number)[];

export interface LintFinding {
  /** Stable: `lint/<rule-id>`. Scripts and playbooks match on it. */
  code: `lint/${string}`;
  severity: Severity;
  /** One line: what is wrong, naming the item. */
  title: string;
  /** Why it is a problem, in the FAQ's terms (paraphrased). */
  cause: string;
  /** What the operator types or clicks. lbdoctor never runs it. */
  fix: string[];
  /** FAQ sections, e.g. `["5.7"]`. */
  faq: string[];
  /** The offending item in the normalised inventory. */
  path: InventoryPath;
  /** What the finding is about: a listener, pool, member or load balancer. */
  subject?: { kind: SubjectKind; name: string };
  /** Filled in by lint.ts from the located document. */
  location?: Location & { field: string };
}

/** What a rule says about itself: the registry, the docs and the JUnit report read it. */
export interface LintRuleMeta {
  /** kebab-case; the finding code is `lint/<id>`. */
  id: string;
  severity: Severity;
  /** One line for docs/lint.md and `--help`: what the rule checks. */
  summary: string;
  faq: readonly string[];
}

export interface LintRule extends LintRuleMeta {
  /** Pure: the same inventory always gives the same findings, in inventory order. */
  check: (inventory: Inventory) => LintFinding[];
}

/** The parts of a finding a rule writes; code, severity and FAQ come from the rule. */
export interface FindingDraft {
  path: InventoryPath;
  title: string;
  cause: string;
  fix: string[];
  subject?: { kind: SubjectKind; name: string };
  /** Extra sections beyond the rule's own, when one case of a rule has its own source. */
  faq?: readonly string[];
}

/** Builds a rule from its metadata and a body that returns drafts. */
export function defineRule(meta: LintRuleMeta, body: (inventory: Inventory) => FindingDraft[]): LintRule {
  return {
    ...meta,
    check: (inventory) =>
      body(inventory).map((d) => ({
        code: `lint/${meta.id}`,
        severity: meta.severity,
        title: d.title,
        cause: d.cause,
        fix: d.fix,
        faq: d.faq ? [...new Set([...meta.faq, ...d.faq])] : [...meta.faq],
        path: d.path,
        ...(d.subject ? { subject: d.subject } : {}),
      })),
  };
}

/** Why a file was not linted: the loader's located problems (exit 2). */
export interface LintFileError {
  /** `LBD_ERR_INPUT`, `LBD_ERR_FILE`, … (docs/errors.md). */
  code: string;
  message: string;
  problems: (Location & { message: string; expected?: string })[];
  hint?: string;
}

/** One file's outcome: its findings, or why it could not be linted. */
export interface LintFileResult {
  file: string;
  findings: LintFinding[];
  error?: LintFileError;
}

/** What the reporters render and the exit code is computed from. */
export interface LintRun {
  files: LintFileResult[];
  failOn: Severity;
  rules: readonly LintRuleMeta[];
}
