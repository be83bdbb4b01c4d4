// Shares against weights as a bar chart in plain text: a finding's evidence
// goes to the terminal, a markdown report (as a fenced block) and JSON alike,
// so it is ASCII and at most 64 columns (it fits 80 under the report's
// indentation). `#` is the observed share, `|` where the weight puts it.
import { bar } from '../../logs/render/charts.js';

export interface ShareRow {
  name: string;
  count: number;
  share: number;
  expectedShare: number;
}

const BAR_WIDTH = 30;
const NAME_WIDTH = 12;

const pct = (v: number) => `${Math.round(v * 100)}%`.padStart(4);

function fitName(name: string): string {
  return name.length > NAME_WIDTH ? `${name.slice(0, NAME_WIDTH - 1)}~` : name.padEnd(NAME_WIDTH);
}

export function shareChart(rows: readonly ShareRow[]): string {
  const max = Math.max(0.0001, ...rows.map((r) => Math.max(r.share, r.expectedShare)));
  const lines = [
    `${'member'.padEnd(NAME_WIDTH)} ${'n'.padStart(3)}  ${'got'.padStart(4)}  ${'want'.padStart(4)}  # got, | where the weight puts it`,
  ];
  for (const r of rows) {
    const cells = bar(r.share, max, BAR_WIDTH, false).padEnd(BAR_WIDTH + 1);
    const at = Math.min(BAR_WIDTH, Math.round((r.expectedShare / max) * BAR_WIDTH));
    const drawn = r.expectedShare > 0 ? `${cells.slice(0, at)}|${cells.slice(at + 1)}` : cells;
    lines.push(
      `${fitName(r.name)} ${String(r.count).padStart(3)}  ${pct(r.share)}  ${pct(r.expectedShare)}  ${drawn.trimEnd()}`,
    );
  }
  return lines.join('\n');
}
