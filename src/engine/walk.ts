// A walk follows one path through a playbook's graph. A step with `foreach`
// forks one walk per item; each walk carries its own scope, its own step
// results and its own answers, so nothing one walk learns leaks into another.
import type { Inventory } from '../model/inventory.js';
import type { Observation } from '../probes/types.js';
import type { Scope, Target } from './scope.js';

/** What a step left for later steps: `steps.<id>` in templates and conditions. */
export type StepResult = Observation & { vantage: string; value?: unknown };

export interface Walk {
  scope: Scope;
  steps: Record<string, StepResult>;
  /** Facts this walk resolved, by id (scoped answers resolved for this walk's scope). */
  facts: Record<string, unknown>;
  path: string[];
}

export const newWalk = (): Walk => ({ scope: {}, steps: {}, facts: {}, path: [] });

/** A copy for a forked walk: later steps of one fork never show in another. */
export function fork(w: Walk, scope: Scope): Walk {
  return { scope: { ...w.scope, ...scope }, steps: { ...w.steps }, facts: { ...w.facts }, path: [...w.path] };
}

/** What belongs to the run itself: `{{ run.id }}` in templates. */
export interface RunValues {
  /**
   * Random per run (12 hex digits): a request marked with it is this run's
   * own, never one an earlier run left in a log. Called `id`, not `token`:
   * reports redact whatever a key named token holds.
   */
  id: string;
}

export interface RunInputs {
  run: RunValues;
  inventory: Inventory | undefined;
  target: Target | undefined;
  inputs: Readonly<Record<string, string>>;
}

/** Everything a template or a `decide` case can read at this point of the walk. */
export function contextOf(
  w: Walk,
  run: RunInputs,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...w.scope,
    run: run.run,
    inventory: run.inventory,
    target: run.target,
    inputs: run.inputs,
    facts: w.facts,
    steps: w.steps,
    ...extra,
  };
}
