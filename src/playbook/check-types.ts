// Type-checks a playbook against what the engine will do at each step: every
// `{{ path }}`, branch path and `decide` path must resolve against what the
// walk's context holds there; every probe parameter must exist (and a literal
// one must be valid); a step may run on a member or host only where the walk
// is bound to one. What the context holds is computed along the graph (it has
// no loops): the scope each fan-out binds, the steps and facts that ran before
// on every path ("must") or on some path ("may").
import { z } from 'zod';
import type { Problem } from '../errors.js';
import { FAN_OUT_BINDS, type FanOut, type VantageName } from '../model/vocabulary.js';
import type { ProbeContract } from '../probes/types.js';
import {
  askResultSchema,
  checklistResultSchema,
  InventorySchema,
  probeResultSchema,
  SCOPE_SCHEMAS,
  type ScopeKey,
  RunSchema,
  TargetSchema,
} from './context-schema.js';
import { TOPIC_IDS as EXPLAIN_TOPIC_IDS } from '../explain/topics.js';
import { PLAYBOOK_IDS } from './ids.js';
import { type StepEdge, stepEdges } from './graph.js';
import { checkSchemaPath, listItem, objectKeys, schemaAt, valueType } from './schema-path.js';
import type { Branch, ChartSpec, ConcludeStep, Condition, Playbook, Step, Test } from './schema.js';
import { TEMPLATE } from '../engine/template.js';
import { closeMatch } from '../suggest.js';

export type Locate = (path: PropertyKey[]) => Omit<Problem, 'message'>;

/** Which scope keys each fan-out binds (a listener walk knows its load balancer and default pool). */
const BINDS: Record<FanOut, ScopeKey[]> = {
  loadbalancers: ['lb'],
  listeners: ['lb', 'listener', 'pool'],
  pools: ['lb', 'pool', 'listener'],
  members: ['lb', 'pool', 'listener', 'member'],
  hosts: ['host'],
};

interface Known {
  bound: Set<ScopeKey>;
  /** Steps whose results (and facts) are there on every path to here / on some path. */
  mustSteps: Set<string>;
  maySteps: Set<string>;
  mustFacts: Set<string>;
  mayFacts: Set<string>;
  /** Checklist items whose failure concludes here (`item` in the context). */
  items: Set<string>;
  itemOnly: boolean;
}

const bindingsOf = (step: Step): ScopeKey[] =>
  step.kind !== 'conclude' && step.foreach ? BINDS[step.foreach] : [];

/** What the context holds at each step reachable from start; undefined when the graph has a loop. */
export function knownAtSteps(pb: Playbook): Map<string, Known> | undefined {
  const order = topologicalOrder(pb);
  if (!order) return undefined;
  const incoming = new Map<string, { from: string; edge: StepEdge }[]>();
  for (const [id, step] of Object.entries(pb.steps))
    for (const edge of stepEdges(id, step)) {
      if (!pb.steps[edge.to]) continue;
      const list = incoming.get(edge.to) ?? [];
      list.push({ from: id, edge });
      incoming.set(edge.to, list);
    }
  const known = new Map<string, Known>();
  for (const id of order) {
    const step = pb.steps[id]!;
    const ins = (incoming.get(id) ?? []).filter((i) => known.has(i.from));
    let k: Known;
    if (id === pb.start) {
      k = {
        bound: new Set(),
        mustSteps: new Set(),
        maySteps: new Set(),
        mustFacts: new Set(),
        mayFacts: new Set(),
        items: new Set(),
        itemOnly: false,
      };
    } else if (ins.length === 0) {
      continue; // unreachable: reported by the graph checks
    } else {
      const outs = ins.map(({ from, edge }) => {
        const p = known.get(from)!;
        const fs = pb.steps[from]!;
        const steps = new Set(p.mustSteps);
        const facts = new Set(p.mustFacts);
        const maySteps = new Set(p.maySteps);
        const mayFacts = new Set(p.mayFacts);
        if (edge.carries && fs.kind !== 'decide') {
          steps.add(from);
          maySteps.add(from);
          if (fs.kind === 'ask') {
            facts.add(fs.fact);
            mayFacts.add(fs.fact);
          }
        }
        const bound = new Set(p.bound);
        if (edge.item?.each) for (const b of BINDS.members) bound.add(b);
        return { bound, steps, facts, maySteps, mayFacts, item: edge.item };
      });
      k = {
        bound: intersect(outs.map((o) => o.bound)),
        mustSteps: intersect(outs.map((o) => o.steps)),
        maySteps: union(outs.map((o) => o.maySteps)),
        mustFacts: intersect(outs.map((o) => o.facts)),
        mayFacts: union(outs.map((o) => o.mayFacts)),
        items: new Set(outs.flatMap((o) => (o.item ? [`${o.item.step}.${o.item.item}`] : []))),
        itemOnly: outs.every((o) => o.item),
      };
    }
    for (const b of bindingsOf(step)) k.bound.add(b);
    known.set(id, k);
  }
  return known;
}

