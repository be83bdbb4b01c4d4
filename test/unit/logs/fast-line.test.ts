// The fast line reader must read exactly what the strict parser reads, or step
// aside (null) so the strict parser decides: checked on the documented lines,
// on generated logs, on the reference LB's writer and on odd lines.
import { describe, expect, it } from 'vitest';
import { formatElbAccessLogLine } from '../../../src/accesslog/format.js';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { FastLineParser } from '../../../src/logs/fast-line.js';
import type { LogRecord } from '../../../src/logs/record.js';
import { DOC_LINE_200, DOC_LINE_499, generate, line, RECORD_FIELDS } from './helpers.js';
import { accessLogEntry } from '../../helpers/elb-log.js';

function pick(r: LogRecord) {
  return Object.fromEntries(RECORD_FIELDS.map((f) => [f, structuredClone(r[f])]));
}

/** Fast and strict agree on `text`: same fields, or the fast one declines. Returns whether it read it. */
function agree(text: string): boolean {
  const fast = new FastLineParser().parse(`${text}\n`, 0, text.length);
  let strict: LogRecord | undefined;
  try {
    strict = parseElbAccessLogLine(text);
  } catch {
    strict = undefined;
  }
  if (fast === null) return false;
  expect(strict, `the fast reader accepted a line the strict parser rejects: ${text}`).toBeDefined();
  expect(pick(fast)).toEqual(pick(strict as LogRecord));
  return true;
}

describe('FastLineParser', () => {
  it('reads the two documented lines as the strict parser does', () => {
    expect(agree(DOC_LINE_200)).toBe(true);
    expect(agree(DOC_LINE_499)).toBe(true);
  });

  it('reads generated logs (retries, LB answers, storms, health checks) as the strict parser does', () => {
    const text = generate([
      '--lines',
      '3000',
      '--seed',
      '7',
      '--duration',
      '1h',
      '--storm-499',
      '00:10/10m',
      '--burst-5xx',
      '00:30/10m',
      '--retry-rate',
      '0.05',
      '--lb-error-rate',
      '0.05',
      '--health-rate',
      '0.05',
    ]).toString('latin1');
    let fast = 0;
    for (const l of text.split('\n').filter(Boolean)) if (agree(l)) fast++;
    // Every generated line is plain: the fast path reads them all.
    expect(fast).toBe(3000);
  });

  it('reads what the reference LB writes, or leaves it to the strict parser', () => {
    const lines = [
      accessLogEntry(),
      accessLogEntry({
        status: 400,
        method: '-',
        host: '-',
        uri: '-',
        protocol: '-',
        upstream: [],
        requestTime: null,
      }),
      accessLogEntry({
        status: 502,
        upstream: [
          { status: null, connectTime: null, headerTime: null, responseTime: null, addr: '127.0.0.1:1' },
        ],
      }),
      accessLogEntry({
        upstream: [
          { status: null, connectTime: 0.001, headerTime: null, responseTime: 0.002, addr: '127.0.0.1:1' },
          { status: 200, connectTime: 0.001, headerTime: 0.01, responseTime: 0.012, addr: '127.0.0.1:2' },
        ],
      }),
      accessLogEntry({ userAgent: 'evil "agent" \\ with\nnewline', memberName: 'naïve' }),
      accessLogEntry({ uri: '/a b', status: 499, upstream: [], tcpinfoRtt: 1520 }),
    ].map(formatElbAccessLogLine);
    const read = lines.map(agree);
    expect(read.slice(0, 4)).toEqual([true, true, true, true]);
  });

  it('steps aside for what only the strict parser reads or rejects', () => {
    const odd = [
      line({ 5: 'ok' }),
      line({ 0: '-' }),
      line({ 11: '"200 : 404"', 15: '"10.0.1.1:80 : 10.0.1.2:80"' }),
      line({ 6: '"GET /only-two-parts"' }),
      line({ 7: '1.5' }),
      line({ 12: '"fast"' }),
      line({ 31: 'slow' }),
      line({ 4: 'no-port' }),
      line({ 0: '1e3' }),
      '203.0.113.5 - - [25/Nov/2026:08:20:00 +0800] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"',
      DOC_LINE_200.slice(0, 120),
      `${DOC_LINE_200.slice(0, 60)}"unterminated`,
    ];
    for (const l of odd) agree(l);
  });

  it('splits retries into one attempt per upstream value (FAQ 3.8)', () => {
    const l = line({
      11: '"502, 200"',
      12: '"0.001, 0.002"',
      13: '"-, 0.020"',
      14: '"0.001, 0.021"',
      15: '"10.0.1.11:8080, 10.0.1.12:8080"',
    });
    expect(agree(l)).toBe(true);
    const r = new FastLineParser().parse(l, 0, l.length);
    expect(r?.upstream).toEqual([
      { status: 502, connectTime: 0.001, headerTime: null, responseTime: 0.001, addr: '10.0.1.11:8080' },
      { status: 200, connectTime: 0.002, headerTime: 0.02, responseTime: 0.021, addr: '10.0.1.12:8080' },
    ]);
  });
});
