// ask: a fact only the cloud console knows, answered from the inventory,
// --set, --answers or a prompt; nobody knowing takes the `unknown` branch.
import type { AskStep } from '../../playbook/schema.js';
import { routeResult } from '../routing.js';
import type { Walk } from '../walk.js';
import type { Walker } from './types.js';

export async function askStep(run: Walker, id: string, step: AskStep, w: Walk): Promise<void> {
  const subject = run.scopeSubject(w.scope);
  const started = Date.now();
  const r = await run.facts.resolve(step, w.scope, run.context(w));
  run.emit({
    type: 'step-finish',
    step: id,
    title: step.title,
    ...(subject ? { subject } : {}),
    outcome: r.known ? 'pass' : 'skip',
    summary: r.known ? `${step.fact} = ${String(r.value)} (from ${r.source})` : `${step.fact} unknown`,
    durationMs: Date.now() - started,
  });
  if (!r.known) {
    await run.follow({ to: step.unknown }, id, w);
    return;
  }
  w.facts[step.fact] = r.value;
  const result = {
    outcome: 'pass' as const,
    summary: `${step.question} ${String(r.value)} (from ${r.source})`,
    value: r.value,
    data: { value: r.value, source: r.source },
    durationMs: 0,
    vantage: 'operator',
  };
  w.steps[id] = result;
  await run.follow(routeResult(id, result, step, run.context(w)), id, w);
}