export function checkPlaybookTypes(
  pb: Playbook,
  at: Locate,
  contracts: Readonly<Record<string, ProbeContract>>,
): Problem[] {
  const known = knownAtSteps(pb);
  if (!known) return [];
  const problems: Problem[] = [];
  const report = (path: PropertyKey[], message: string, expected?: string) =>
    problems.push({ ...at(path), message, ...(expected ? { expected } : {}) });

  const contractOf = (probe: string): ProbeContract | undefined => contracts[probe];

  const resultSchema = (id: string): z.ZodType => {
    const s = pb.steps[id]!;
    if (s.kind === 'probe')
      return probeResultSchema(contractOf(s.probe)?.data ?? z.record(z.string(), z.unknown()));
    if (s.kind === 'checklist')
      return checklistResultSchema(s.items.map((i) => ({ id: i.id, data: contractOf(i.probe)?.data })));
    if (s.kind === 'ask') return askResultSchema(s.type);
    return z.object({});
  };

  const factTypes = new Map<string, z.ZodType>();
  for (const s of Object.values(pb.steps))
    if (s.kind === 'ask') factTypes.set(s.fact, schemaAt(askResultSchema(s.type), ['value']) ?? z.unknown());

  /** Checks one context path at a step; `lenient` for paths with a fallback and for decide cases. */
  const checkContextPath = (
    stepId: string,
    k: Known,
    path: string,
    where: PropertyKey[],
    opts: { lenient: boolean; extraBound?: ScopeKey[] },
  ) => {
    const [root, ...rest] = path.trim().split('.') as [string, ...string[]];
    const bound = new Set([...k.bound, ...(opts.extraBound ?? [])]);
    const typed = (schema: z.ZodType, segments: string[], prefix: string) => {
      const r = checkSchemaPath(schema, segments);
      if (!r.ok) report(where, `"${path}" does not exist: no "${prefix}.${r.at}"`, suggest(r.at, r.known));
    };
    if (root in SCOPE_SCHEMAS) {
      const key = root as ScopeKey;
      if (!bound.has(key)) {
        report(
          where,
          `"${path}": the walk is not bound to a ${key === 'lb' ? 'load balancer' : key} at step "${stepId}"`,
          `a foreach that binds it (${fanOutsBinding(key)}) on this step or before it`,
        );
        return;
      }
      typed(SCOPE_SCHEMAS[key], rest, root);
      return;
    }
    switch (root) {
      case 'inventory':
        return typed(InventorySchema, rest, root);
      case 'target':
        return typed(TargetSchema, rest, root);
      case 'run':
        return typed(RunSchema, rest, root);
      case 'inputs': {
        const [input, ...below] = rest;
        if (!input || !(input in pb.inputs))
          return report(
            where,
            `"${path}": no input "${input ?? ''}" is declared`,
            Object.keys(pb.inputs).length
              ? suggest(input ?? '', Object.keys(pb.inputs))
              : 'an input declared under inputs:',
          );
        if (below.length) report(where, `"${path}": an input is text, it has no fields`);
        return;
      }
      case 'facts': {
        const [fact, ...below] = rest;
        if (!fact || !factTypes.has(fact))
          return report(
            where,
            `"${path}": no ask step asks for fact "${fact ?? ''}"`,
            factTypes.size ? suggest(fact ?? '', [...factTypes.keys()]) : 'a fact asked by an ask step',
          );
        if (!k.mayFacts.has(fact))
          return report(where, `"${path}": fact "${fact}" is never asked before step "${stepId}"`);
        if (!opts.lenient && !k.mustFacts.has(fact))
          return report(
            where,
            `"${path}": fact "${fact}" is not known on every path to step "${stepId}"`,
            "a fallback: {{ facts.x | 'unknown' }}",
          );
        return typed(factTypes.get(fact)!, below, `facts.${fact}`);
      }
      case 'steps': {
        const [sid, ...below] = rest;
        if (!sid || !pb.steps[sid])
          return report(
            where,
            `"${path}": there is no step "${sid ?? ''}"`,
            suggest(sid ?? '', Object.keys(pb.steps)),
          );
        if (!k.maySteps.has(sid))
          return report(where, `"${path}": step "${sid}" never runs before step "${stepId}"`);
        if (!opts.lenient && !k.mustSteps.has(sid))
          return report(
            where,
            `"${path}": step "${sid}" does not run on every path to step "${stepId}"`,
            "a fallback: {{ steps.x.summary | 'not checked' }}",
          );
        return typed(resultSchema(sid), below, `steps.${sid}`);
      }
      case 'item': {
        if (k.items.size === 0)
          return report(where, `"${path}": "item" exists only in a conclusion that a checklist item names`);
        if (!opts.lenient && !k.itemOnly)
          return report(
            where,
            `"${path}": this conclusion is also reached without a failing item`,
            'a fallback',
          );
        const schemas = [...k.items].map((ref) => {
          const [cid, iid] = ref.split('.') as [string, string];
          const cl = pb.steps[cid];
          const item = cl?.kind === 'checklist' ? cl.items.find((i) => i.id === iid) : undefined;
          return probeResultSchema(contractOf(item?.probe ?? '')?.data ?? z.record(z.string(), z.unknown()));
        });
        return typed(
          schemas.length === 1 ? schemas[0]! : z.union(schemas as [z.ZodType, z.ZodType]),
          rest,
          'item',
        );
      }
      default:
        report(
          where,
          `"${path}": unknown name "${root}"`,
          `one of ${[...bound].join(', ')}${bound.size ? ', ' : ''}run, inventory, target, inputs, facts, steps${k.items.size ? ', item' : ''}`,
        );
    }
  };

  /** The schema a context path reads, where it is typed (scope, inventory, steps); else undefined. */
  const contextSchemaAt = (path: string): z.ZodType | undefined => {
    const [root, ...rest] = path.trim().split('.') as [string, ...string[]];
    if (root in SCOPE_SCHEMAS) return schemaAt(SCOPE_SCHEMAS[root as ScopeKey], rest);
    if (root === 'inventory') return schemaAt(InventorySchema, rest);
    const [sid, ...below] = rest;
    if (root === 'steps' && sid && pb.steps[sid]) return schemaAt(resultSchema(sid), below);
    return undefined;
  };

  /** A chart's list must be a list, and its label, value and reference fields of each item. */
  const checkChart = (stepId: string, k: Known, chart: ChartSpec, where: PropertyKey[]) => {
    checkTemplates(stepId, k, chart.title, [...where, 'title']);
    const m = [...chart.bars.matchAll(TEMPLATE)][0];
    if (!m) return;
    const before = problems.length;
    checkContextPath(stepId, k, m[1]!, [...where, 'bars'], { lenient: m[2] !== undefined });
    if (problems.length > before) return;
    const schema = contextSchemaAt(m[1]!);
    if (!schema || ['unknown', 'any'].includes(valueType(schema))) return;
    const item = listItem(schema);
    if (!item)
      return report(
        [...where, 'bars'],
        `"${m[1]}" is not a list (it holds ${valueType(schema)}): a chart draws one bar per item of a list`,
        'a list of objects, e.g. {{ steps.measure.data.members }}',
      );
    const numeric = ['number'];
    const fields = [
      { key: 'label', field: chart.label, types: ['string', 'number', 'enum', 'literal'] },
      { key: 'value', field: chart.value, types: numeric },
      ...(chart.reference ? [{ key: 'reference', field: chart.reference, types: numeric }] : []),
    ];
    for (const { key, field, types } of fields) {
      const r = checkSchemaPath(item, field.split('.'));
      if (!r.ok) {
        report(
          [...where, key],
          `"${field}" is not a field of the items of "${m[1]}": no "${r.at}"`,
          suggest(r.at, r.known),
        );
        continue;
      }
      const at = schemaAt(item, field.split('.'));
      const type = at ? valueType(at) : 'unknown';
      if (at && !['unknown', 'any', ...types].includes(type))
        report(
          [...where, key],
          `"${field}" of the items of "${m[1]}" holds ${type}, not ${types === numeric ? 'a number' : 'text'}`,
          key === 'label' ? 'a field naming each item, e.g. name' : 'a numeric field',
        );
    }
  };

  /** Every {{ path }} inside a value (strings, lists, objects). */
  // A once_per finding is rendered by whichever of its walks arrives first: it must read the same from each.
  const checkOncePer = (step: ConcludeStep, base: PropertyKey[]) => {
    const visit = (value: unknown, where: PropertyKey[]): void => {
      if (typeof value === 'string') {
        for (const m of value.matchAll(TEMPLATE))
          if (['member', 'host', 'item'].includes(m[1]!.split('.')[0]!))
            report(
              [...base, ...where],
              `"${m[0]}" differs from walk to walk, but once_per: ${step.once_per} reports this finding once`,
              `nothing below the ${step.once_per} (no member, host or item), or no once_per`,
            );
      } else if (value && typeof value === 'object')
        // An array's entries are its indexes: evidence[2].
        for (const [key, v] of Object.entries(value))
          visit(v, [...where, Array.isArray(value) ? Number(key) : key]);
    };
    for (const field of ['title', 'cause', 'evidence', 'fix', 'chart'] as const) visit(step[field], [field]);
  };

  const checkTemplates = (
    stepId: string,
    k: Known,
    value: unknown,
    where: PropertyKey[],
    extraBound?: ScopeKey[],
  ) => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(TEMPLATE))
        checkContextPath(stepId, k, m[1]!, where, {
          lenient: m[2] !== undefined,
          ...(extraBound ? { extraBound } : {}),
        });
      // What is left of "{{ … }}" after the templates is written wrong (an unquoted fallback, a stray brace):
      // it would be printed as is.
      const rest = value.replace(TEMPLATE, '');
      const broken = /\{\{[^}]*\}\}|\{\{|\}\}/.exec(rest);
      if (broken)
        report(
          where,
          `"${broken[0]}" is not a template and would be printed as written`,
          "{{ path }} or {{ path | 'fallback text' }} (the fallback is quoted text, not a path)",
        );
    } else if (Array.isArray(value))
      value.forEach((v, i) => {
        checkTemplates(stepId, k, v, [...where, i], extraBound);
      });
    else if (value && typeof value === 'object')
      for (const [key, v] of Object.entries(value)) checkTemplates(stepId, k, v, [...where, key], extraBound);
  };

  /** Paths and compared values of a condition: paths read `subject` (a result schema) or the context. */
  const checkCondition = (
    stepId: string,
    k: Known,
    c: Omit<Condition, 'outcome'>,
    where: PropertyKey[],
    subject: z.ZodType | 'context',
    extraBound?: ScopeKey[],
  ) => {
    const tests: [Partial<Test>, PropertyKey[]][] = [[c, where]];
    for (const group of ['all', 'any', 'none'] as const)
      for (const [i, t] of (c[group] ?? []).entries()) tests.push([t, [...where, group, i]]);
    for (const [t, w] of tests) {
      if (t.path) {
        if (subject === 'context')
          checkContextPath(stepId, k, t.path, [...w, 'path'], {
            lenient: true,
            ...(extraBound ? { extraBound } : {}),
          });
        else {
          const r = checkSchemaPath(subject, t.path.split('.'));
          if (!r.ok)
            report(
              [...w, 'path'],
              `"${t.path}" is not in this step's result: no "${r.at}"`,
              suggest(r.at, r.known),
            );
        }
      }
      for (const op of ['equals', 'not', 'in', 'gt', 'gte', 'lt', 'lte'] as const)
        if (t[op] !== undefined) checkTemplates(stepId, k, t[op], [...w, op], extraBound);
    }
  };

  const checkBranches = (
    stepId: string,
    k: Known,
    branches: readonly Branch[],
    subject: z.ZodType,
    field = 'branches',
  ) =>
    branches.forEach((b, i) => {
      // Compared values may read the step's own result: it is in the context by then.
      const own = {
        ...k,
        mustSteps: new Set([...k.mustSteps, stepId]),
        maySteps: new Set([...k.maySteps, stepId]),
      };
      checkCondition(stepId, own, b.when, ['steps', stepId, field, i, 'when'], subject);
    });

  const checkProbe = (
    stepId: string,
    k: Known,
    spec: { probe: string; with: Record<string, unknown> },
    vantage: VantageName,
    where: PropertyKey[],
    extraBound: ScopeKey[] = [],
  ) => {
    const bound = new Set([...k.bound, ...extraBound]);
    if (vantage === 'member' && !bound.has('member'))
      report(
        [...where, 'vantage'],
        `runs on the member, but step "${stepId}" is not bound to one`,
        'foreach: members (or a checklist with each: members)',
      );
    if (vantage === 'host' && !bound.has('host'))
      report(
        [...where, 'vantage'],
        `runs on the walk's host, but step "${stepId}" is not bound to one`,
        'foreach: hosts',
      );
    checkTemplates(stepId, k, spec.with, [...where, 'with'], extraBound);
    const contract = contractOf(spec.probe);
    if (!contract) return; // unknown probes are reported by the graph checks
    const keys = objectKeys(contract.params);
    if (!keys) return;
    for (const [key, value] of Object.entries(spec.with)) {
      if (!keys.includes(key)) {
        report([...where, 'with', key], `probe ${spec.probe} has no parameter "${key}"`, suggest(key, keys));
        continue;
      }
      if (JSON.stringify(value).includes('{{')) continue;
      const field = schemaAt(contract.params, [key]);
      const r = field?.safeParse(value);
      if (r && !r.success)
        report(
          [...where, 'with', key],
          `invalid value for ${spec.probe}.${key}: ${r.error.issues[0]?.message ?? 'invalid'}`,
        );
    }
    for (const key of keys) {
      if (key in spec.with) continue;
      if (schemaAt(contract.params, [key])?.safeParse(undefined).success === false)
        report([...where, 'with'], `probe ${spec.probe} needs parameter "${key}"`);
    }
  };

  for (const [id, step] of Object.entries(pb.steps)) {
    const k = known.get(id);
    if (!k) continue;
    const base: PropertyKey[] = ['steps', id];
    if (step.kind !== 'conclude' && step.where)
      checkCondition(id, k, step.where, [...base, 'where'], 'context');
    switch (step.kind) {
      case 'probe':
        checkProbe(id, k, step, step.vantage, base);
        checkBranches(id, k, step.branches, resultSchema(id));
        break;
      case 'ask':
        if (step.inventory)
          checkContextPath(id, k, step.inventory, [...base, 'inventory'], { lenient: true });
        checkBranches(id, k, step.branches, resultSchema(id));
        break;
      case 'checklist': {
        const extra: ScopeKey[] = step.each === 'members' ? BINDS.members : [];
        step.items.forEach((item, i) => {
          checkProbe(id, k, item, item.vantage ?? step.vantage, [...base, 'items', i], extra);
        });
        checkBranches(id, k, step.branches, resultSchema(id));
        break;
      }
      case 'decide':
        step.cases.forEach((c, i) => {
          checkCondition(id, k, c.when, [...base, 'cases', i, 'when'], 'context');
        });
        break;
      case 'conclude':
        if (step.once_per) checkOncePer(step, base);
        checkTemplates(id, k, step.title, [...base, 'title']);
        checkTemplates(id, k, step.cause, [...base, 'cause']);
        checkTemplates(id, k, step.evidence, [...base, 'evidence']);
        checkTemplates(id, k, step.fix, [...base, 'fix']);
        if (step.chart) checkChart(id, k, step.chart, [...base, 'chart']);
        (step.see ?? []).forEach((see, i) => {
          if (!PLAYBOOK_IDS.includes(see))
            report([...base, 'see', i], `"${see}" is not a playbook id`, suggest(see, PLAYBOOK_IDS));
        });
        (step.explain ?? []).forEach((topic, i) => {
          if (!EXPLAIN_TOPIC_IDS.includes(topic))
            report(
              [...base, 'explain', i],
              `"${topic}" is not an explain topic (\`lbdoctor explain\` lists them)`,
              suggest(topic, EXPLAIN_TOPIC_IDS),
            );
        });
        break;
    }
  }
  return problems;
}

