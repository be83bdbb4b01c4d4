// Checks a schema cannot express. Structure: every target exists, the graph
// has no loop, every step can reach a conclusion, probes exist. Types
// (check-types.ts): every path resolves where it is read, probe parameters
// exist, vantages match the fan-out. Each problem points at the field that
// causes it (file:line:column), in the playbook or in the fragment it came from.
import type { Problem } from '../errors.js';
import type { ProbeContract } from '../probes/types.js';
import { closeMatch } from '../suggest.js';
import { type Locate, checkPlaybookTypes } from './check-types.js';
import { stepEdges } from './graph.js';
import type { Playbook } from './schema.js';

export function checkPlaybook(
  pb: Playbook,
  at: Locate,
  contracts: Readonly<Record<string, ProbeContract>>,
): Problem[] {
  const structural = checkPlaybookGraph(pb, at, Object.keys(contracts));
  // Types are checked on a sound graph only: a missing step or a loop makes every later message noise.
  return structural.length > 0 ? structural : checkPlaybookTypes(pb, at, contracts);
}

export function checkPlaybookGraph(pb: Playbook, at: Locate, knownProbes: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set(Object.keys(pb.steps));

  if (!ids.has(pb.start))
    problems.push({ ...at(['start']), message: `start step "${pb.start}" does not exist` });

  const next = new Map<string, string[]>();
  for (const [id, step] of Object.entries(pb.steps)) {
    const edges = stepEdges(id, step);
    next.set(
      id,
      edges.map((e) => e.to),
    );
    for (const e of edges) {
      if (!ids.has(e.to)) {
        const near = closeMatch(e.to, [...ids]);
        problems.push({
          ...at(e.field),
          message: `step "${e.to}" does not exist`,
          expected: near ? `an existing step id, e.g. "${near}"` : 'an existing step id',
        });
      }
    }
    if (step.kind === 'checklist') {
      step.items.forEach((item, i) => {
        const target = pb.steps[item.conclude];
        if (target && target.kind !== 'conclude') {
          problems.push({
            ...at(['steps', id, 'items', i, 'conclude']),
            message: `"${item.conclude}" is a ${target.kind} step`,
            expected: 'a conclude step',
          });
        }
      });
    }
    const probes =
      step.kind === 'probe'
        ? [{ probe: step.probe, path: ['steps', id, 'probe'] }]
        : step.kind === 'checklist'
          ? step.items.map((it, i) => ({ probe: it.probe, path: ['steps', id, 'items', i, 'probe'] }))
          : [];
    for (const p of probes) {
      if (!knownProbes.includes(p.probe)) {
        const near = closeMatch(p.probe, knownProbes);
        problems.push({
          ...at(p.path),
          message: `unknown probe "${p.probe}"`,
          expected: near
            ? `"${near}"? (one of ${knownProbes.join(', ')})`
            : `one of ${knownProbes.join(', ')}`,
        });
      }
    }
    if (step.kind !== 'conclude' && edges.length === 0) {
      problems.push({
        ...at(['steps', id]),
        message: 'dead end: this step leads nowhere',
        expected: 'branches, default, next or unknown',
      });
    }
  }

  // Loops: depth-first search with colours.
  const colour = new Map<string, 1 | 2>();
  const loopAt: string[] = [];
  const visit = (id: string, trail: string[]) => {
    colour.set(id, 1);
    for (const to of next.get(id) ?? []) {
      if (!ids.has(to)) continue;
      if (colour.get(to) === 1)
        loopAt.push([...trail, id, to].slice(Math.max(0, trail.indexOf(to))).join(' → '));
      else if (!colour.has(to)) visit(to, [...trail, id]);
    }
    colour.set(id, 2);
  };
  for (const id of ids) if (!colour.has(id)) visit(id, []);
  for (const loop of loopAt)
    problems.push({
      ...at(['steps']),
      message: `the steps form a loop: ${loop}`,
      expected: 'a graph without cycles',
    });

  // Every step reachable from start must be able to reach a conclusion.
  const concludes = new Set([...ids].filter((id) => pb.steps[id]?.kind === 'conclude'));
  if (concludes.size === 0)
    problems.push({
      ...at(['steps']),
      message: 'the playbook has no conclude step',
      expected: 'at least one step with kind: conclude',
    });
  const canConclude = new Set(concludes);
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, tos] of next) {
      if (!canConclude.has(id) && tos.some((t) => canConclude.has(t))) {
        canConclude.add(id);
        changed = true;
      }
    }
  }
  const reachable = new Set<string>();
  const stack = ids.has(pb.start) ? [pb.start] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    stack.push(...(next.get(id) ?? []).filter((t) => ids.has(t)));
  }
  for (const id of reachable) {
    if (!canConclude.has(id))
      problems.push({ ...at(['steps', id]), message: `step "${id}" never reaches a conclusion` });
  }
  for (const id of ids) {
    if (!reachable.has(id) && ids.has(pb.start)) {
      problems.push({
        ...at(['steps', id]),
        message: `step "${id}" cannot be reached from start "${pb.start}"`,
      });
    }
  }
  return problems;
}
