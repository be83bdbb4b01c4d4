// checklist: independent checks run concurrently (the FAQ's check tables).
// Every failing item is a finding; the counts become the step's result, so
// later steps can branch on "none / some / all failed".
import type { ChecklistStep } from '../../playbook/schema.js';
import { checklistOutcome, describeCounts, type ItemRun, summarizeChecklist } from '../checklist-summary.js';
import { routeResult } from '../routing.js';
import { expand } from '../scope.js';
import type { Walk } from '../walk.js';
import type { Walker } from './types.js';

export async function checklistStep(run: Walker, id: string, step: ChecklistStep, w: Walk): Promise<void> {
  // `each: members` runs the items once per member of this walk's scope, as FAQ check tables do per backend.
  const scopes = step.each ? expand(step.each, w.scope, run.inventory, run.target) : [{}];
  if (scopes.length === 0) {
    const why = run.inventory
      ? `the inventory has no ${step.each} to check here`
      : `no inventory, so the ${step.each} could not be checked one by one (give --inventory)`;
    run.stop(w, id, why);
    return;
  }
  const done = await Promise.all(
    scopes.flatMap((scope) => {
      const sw: Walk = { ...w, scope: { ...w.scope, ...scope } };
      return step.items.map(async (item) => ({
        item,
        sw,
        obs: await run.check(id, item.id, item, item.vantage ?? step.vantage, sw),
      }));
    }),
  );
  const runs: ItemRun[] = [];
  for (const { item, obs, sw } of done) {
    runs.push({
      item: item.id,
      outcome: obs.outcome,
      data: obs.data,
      ...(sw.scope.member ? { member: sw.scope.member.name } : {}),
    });
    if (obs.outcome === 'fail') {
      const conclusion = run.playbook.steps[item.conclude];
      if (conclusion?.kind === 'conclude') {
        run.markVisited(item.conclude);
        run.conclude(
          item.conclude,
          conclusion,
          { ...sw, path: [...w.path, `${id}.${item.id}`, item.conclude] },
          { item: obs },
        );
      }
    } else if (obs.outcome === 'error') {
      run.stop(
        { ...sw, path: [...w.path, `${id}.${item.id}`] },
        id,
        `${item.title}: could not check: ${obs.reason ?? obs.summary}`,
      );
    }
  }
  const summary = summarizeChecklist(runs);
  const outcome = checklistOutcome(summary);
  const result = {
    outcome,
    summary: `${step.title}: ${describeCounts(summary.counts)}`,
    ...(outcome === 'error' ? { reason: 'none of its checks could be run' } : {}),
    data: { ...summary },
    durationMs: Math.max(0, ...done.map((d) => d.obs.durationMs)),
    vantage: step.vantage,
  };
  w.steps[id] = result;
  // A checklist where nothing could be checked stops here, inconclusive (its
  // items' reasons are already recorded), rather than going on to a
  // conclusion that would read as "checked and fine".
  if (
    outcome === 'error' &&
    !step.on_error &&
    !step.branches.some((b) => [b.when.outcome].flat().includes('error'))
  )
    return;
  await run.follow(routeResult(id, result, { ...step, default: step.next }, run.context(w)), id, w);
}
