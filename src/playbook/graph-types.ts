// A playbook as a plain graph, for `show --graph` and the markdown report's
// Mermaid flowchart. Built from a playbook by src/playbook/graph.ts.

export interface GraphNode {
  id: string;
  label: string;
  kind: 'probe' | 'ask' | 'checklist' | 'conclude';
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