function fanOutsBinding(key: ScopeKey): string {
  return (Object.keys(BINDS) as FanOut[])
    .filter((f) => BINDS[f].includes(key) || FAN_OUT_BINDS[f] === key)
    .map((f) => `foreach: ${f}`)
    .join(' or ');
}

/** "address"? when a known name is close to the one written, else the known names. */
function suggest(written: string, known: readonly string[]): string | undefined {
  const last = written.split('.').pop() ?? written;
  const near = closeMatch(last, known);
  if (near) return `"${near}"?`;
  return known.length ? `one of ${known.join(', ')}` : undefined;
}

function intersect<T>(sets: Set<T>[]): Set<T> {
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((x) => rest.every((s) => s.has(x))));
}

function union<T>(sets: Set<T>[]): Set<T> {
  return new Set(sets.flatMap((s) => [...s]));
}

/** Steps in an order where every step comes after all that lead to it; undefined on a loop. */
function topologicalOrder(pb: Playbook): string[] | undefined {
  const indegree = new Map(Object.keys(pb.steps).map((id) => [id, 0]));
  for (const [id, step] of Object.entries(pb.steps))
    for (const e of stepEdges(id, step)) if (indegree.has(e.to)) indegree.set(e.to, indegree.get(e.to)! + 1);
  const ready = [...indegree].filter(([, n]) => n === 0).map(([id]) => id);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const e of stepEdges(id, pb.steps[id]!)) {
      if (!indegree.has(e.to)) continue;
      const n = indegree.get(e.to)! - 1;
      indegree.set(e.to, n);
      if (n === 0) ready.push(e.to);
    }
  }
  return order.length === indegree.size ? order : undefined;
}
