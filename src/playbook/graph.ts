// A playbook's steps as a graph: edges for `show --graph`, the markdown
// report, and the structural checks `validate` runs.
import type { DecisionGraph, GraphEdge } from './graph-types.js';
import type { Condition, Playbook, Step } from './schema.js';

export interface StepEdge extends GraphEdge {
  /** Path of the field that names the target, for located errors. */
  field: PropertyKey[];
}

export function stepEdges(id: string, step: Step): StepEdge[] {
  const base: PropertyKey[] = ['steps', id];
  switch (step.kind) {
    case 'probe':
    case 'ask': {
      const edges: StepEdge[] = step.branches.map((b, i) => ({
        from: id,
        to: b.goto,
        label: describeCondition(b.when),
        field: [...base, 'branches', i, 'goto'],
      }));
      if (step.default)
        edges.push({ from: id, to: step.default, label: 'otherwise', field: [...base, 'default'] });
      if (step.kind === 'probe' && step.on_error)
        edges.push({ from: id, to: step.on_error, label: 'could not check', field: [...base, 'on_error'] });
      if (step.kind === 'ask')
        edges.push({ from: id, to: step.unknown, label: 'unknown', field: [...base, 'unknown'] });
      return edges;
    }
    case 'checklist':
      return [
        ...step.items.map((item, i) => ({
          from: id,
          to: item.conclude,
          label: `${item.id} fails`,
          field: [...base, 'items', i, 'conclude'],
        })),
        ...step.branches.map((b, i) => ({
          from: id,
          to: b.goto,
          label: describeCondition(b.when),
          field: [...base, 'branches', i, 'goto'],
        })),
        { from: id, to: step.next, label: 'otherwise', field: [...base, 'next'] },
        ...(step.on_error
          ? [{ from: id, to: step.on_error, label: 'could not check', field: [...base, 'on_error'] }]
          : []),
      ];
    case 'decide':
      return [
        ...step.cases.map((c, i) => ({
          from: id,
          to: c.goto,
          label: describeCondition(c.when),
          field: [...base, 'cases', i, 'goto'],
        })),
        ...(step.default
          ? [{ from: id, to: step.default, label: 'otherwise', field: [...base, 'default'] }]
          : []),
        ...(step.on_error
          ? [{ from: id, to: step.on_error, label: 'could not check', field: [...base, 'on_error'] }]
          : []),
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
