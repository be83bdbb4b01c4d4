// A finding's chart in the terminal: every line fits the width asked for, in
// Unicode blocks with colour and plain ASCII without, the reference drawn as a
// marker where it falls, and the numbers printed beside each bar.
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { Chart } from '../../../src/engine/result.js';
import { chartValue, renderChartText } from '../../../src/reporters/chart-text.js';

const shares: Chart = {
  kind: 'bars',
  title: 'Shares of new connections against the weights',
  unit: 'share',
  valueLabel: 'share',
  referenceLabel: 'weight',
  bars: [
    { label: 'be1', value: 0.62, reference: 0.5 },
    { label: 'be2', value: 0.3, reference: 0.25 },
    { label: 'a-member-with-a-name-longer-than-any-column', value: 0.08, reference: 0.25 },
  ],
};

const counts: Chart = {
  kind: 'bars',
  title: 'Requests on one kept-alive connection, per member',
  unit: 'count',
  valueLabel: 'requests',
  bars: [
    { label: 'be1', value: 1200 },
    { label: 'be2', value: 0 },
  ],
};

/** The row of a bar, without colour codes. */
const row = (lines: string[], label: string) =>
  lines.map((l) => stripVTControlCharacters(l)).find((l) => l.trimStart().startsWith(label)) ?? '';

describe('renderChartText', () => {
  for (const width of [40, 80, 120])
    for (const color of [false, true])
      it(`fits ${width} columns, colour ${color ? 'on' : 'off'}`, () => {
        for (const chart of [shares, counts]) {
          const lines = renderChartText(chart, { width, color });
          expect(lines.length).toBeGreaterThanOrEqual(chart.bars.length + 2);
          for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
          // Colour on: Unicode blocks and the │ marker; off: ASCII only, so a pipe or a file reads it.
          const text = stripVTControlCharacters(lines.join('\n'));
          if (color) expect(text).toMatch(/█/);
          else expect(text).toMatch(/^[\x20-\x7e\n]*$/);
        }
      });

  it('wider terminals get longer bars, up to a limit', () => {
    const bar = (width: number) =>
      row(renderChartText(shares, { width, color: false }), 'be1').replace(/^.*% +/, '');
    expect(bar(40).length).toBeLessThan(bar(80).length);
    expect(bar(80).length).toBeLessThan(bar(120).length);
    expect(bar(200).length).toBe(bar(300).length);
  });

  it('draws the reference where it falls: inside a bar that is over, past the end of one that is under', () => {
    const lines = renderChartText(shares, { width: 80, color: false });
    // be1 got 62% against 50%: the marker sits inside its bar, the bar goes on past it.
    expect(row(lines, 'be1')).toMatch(/be1 +62% +50% +#+\|#+$/);
    // The longest label gets cut; its 8% bar ends well before its 25% marker.
    expect(row(lines, 'a-member')).toMatch(/^ {6}a-member-with-a~ +8% +25% +#+ +\|$/);
    // The marker is at reference / max of the bar's cells: 0.5 / 0.62 of be1's bar width.
    const be1 = row(lines, 'be1');
    const cells = be1.slice(be1.search(/#/));
    const full = cells.length; // be1 is the longest bar: its cells are the bar width
    expect(cells.indexOf('|')).toBe(Math.round((0.5 / 0.62) * full));
  });

  it('prints the numbers in the unit, with the column names over them', () => {
    const lines = renderChartText(shares, { width: 80, color: false });
    expect(stripVTControlCharacters(lines[0]!)).toBe(
      '    chart Shares of new connections against the weights (bars: share; | weight)',
    );
    expect(stripVTControlCharacters(lines[1]!)).toMatch(/^ +share {2}weight$/);
    const plain = renderChartText(counts, { width: 80, color: false });
    // Without a marker, the column name says it all: no legend.
    expect(plain[0]).toBe('    chart Requests on one kept-alive connection, per member');
    expect(row(plain, 'be1')).toMatch(/be1 +1,200 +#{50}$/);
    // A zero draws no bar, and no marker without a reference.
    expect(row(plain, 'be2')).toMatch(/be2 +0$/);
    expect(chartValue(35.24, 'ms')).toBe('35 ms');
    expect(chartValue(2.46, 'ms')).toBe('2.5 ms');
  });

  it('colour on: Unicode partial blocks and the │ marker', () => {
    const lines = renderChartText(shares, { width: 80, color: true });
    expect(row(lines, 'be2')).toMatch(/be2 +30% +25% +█+[▏▎▍▌▋▊▉]?│[█▏▎▍▌▋▊▉]*$/);
    expect(row(lines, 'a-member')).toMatch(/a-member-with-a… +8% +25% +█+[▏▎▍▌▋▊▉]? +│$/);
  });

  it('wide characters in member names take their two columns', () => {
    const chart: Chart = {
      ...counts,
      bars: [
        { label: '上海-后端服务器-一号', value: 10 },
        { label: 'be2', value: 4 },
      ],
    };
    for (const width of [40, 80])
      for (const color of [false, true])
        for (const line of renderChartText(chart, { width, color }))
          expect(stringWidth(line), line).toBeLessThanOrEqual(width);
    const lines = renderChartText(chart, { width: 40, color: false });
    const numberEnds = (r: string) =>
      stringWidth(r.slice(0, r.search(/\d+ {2}#/) + r.match(/\d+ {2}#/)![0].length));
    // Cut to the same columns as the ASCII name under it, so the numbers line up.
    expect(row(lines, '上海')).toMatch(/^ {6}上海-后端~ +10 {2}#+$/);
    expect(numberEnds(row(lines, '上海'))).toBe(numberEnds(row(lines, 'be2')));
  });

  it('a chart with no bars draws nothing', () => {
    expect(renderChartText({ ...counts, bars: [] }, { width: 80, color: false })).toEqual([]);
  });
});
