// A finding's chart in the terminal (and in JUnit's plain text): one row per
// bar with its numbers, then the bar, the reference (a weight's share) drawn
// as a marker across it. Unicode blocks when colour is on, as `lbdoctor logs`
// draws them; plain ASCII otherwise, so a report piped to a file or a ticket
// still reads. Every line fits `width`.
import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import type { Chart, ChartUnit } from '../engine/result.js';
import { bar } from '../charts/terminal.js';
import { hang } from './wrap.js';

export interface ChartTextOptions {
  width: number;
  /** Colour and Unicode blocks; plain ASCII when false. */
  color: boolean;
  /** Columns before the chart (it sits under a finding). */
  indent?: number;
}

/** A number as the chart's unit reads: 62%, 1,204, 35 ms. */
export function chartValue(v: number, unit: ChartUnit): string {
  if (unit === 'share') return `${Math.round(v * 100)}%`;
  if (unit === 'ms') return `${v < 10 ? Number(v.toFixed(1)) : Math.round(v)} ms`;
  return Math.round(v).toLocaleString('en-US');
}

/** Longest label kept; longer ones are cut (the JSON report has them whole). */
const MAX_LABEL = 16;
/** Below this, a bar no longer tells shares apart: labels give up room first. */
const MIN_BAR = 10;
/** Longer bars read no better and leave a wide terminal's eye travelling. */
const MAX_BAR = 50;
const GAP = 2;

/** `s` in exactly `n` columns: padded, or cut with a mark (wide characters count twice). */
function cutTo(s: string, n: number, unicode: boolean): string {
  const w = stringWidth(s);
  if (w <= n) return s + ' '.repeat(n - w);
  let kept = '';
  for (const ch of s) {
    if (stringWidth(kept + ch) > n - 1) break;
    kept += ch;
  }
  return `${kept}${unicode ? '…' : '~'}${' '.repeat(n - 1 - stringWidth(kept))}`;
}

export function renderChartText(chart: Chart, options: ChartTextOptions): string[] {
  if (chart.bars.length === 0) return [];
  const unicode = options.color;
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const indent = options.indent ?? 4;
  const width = Math.max(40, options.width);
  const marker = unicode ? '│' : '|';
  const hasRef = chart.referenceLabel !== undefined;

  const values = chart.bars.map((b) => chartValue(b.value, chart.unit));
  const refs = chart.bars.map((b) => (b.reference === undefined ? '' : chartValue(b.reference, chart.unit)));
  const column = (label: string, cells: string[]) =>
    Math.max(...cells.map((s) => s.length), Math.min(label.length, 8));
  const vw = column(chart.valueLabel, values);
  const rw = hasRef ? column(chart.referenceLabel ?? '', refs) : 0;
  const numbers = vw + (hasRef ? GAP + rw : 0);
  const rowIndent = indent + 2;
  // Room for labels: what is left once the numbers and a readable bar are placed.
  const longest = Math.max(...chart.bars.map((b) => stringWidth(b.label)));
  const labelWidth = Math.max(
    4,
    Math.min(longest, MAX_LABEL, width - rowIndent - GAP - numbers - GAP - MIN_BAR - 1),
  );
  const barWidth = Math.max(
    4,
    Math.min(MAX_BAR, width - rowIndent - labelWidth - GAP - numbers - GAP - (hasRef ? 1 : 0)),
  );
  const max = Math.max(0, ...chart.bars.flatMap((b) => [b.value, b.reference ?? 0]));

  // The column names say what the numbers are; only the marker needs a word.
  const legend = hasRef ? ` ${c.dim(`(bars: ${chart.valueLabel}; ${marker} ${chart.referenceLabel})`)}` : '';
  const lines = hang(`${' '.repeat(indent)}${c.bold('chart')} `, `${chart.title}${legend}`, width);
  const pad = ' '.repeat(rowIndent);
  // Column names over the numbers, right-aligned as the numbers are.
  const name = (text: string, n: number) => cutTo(text, n, unicode).trimEnd().padStart(n);
  const gap = ' '.repeat(GAP);
  const header = `${' '.repeat(labelWidth)}${gap}${name(chart.valueLabel, vw)}${hasRef ? `${gap}${name(chart.referenceLabel ?? '', rw)}` : ''}`;
  lines.push(`${pad}${c.dim(header)}`);
  chart.bars.forEach((b, i) => {
    const numbersText = `${values[i]!.padStart(vw)}${hasRef ? `${gap}${refs[i]!.padStart(rw)}` : ''}`;
    const head = `${pad}${cutTo(b.label, labelWidth, unicode)}${gap}${numbersText}${gap}`;
    const cells = bar(b.value, max, barWidth, unicode).padEnd(barWidth + 1);
    if (b.reference === undefined || max <= 0) {
      lines.push(`${head}${c.cyan(cells.trimEnd())}`.trimEnd());
      return;
    }
    // The marker takes the cell where the reference ends: inside the bar when
    // the member got more than its weight asks for, past its end when less.
    const at = Math.min(barWidth, Math.round((b.reference / max) * barWidth));
    const before = cells.slice(0, at);
    const after = cells.slice(at + 1).trimEnd();
    lines.push(`${head}${c.cyan(before)}${c.yellow.bold(marker)}${c.cyan(after)}`);
  });
  return lines;
}
