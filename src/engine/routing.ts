// Where a walk goes after a step. One rule for every step kind (DESIGN.md):
// branches are tried in order; `default` takes only answers (pass/fail);
// "could not check" (error) goes where a branch or `on_error` names it, or
// stops the walk inconclusive with its reason. A skip goes only where a branch
// names it. So an error can never walk into a conclusion by accident.
import type { Branch, DecideStep } from '../playbook/schema.js';
import { conditionHolds, testsHold } from './conditions.js';
import type { StepResult } from './walk.js';

export type Route = { to: string } | { stop: string };

interface Routing {
  branches: readonly Branch[];
  default?: string | undefined;
  on_error?: string | undefined;
}

export function routeResult(
  stepId: string,
  r: Pick<StepResult, 'outcome' | 'summary' | 'reason'> & Record<string, unknown>,
  routing: Routing,
  ctx: unknown,
): Route {
  const branch = routing.branches.find((b) => conditionHolds(b.when, r, ctx));
  if (branch) return { to: branch.goto };
  if (r.outcome === 'error') {
    if (routing.on_error) return { to: routing.on_error };
    return { stop: `could not check: ${r.reason ?? r.summary}` };
  }
  if (r.outcome === 'skip') return { stop: `skipped: ${r.reason ?? r.summary}` };
  if (routing.default) return { to: routing.default };
  return { stop: `no branch of "${stepId}" matches: ${r.summary}` };
}

/** Step ids a decide step's cases read (`steps.<id>…` in paths and compared values). */
export function stepsReadBy(step: DecideStep): string[] {
  const text = JSON.stringify(step.cases);
  return [...new Set([...text.matchAll(/steps\.([a-z0-9][a-z0-9-]*)/g)].map((m) => m[1]!))];
}

export function routeDecision(
  stepId: string,
  step: DecideStep,
  ctx: Record<string, unknown>,
  steps: Readonly<Record<string, StepResult>>,
): Route {
  const hit = step.cases.find((c) => testsHold(c.when, ctx));
  if (hit) return { to: hit.goto };
  // No case held. If that is because a step the cases read could not check
  // (or never ran), the default would be a guess: stop, or go to on_error.
  const unknown = stepsReadBy(step).filter((id) => !steps[id] || steps[id]!.outcome === 'error');
  if (unknown.length > 0) {
    if (step.on_error) return { to: step.on_error };
    const why = unknown
      .map(
        (id) =>
          `${id}: ${steps[id] ? `could not check: ${steps[id]!.reason ?? steps[id]!.summary}` : 'not run'}`,
      )
      .join('; ');
    return { stop: `cannot decide "${stepId}": ${why}` };
  }
  if (step.default) return { to: step.default };
  return { stop: `no case of "${stepId}" holds` };
}
