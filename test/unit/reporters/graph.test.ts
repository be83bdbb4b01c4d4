import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { DecisionGraph } from '../../../src/playbook/graph-types.js';
import { dotString, mermaidLabel, takenEdges, toGraphviz, toMermaid } from '../../../src/reporters/graph.js';
import { unhealthyGraph } from '../../fixtures/results.js';

const awkward: DecisionGraph = {
  id: 'we"ird id',
  title: 'A "quoted" \\ title',
  start: 'end',
  nodes: [
    { id: 'end', label: 'reserved word id', kind: 'probe' },
    { id: 'a-b', label: 'a <b> & "c" | d # e `f`', kind: 'ask' },
    { id: 'a.b', label: 'collides after sanitising', kind: 'conclude', severity: 'error' },
  ],
  edges: [
    { from: 'end', to: 'a-b', label: 'status "502"\nor |504|' },
    { from: 'a-b', to: 'a.b', label: '' },
    { from: 'a-b', to: 'missing', label: 'dangling' },
  ],
};

describe('toMermaid', () => {
  it('declares every node with a safe, unique id and a quoted, escaped label', () => {
    const out = toMermaid(awkward);
    const lines = out.split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(out).toContain('s_end["reserved word id"]');
    expect(out).toContain(
      's_a_b{"a #lt;b#gt; &amp; #quot;c#quot; #124; d #35; e #96;f#96;"}'.replace('&amp;', '&'),
    );
    expect(out).toContain('s_a_b_2(["collides after sanitising (error)"])');
    expect(out).toContain('s_end -->|"status #quot;502#quot; or #124;504#124;"| s_a_b');
    expect(out).toContain('s_a_b --> s_a_b_2');
    expect(out).not.toContain('missing');
    // Every node line's label is one quoted string with no raw quote inside.
    for (const l of lines.filter((x) => /^ {2}s_\w+[[({]/.test(x))) {
      const label = /"(.*)"/.exec(l)?.[1] ?? '';
      expect(label).not.toMatch(/["<>|]/);
    }
    expect(out).not.toContain('visited');
  });

  it('highlights visited nodes with classDef/class and taken edges with linkStyle', () => {
    const paths = [
      ['hc-enabled', 'port-open', 'port-closed'],
      ['hc-enabled', 'port-open', 'host-checks', 'firewall-drops'],
    ];
    const visited = ['hc-enabled', 'port-open', 'host-checks', 'port-closed', 'firewall-drops'];
    const out = toMermaid(unhealthyGraph, visited, paths);
    expect(out).toContain('classDef visited');
    expect(out).toContain(
      'class s_hc_enabled,s_port_open,s_host_checks,s_port_closed,s_firewall_drops visited',
    );
    // Edge indices in declaration order: 0 yes, 2 unknown (same endpoints), 3 pass, 4 fail, 5 firewall.
    expect(out).toContain('linkStyle 0,2,3,4,5 ');
    expect(out).not.toMatch(/linkStyle [^\n]*\b6\b/);
  });
});

describe('takenEdges', () => {
  it('uses walks when given, else both ends visited', () => {
    const g: DecisionGraph = {
      id: 'g',
      title: 'g',
      start: 'a',
      nodes: ['a', 'b', 'c'].map((id) => ({ id, label: id, kind: 'probe' as const })),
      edges: [
        { from: 'a', to: 'b', label: '' },
        { from: 'b', to: 'c', label: '' },
        { from: 'a', to: 'c', label: '' },
      ],
    };
    expect(takenEdges(g, { visited: ['a', 'b', 'c'], paths: [['a', 'b', 'c']] })).toEqual([0, 1]);
    expect(takenEdges(g, { visited: ['a', 'b', 'c'] })).toEqual([0, 1, 2]);
  });
});

describe('toGraphviz', () => {
  it('quotes ids and labels and marks the path', () => {
    const out = toGraphviz(awkward, ['end', 'a-b'], [['end', 'a-b']]);
    expect(out.startsWith('digraph "we\\"ird id" {')).toBe(true);
    expect(out).toContain('label="A \\"quoted\\" \\\\ title"');
    expect(out).toContain(
      '"end" -> "a-b" [label="status \\"502\\"\\nor |504|", color="#1a7f37", penwidth=3];',
    );
    expect(out).toContain('"a-b" -> "a.b";');
    expect(out).not.toContain('missing');
    expect(out.trimEnd().endsWith('}')).toBe(true);
    expect(dotString('a\\"b')).toBe('"a\\\\\\"b"');
  });

  const hasDot = spawnSync('dot', ['-V']).status === 0;
  it.runIf(hasDot)('is accepted by Graphviz', () => {
    for (const g of [awkward, unhealthyGraph]) {
      const svg = execFileSync('dot', ['-Tsvg'], {
        input: toGraphviz(g, ['end']),
        timeout: 10_000,
      }).toString();
      expect(svg).toContain('<svg');
    }
  });
  if (!hasDot)
    console.log('toGraphviz: Graphviz `dot` not installed (apt-get install graphviz); syntax check skipped');
});

describe('mermaidLabel', () => {
  it('collapses whitespace and encodes what Mermaid would parse', () => {
    expect(mermaidLabel(' a\n  "b" ')).toBe('a #quot;b#quot;');
  });
});
