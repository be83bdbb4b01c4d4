// decide: branch on everything known at this point of the walk — facts,
// inputs, inventory values, earlier steps' results and checklist counts.
import type { DecideStep } from '../../playbook/schema.js';
import { routeDecision } from '../routing.js';
import type { Walk } from '../walk.js';
import type { Walker } from './types.js';

export async function decideStep(run: Walker, id: string, step: DecideStep, w: Walk): Promise<void> {
  await run.follow(routeDecision(id, step, run.context(w), w.steps), id, w);
}
