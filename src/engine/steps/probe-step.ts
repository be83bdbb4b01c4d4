// probe: run one probe from one vantage and branch on what it saw.
import type { ProbeStep } from '../../playbook/schema.js';
import { routeResult } from '../routing.js';
import type { Walk } from '../walk.js';
import type { Walker } from './types.js';

export async function probeStep(run: Walker, id: string, step: ProbeStep, w: Walk): Promise<void> {
  const { record: _record, ...obs } = await run.check(id, undefined, step, step.vantage, w);
  w.steps[id] = obs;
  await run.follow(routeResult(id, { ...obs }, step, run.context(w)), id, w);
}
