// A conclusion's `chart:` turned into data for the finding: one bar per item
// of the list the declaration names, read from the walk's context. Reporters
// draw it; the JSON report carries it as numbers.
import type { ChartSpec } from '../playbook/schema.js';
import type { Chart, ChartBar } from './result.js';
import { getPath, renderValue } from './template.js';

/**
 * The chart, or undefined when the list is missing (a fallback path that did
 * not run) or holds no item with a number to draw: an empty chart says nothing.
 */
export function buildChart(
  spec: ChartSpec,
  ctx: unknown,
  render: (text: string) => string,
): Chart | undefined {
  const list = renderValue(spec.bars, ctx);
  if (!Array.isArray(list)) return undefined;
  const bars: ChartBar[] = [];
  for (const item of list) {
    const value = numberOf(getPath(item, spec.value));
    if (value === undefined) continue;
    const reference = spec.reference ? numberOf(getPath(item, spec.reference)) : undefined;
    const label = getPath(item, spec.label);
    bars.push({
      label: typeof label === 'string' || typeof label === 'number' ? String(label) : `#${bars.length + 1}`,
      value,
      ...(reference !== undefined ? { reference } : {}),
    });
  }
  if (bars.length === 0) return undefined;
  const withReference = spec.reference !== undefined && bars.some((b) => b.reference !== undefined);
  return {
    kind: 'bars',
    title: render(spec.title),
    unit: spec.unit,
    valueLabel: spec.value_label ?? spec.value,
    ...(withReference ? { referenceLabel: spec.reference_label ?? spec.reference } : {}),
    bars,
  };
}

function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
