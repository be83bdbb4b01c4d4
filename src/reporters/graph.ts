// A playbook's decision graph as Mermaid (renders in GitHub/GitLab markdown)
// or Graphviz DOT, with the steps a run visited and the edges it took
// highlighted. Used by `lbdoctor show <id> --graph` and the markdown report.
import { SEVERITIES } from '../engine/result.js';
import type { DecisionGraph, GraphEdge, GraphNode } from '../playbook/graph-types.js';

export interface GraphHighlight {
  /** Step ids visited (RunResult.visited). */
  visited?: readonly string[];
  /**
   * The walks taken (each finding's and inconclusive walk's `path`): an edge is
   * highlighted only when a walk went from its source straight to its target.
   * Without paths, an edge counts as taken when both ends were visited.
   */
  paths?: readonly (readonly string[])[];
}

/** Indices into graph.edges of the edges a run took. */
export function takenEdges(graph: DecisionGraph, highlight: GraphHighlight): number[] {
  const visited = new Set(highlight.visited ?? []);
  if (highlight.paths && highlight.paths.length > 0) {
    const steps = new Set<string>();
    for (const path of highlight.paths) {
      for (let i = 1; i < path.length; i++) steps.add(`${path[i - 1]}\u0000${path[i]}`);
    }
    return graph.edges.flatMap((e, i) => (steps.has(`${e.from}\u0000${e.to}`) ? [i] : []));
  }
  return graph.edges.flatMap((e, i) => (visited.has(e.from) && visited.has(e.to) ? [i] : []));
}

/**
 * Mermaid node ids: letters, digits and underscores only, never a keyword
 * (`end` breaks a flowchart), unique even when two step ids sanitise alike.
 */
function mermaidIds(nodes: readonly GraphNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const n of nodes) {
    const base = `s_${n.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
    used.add(id);
    ids.set(n.id, id);
  }
  return ids;
}

/** Text inside a quoted Mermaid label: quotes and markup as entity codes, one line. */
export function mermaidLabel(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;');
}

// Shapes say the step kind at a glance: a question is a rhombus, a conclusion rounded.
function mermaidShape(kind: GraphNode['kind'], label: string): string {
  switch (kind) {
    case 'ask':
      return `{"${label}"}`;
    case 'checklist':
      return `[["${label}"]]`;
    case 'decide':
      return `{{"${label}"}}`;
    case 'conclude':
      return `(["${label}"])`;
    default:
      return `["${label}"]`;
  }
}

function nodeLabel(n: GraphNode): string {
  return n.kind === 'conclude' && n.severity ? `${n.label} (${n.severity})` : n.label;
}

function endpointsKnown(e: GraphEdge, ids: Map<string, string>): boolean {
  return ids.has(e.from) && ids.has(e.to);
}

export function toMermaid(
  graph: DecisionGraph,
  visited?: readonly string[],
  paths?: readonly (readonly string[])[],
): string {
  const ids = mermaidIds(graph.nodes);
  const lines = ['flowchart TD'];
  for (const n of graph.nodes)
    lines.push(`  ${ids.get(n.id)}${mermaidShape(n.kind, mermaidLabel(nodeLabel(n)))}`);
  // Edges to unknown nodes would make Mermaid invent bare nodes; the playbook
  // validator rejects such graphs, so skipping them here only guards rendering.
  const edges = graph.edges.filter((e) => endpointsKnown(e, ids));
  for (const e of edges) {
    const label = mermaidLabel(e.label);
    lines.push(`  ${ids.get(e.from)} -->${label ? `|"${label}"|` : ''} ${ids.get(e.to)}`);
  }
  lines.push(
    '  classDef error fill:#fde2e1,stroke:#c0392b',
    '  classDef warn fill:#fff4d6,stroke:#b7791f',
    '  classDef info fill:#e3f0fb,stroke:#2b6cb0',
  );
  for (const sev of SEVERITIES) {
    const members = graph.nodes
      .filter((n) => n.kind === 'conclude' && n.severity === sev)
      .map((n) => ids.get(n.id));
    if (members.length > 0) lines.push(`  class ${members.join(',')} ${sev}`);
  }
  if (visited !== undefined || paths !== undefined) {
    const seen = new Set(visited ?? []);
    const hit = graph.nodes.filter((n) => seen.has(n.id)).map((n) => ids.get(n.id));
    lines.push('  classDef visited stroke:#1a7f37,stroke-width:3px');
    if (hit.length > 0) lines.push(`  class ${hit.join(',')} visited`);
    const filtered: DecisionGraph = { ...graph, edges };
    const taken = takenEdges(filtered, {
      ...(visited ? { visited } : {}),
      ...(paths ? { paths } : {}),
    });
    if (taken.length > 0) lines.push(`  linkStyle ${taken.join(',')} stroke:#1a7f37,stroke-width:3px`);
  }
  return lines.join('\n');
}

/** A DOT double-quoted string: backslashes and quotes escaped, newlines as \n. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const dotShape: Record<GraphNode['kind'], string> = {
  probe: 'box',
  ask: 'diamond',
  checklist: 'box3d',
  decide: 'hexagon',
  conclude: 'box, style="rounded,filled"',
};
const dotFill: Record<string, string> = { error: '#fde2e1', warn: '#fff4d6', info: '#e3f0fb' };

export function toGraphviz(
  graph: DecisionGraph,
  visited?: readonly string[],
  paths?: readonly (readonly string[])[],
): string {
  const seen = new Set(visited ?? []);
  const known = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => known.has(e.from) && known.has(e.to));
  const taken = new Set(
    visited !== undefined || paths !== undefined
      ? takenEdges({ ...graph, edges }, { ...(visited ? { visited } : {}), ...(paths ? { paths } : {}) })
      : [],
  );
  const lines = [`digraph ${dotString(graph.id)} {`, `  label=${dotString(graph.title)};`, '  labelloc=t;'];
  lines.push('  node [fontname="Helvetica"];', '  edge [fontname="Helvetica"];');
  for (const n of graph.nodes) {
    const attrs = [`label=${dotString(nodeLabel(n))}`, `shape=${dotShape[n.kind]}`];
    const fill = n.kind === 'conclude' && n.severity ? dotFill[n.severity] : undefined;
    if (fill) attrs.push(`fillcolor=${dotString(fill)}`);
    if (seen.has(n.id)) attrs.push('color="#1a7f37"', 'penwidth=3');
    lines.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  edges.forEach((e, i) => {
    const attrs = e.label ? [`label=${dotString(e.label)}`] : [];
    if (taken.has(i)) attrs.push('color="#1a7f37"', 'penwidth=3');
    lines.push(
      `  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`,
    );
  });
  lines.push('}');
  return lines.join('\n');
}
