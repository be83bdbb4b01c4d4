// A playbook as a plain graph, for `show --graph` and the markdown report's
// Mermaid flowchart. Built from a playbook by src/playbook/graph.ts.

import type { StepKind } from '../model/vocabulary.js';

export interface GraphNode {
  id: string;
  label: string;
  kind: StepKind;
  /** For conclude nodes. */
  severity?: 'error' | 'warn' | 'info';
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The branch condition in words: "fail", "status 502", "unknown". */
  label: string;
}

export interface DecisionGraph {
  id: string;
  title: string;
  start: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}
