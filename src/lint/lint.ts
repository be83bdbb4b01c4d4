// Runs every lint rule on an inventory and points each finding at the file:
// the line and column of the offending item, and its field as the file spells
// it (`listeners[1].default_pool_id` in the single form,
// `loadbalancers[0].listeners[1]…` in the list form). The inventory is
// validated by the same loader as everywhere else, so an invalid file throws
// the loader's located InputError (exit 2) before any rule runs.
import { parseInventory } from '../model/load-inventory.js';
import type { Inventory } from '../model/inventory.js';
import { fieldPath, type LocatedDocument, parseLocated } from '../model/locate.js';
import type { Severity } from '../model/vocabulary.js';
import { RULES } from './rules/index.js';
import type { InventoryPath, LintFinding, LintRule } from './types.js';

/** Every rule's findings, in registry order. Pure: no file, no location. */
export function lintInventory(
  inventory: Inventory,
  rules: readonly LintRule[] = Object.values(RULES),
): LintFinding[] {
  return rules.flatMap((rule) => rule.check(inventory));
}

/** The path as the file writes it: a single-load-balancer file has no `loadbalancers[0]`. */
export function filePath(path: InventoryPath, multi: boolean): InventoryPath {
  return !multi && path[0] === 'loadbalancers' && path[1] === 0 ? path.slice(2) : path;
}

/** Adds file:line:column and the field to each finding, ordered by position in the file. */
export function locateFindings(doc: LocatedDocument, findings: readonly LintFinding[]): LintFinding[] {
  const value = doc.value;
  const multi = typeof value === 'object' && value !== null && 'loadbalancers' in value;
  const located = findings.map((f, order) => {
    const path = filePath(f.path, multi);
    const at = doc.locate(path);
    return {
      finding: { ...f, location: { file: doc.file, ...(at ?? {}), field: fieldPath(path) } },
      order,
    };
  });
  located.sort(
    (a, b) =>
      (a.finding.location.line ?? 0) - (b.finding.location.line ?? 0) ||
      (a.finding.location.column ?? 0) - (b.finding.location.column ?? 0) ||
      a.order - b.order,
  );
  return located.map((l) => l.finding);
}

/**
 * Lints inventory text read from `file` (the name shown in locations; `<stdin>`
 * for standard input). Throws the loader's InputError when the text is not a
 * valid inventory.
 */
export function lintText(file: string, text: string, rules?: readonly LintRule[]): LintFinding[] {
  const inventory = parseInventory(text, file);
  const doc = parseLocated(file, text);
  return locateFindings(doc, lintInventory(inventory, rules));
}

const rank: Record<Severity, number> = { info: 1, warn: 2, error: 3 };

/** Whether a finding is at or above the `--fail-on` level. */
export function atOrAbove(severity: Severity, failOn: Severity): boolean {
  return rank[severity] >= rank[failOn];
}

/** Count per severity, every severity present. */
export function countBySeverity(findings: readonly LintFinding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warn: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}
