// What a step handler can do: read the context, run probes, resolve facts,
// record results, and hand the walk on. The Run (engine.ts) implements it.
import type { Playbook } from '../../playbook/schema.js';
import type { EngineListener } from '../events.js';
import type { FactResolver } from '../facts.js';
import type { ProbeRunner, ProbeSpec } from '../probe-runner.js';
import type { CheckRecord } from '../result.js';
import type { Route } from '../routing.js';
import type { Scope } from '../scope.js';
import type { StepResult, Walk } from '../walk.js';
import type { ConcludeStep } from '../../playbook/schema.js';
import type { Inventory } from '../../model/inventory.js';
import type { Target } from '../scope.js';
import type { VantageName } from '../../model/vocabulary.js';

export interface Walker {
  readonly playbook: Playbook;
  readonly inventory: Inventory | undefined;
  readonly target: Target | undefined;
  readonly facts: FactResolver;
  readonly probes: ProbeRunner;
  readonly emit: EngineListener;
  context(w: Walk, extra?: Record<string, unknown>): Record<string, unknown>;
  /** Runs one probe and records it as a check. */
  check(
    step: string,
    item: string | undefined,
    spec: ProbeSpec,
    vantage: VantageName,
    w: Walk,
  ): Promise<StepResult & { record: CheckRecord }>;
  /** Follows a route: walks on, or stops the walk inconclusive. */
  follow(route: Route, step: string, w: Walk): Promise<void>;
  /** A walk that cannot go on: recorded as inconclusive with its reason. */
  stop(w: Walk, step: string, reason: string): void;
  conclude(id: string, step: ConcludeStep, w: Walk, extra?: Record<string, unknown>): void;
  markVisited(id: string): void;
  scopeSubject(scope: Scope): ReturnType<typeof import('../scope.js').subjectOf>;
}
