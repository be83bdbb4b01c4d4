// Terminal pictures, shared by the log summary and the run report's finding
// charts: sparklines and horizontal bars, in Unicode blocks on a colour
// terminal and in plain ASCII otherwise (a pipe, a file, NO_COLOR), so a
// report attached to a ticket still reads.

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_RAMP = ['.', ':', '-', '=', '+', '*', '#', '@'];
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** Sums neighbours so that at most `columns` values remain; `per` is how many went into each. */
export function resample(values: readonly number[], columns: number): { values: number[]; per: number } {
  const per = Math.max(1, Math.ceil(values.length / Math.max(1, columns)));
  if (per === 1) return { values: [...values], per };
  const out: number[] = [];
  for (let i = 0; i < values.length; i += per) {
    let s = 0;
    for (let j = i; j < Math.min(values.length, i + per); j++) s += values[j]!;
    out.push(s);
  }
  return { values: out, per };
}

/**
 * One character per value, scaled to the row's own maximum. Zero is a space
 * (nothing happened), any non-zero value at least the lowest mark.
 */
export function sparkline(values: readonly number[], unicode: boolean, max = Math.max(0, ...values)): string {
  const ramp = unicode ? BLOCKS : ASCII_RAMP;
  return values
    .map((v) => {
      if (v <= 0 || max <= 0) return ' ';
      const k = Math.min(ramp.length - 1, Math.floor((v / max) * ramp.length - 1e-9));
      return ramp[Math.max(0, k)]!;
    })
    .join('');
}

/** A bar `width` characters long at `max`; at least a sliver for any non-zero value. */
export function bar(value: number, max: number, width: number, unicode: boolean): string {
  if (value <= 0 || max <= 0 || width <= 0) return '';
  const cells = (value / max) * width;
  if (!unicode) return '#'.repeat(Math.max(1, Math.round(cells)));
  const full = Math.floor(cells);
  const part = EIGHTHS[Math.round((cells - full) * 8) % 8] ?? '';
  const text = '█'.repeat(full) + part;
  return text === '' ? '▏' : text;
}
