// Mermaid `xychart-beta` charts for markdown reports (GitHub, GitLab and most
// wikis draw them): the log summary's pictures and the run report's finding
// charts are written the same way.

function quoted(labels: string[]): string {
  return `[${labels.map((l) => `"${l.replace(/"/g, "'")}"`).join(', ')}]`;
}

/** A Mermaid `xychart-beta` chart in a fenced block. */
export function xychart(
  title: string,
  labels: string[],
  yTitle: string,
  series: { kind: 'bar' | 'line'; values: number[] }[],
): string[] {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title.replace(/"/g, "'")}"`,
    `  x-axis ${quoted(labels)}`,
    `  y-axis "${yTitle}" 0 --> ${Math.ceil(max * 1.1)}`,
    ...series.map((s) => `  ${s.kind} [${s.values.map((v) => Number(v.toFixed(3))).join(', ')}]`),
    '```',
  ];
}
