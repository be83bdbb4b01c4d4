// A playbook's steps as a graph: edges for `show --graph`, the markdown
// report, and the structural checks `validate` runs.
import type { DecisionGraph, GraphEdge } from './graph-types.js';
import type { Condition, Playbook, Step } from './schema.js';

export interface StepEdge extends GraphEdge {
  /** Path of the field that names the target, for located errors. */
  field: PropertyKey[];
  /**
   * The step's own result is in the context when the walk arrives (not on an
   * ask's unknown branch, not after a decide, not on a checklist item's
   * conclusion, which is reached before the checklist's counts exist).
   */
  carries: boolean;
  /** A checklist item's conclusion: `item` is in its context, and the member under `each: members`. */
  item?: { step: string; item: string; each: boolean };
}

export function stepEdges(id: string, step: Step): StepEdge[] {
  const base: PropertyKey[] = ['steps', id];
  const edge = (to: string, label: string, field: PropertyKey[], carries: boolean): StepEdge => ({
    from: id,
    to,
    label,
    field: [...base, ...field],
    carries,
  });
  const branches = (list: readonly { when: Condition; goto: string }[], key: string, carries: boolean) =>
    list.map((b, i) => edge(b.goto, describeCondition(b.when), [key, i, 'goto'], carries));
  const onError = (to: string | undefined, carries: boolean) =>
    to ? [edge(to, 'could not check', ['on_error'], carries)] : [];
  switch (step.kind) {
    case 'probe':
      return [
        ...branches(step.branches, 'branches', true),
        ...(step.default ? [edge(step.default, 'otherwise', ['default'], true)] : []),
        ...onError(step.on_error, true),
      ];
    case 'ask':
      return [
        ...branches(step.branches, 'branches', true),
        ...(step.default ? [edge(step.default, 'otherwise', ['default'], true)] : []),
        edge(step.unknown, 'unknown', ['unknown'], false),
      ];
    case 'checklist':
      return [
        ...step.items.map((item, i) => ({
          ...edge(item.conclude, `${item.id} fails`, ['items', i, 'conclude'], false),
          item: { step: id, item: item.id, each: step.each === 'members' },
        })),
        ...branches(step.branches, 'branches', true),
        edge(step.next, 'otherwise', ['next'], true),
        ...onError(step.on_error, true),
      ];
    case 'decide':
      return [
        ...branches(step.cases, 'cases', false),
        ...(step.default ? [edge(step.default, 'otherwise', ['default'], false)] : []),
        ...onError(step.on_error, false),
      ];
    case 'conclude':
      return [];
  }
}

/** "fail", "status ≥ 500", "x-router-code = 40000": short enough for a graph edge. */
export function describeCondition(c: Condition): string {
  const parts: string[] = [];
  if (c.outcome) parts.push(Array.isArray(c.outcome) ? c.outcome.join('|') : c.outcome);
  const test = (t: Partial<Condition>): string | undefined => {
    if (!t.path) return undefined;
    const name = t.path
      .replace(/^steps\.[^.]+\./, '')
      .replace(/^data\./, '')
      .replace(/^headers\./, '');
    if (t.equals !== undefined) return `${name} = ${String(t.equals)}`;
    if (t.not !== undefined) return `${name} ≠ ${String(t.not)}`;
    if (t.in) return `${name} in ${t.in.map(String).join(',')}`;
    if (t.matches) return `${name} ~ /${t.matches}/`;
    const range = [
      t.gte !== undefined ? `≥ ${t.gte}` : '',
      t.gt !== undefined ? `> ${t.gt}` : '',
      t.lte !== undefined ? `≤ ${t.lte}` : '',
      t.lt !== undefined ? `< ${t.lt}` : '',
    ].filter(Boolean);
    if (range.length) return `${name} ${range.join(' and ')}`;
    if (t.exists !== undefined) return t.exists ? `${name} present` : `no ${name}`;
    return name;
  };
  const own = test(c);
  if (own) parts.push(own);
  for (const t of c.all ?? []) parts.push(test(t) ?? '');
  if (c.any?.length) parts.push(c.any.map((t) => test(t)).join(' or '));
  if (c.none?.length) parts.push(`not (${c.none.map((t) => test(t)).join(' or ')})`);
  return parts.filter(Boolean).join(', ') || 'always';
}

export function toDecisionGraph(pb: Playbook): DecisionGraph {
  const nodes = Object.entries(pb.steps).map(([id, step]) => ({
    id,
    label: step.title,
    kind: step.kind,
    ...(step.kind === 'conclude' ? { severity: step.severity } : {}),
  }));
  const edges = Object.entries(pb.steps).flatMap(([id, step]) =>
    stepEdges(id, step).map(({ from, to, label }) => ({ from, to, label })),
  );
  return { id: pb.id, title: pb.title, start: pb.start, nodes, edges };
}
