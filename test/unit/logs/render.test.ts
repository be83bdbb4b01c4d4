// The log reports: text fits the width and is plain ASCII without colour;
// markdown has the same tables and Mermaid xychart-beta charts.
import { describe, expect, it } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { renderLogsMarkdown } from '../../../src/logs/render/markdown.js';
import { renderLogsText } from '../../../src/logs/render/text.js';
import { LogSummariser } from '../../../src/logs/summarise.js';
import { generate } from './helpers.js';

const summary = (() => {
  const s = new LogSummariser();
  const text = generate([
    '--lines',
    '5000',
    '--seed',
    '4',
    '--storm-499',
    '10:00/30m',
    '--burst-5xx',
    '15:00/30m',
    '--bad-lines',
    '0',
  ]);
  text
    .toString('latin1')
    .split('\n')
    .filter(Boolean)
    .forEach((l, i) => {
      s.add(parseElbAccessLogLine(l, i + 1));
    });
  return s.finish();
})();

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const strip = (t: string) => t.replace(ANSI, '');

describe('renderLogsText', () => {
  it.each([60, 80, 132])('fits %i columns, plain ASCII without colour', (width) => {
    const text = renderLogsText(summary, { width, color: false });
    for (const l of text.split('\n')) {
      expect(l.length, l).toBeLessThanOrEqual(width);
      expect(l, l).toMatch(/^[\x20-\x7e]*$/);
    }
    expect(text).toContain('499 burst 10:');
    expect(text).toContain('5xx burst 15:');
    expect(text).toMatch(/client-closed\s+[\d,]+\s+LB/);
  });

  it('draws Unicode blocks and colour on a terminal, still within the width', () => {
    const text = renderLogsText(summary, { width: 100, color: true });
    expect(text).toContain('\x1b[');
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]/);
    for (const l of strip(text).split('\n')) expect(l.length, l).toBeLessThanOrEqual(100);
  });
});

describe('renderLogsMarkdown', () => {
  it('has the tables and Mermaid charts: status over time, latency histogram, members', () => {
    const md = renderLogsMarkdown(summary);
    expect(md.match(/```mermaid\nxychart-beta/g)).toHaveLength(4);
    expect(md).toContain('| code | lines | share | load balancer | backend |');
    expect(md).toContain('`clients-gave-up-before-backend-answered`');
    expect(md).toMatch(/x-axis \["00:00", /);
    expect(md).toContain('request_time histogram');
  });
});
