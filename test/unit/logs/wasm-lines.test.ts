// The WebAssembly line reader must give the summary exactly what the
// JavaScript reader gives it, line for line: the same records (every field
// the summary reads), the same blank and bad lines, the same samples, the same
// place to stop in a range. Both read the same bytes through the same
// splitter here; only the reader differs. Its path keys must be pathKey()'s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatElbAccessLogLine } from '../../../src/accesslog/format.js';
import { MAX_PATH, pathKey } from '../../../src/logs/paths.js';
import type { LogRecord } from '../../../src/logs/record.js';
import { ByteLineSplitter, LineScanner } from '../../../src/logs/scan.js';
import type { LogSummariser } from '../../../src/logs/summarise.js';
import { wasmLines, wasmProblem } from '../../../src/logs/wasm-lines.js';
import { DOC_LINE_200, DOC_LINE_499, generate, line, manyKeyLines, RECORD_FIELDS } from './helpers.js';
import { accessLogEntry } from '../../helpers/elb-log.js';

/** What the summary reads of a record, the path key the readers work out included. */
const FIELDS = [...RECORD_FIELDS, 'pathKey', 'pathExact'] as const;

/** Everything a scanner hands the summary and counts, reading `bytes` as the splitter cuts them. */
function read(reader: 'js' | 'wasm', bytes: Buffer, options: { stopAt?: number; piece?: number } = {}) {
  const records: string[] = [];
  const summariser = {
    add(r: LogRecord) {
      records.push(JSON.stringify(FIELDS.map((f) => r[f] ?? null)));
    },
  } as unknown as LogSummariser;
  const scanner = new LineScanner(summariser, 'f.log', { reader });
  expect(scanner.usesWasm, wasmProblem()).toBe(reader === 'wasm');
  const splitter = new ByteLineSplitter(scanner, { stopAt: options.stopAt ?? Number.POSITIVE_INFINITY });
  const piece = options.piece ?? bytes.length;
  for (let i = 0; i < bytes.length && !splitter.done; i += piece) splitter.push(bytes.subarray(i, i + piece));
  splitter.end();
  const { lines, blank, bad, samples } = scanner;
  expect(scanner.wasmFault).toBeUndefined();
  return { records, lines, blank, bad, samples };
}

function same(text: string | Buffer, options: { stopAt?: number; piece?: number } = {}) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const js = read('js', bytes, options);
  const wasm = read('wasm', bytes, options);
  expect(wasm.lines).toBe(js.lines);
  for (let i = 0; i < js.records.length; i++) expect(wasm.records[i], `record ${i}`).toBe(js.records[i]);
  expect(wasm).toEqual(js);
  return js;
}

describe('the WebAssembly line reader', () => {
  it('is built and loads (npm test builds it first)', () => {
    expect(wasmLines(), wasmProblem()).not.toBeNull();
  });

  it('reads generated logs as the JavaScript reader does: retries, LB answers, storms, health checks, bad lines', () => {
    const text = generate([
      '--lines',
      '4000',
      '--seed',
      '21',
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
      '--bad-lines',
      '7',
    ]);
    const r = same(text);
    expect(r.records.length).toBe(4000 - 7);
    expect(r.bad).toBe(7);
    // Read in pieces that cut lines anywhere, and stopping inside the log (a worker's range).
    same(text, { piece: 997 });
    same(text, { stopAt: 200_000, piece: 4096 });
  });

  it('gives a string the first time it is read even when a line the JavaScript reader read named it first', () => {
    // Paths, members and agents first seen on lines that go to the JavaScript reader
    // (a retry, an escape), then on lines the WebAssembly reader reads.
    const retried = line({
      6: '"GET http://a/first-on-retry/7 HTTP/1.1"',
      11: '"502, 200"',
      12: '"0.001, 0.002"',
      13: '"-, 0.020"',
      14: '"0.001, 0.021"',
      15: '"10.9.9.9:80, 10.9.9.8:80"',
      16: '"agent-first-on-retry"',
      23: '"member-first-on-retry"',
    });
    const escaped = line({ 6: '"GET http://a/escaped\\x22 HTTP/1.1"', 16: '"agent-escaped"' });
    const plain = line({
      6: '"GET http://a/first-on-retry/8 HTTP/1.1"',
      15: '"10.9.9.8:80"',
      16: '"agent-first-on-retry"',
      23: '"member-first-on-retry"',
    });
    const r = same([retried, escaped, plain, plain, escaped, plain].join('\n'));
    expect(JSON.parse(r.records[2]!)).toContain('/first-on-retry/{id}');
    expect(JSON.parse(r.records[2]!)).toContain('agent-first-on-retry');
  });

  it('reads many members, paths and agents (more than its tables hold) as the JavaScript reader does', () => {
    const lines = manyKeyLines({ lines: 12_000, members: 6000, paths: 50_000, seed: 5 });
    same(`${lines.join('\n')}\n`);
  });

  it('leaves odd lines to the JavaScript reader and agrees on what it reads', () => {
    const odd = [
      DOC_LINE_200,
      DOC_LINE_499,
      `${DOC_LINE_200}\r`,
      `${DOC_LINE_200}\r\r`,
      '',
      '   ',
      '\r',
      line({ 5: 'ok' }),
      line({ 0: '-' }),
      line({ 0: '1e3' }),
      line({ 0: '.' }),
      line({ 0: '1.' }),
      line({ 0: '.5' }),
      line({ 0: '1764030000125.12345' }),
      line({ 0: '12345678901234567' }),
      line({ 5: '2000000000000000' }),
      line({ 5: '200.0' }),
      line({ 5: '200.5' }),
      line({ 11: '"200 : 404"', 15: '"10.0.1.1:80 : 10.0.1.2:80"' }),
      line({ 15: '"10.0.1.1:80 x"' }),
      line({ 6: '"GET /only-two-parts"' }),
      line({ 6: '"GET  /two-spaces HTTP/1.1"' }),
      line({ 6: '"GET /a b HTTP/1.1"' }),
      line({ 6: '"- - -"' }),
      line({ 6: '"GET http://host HTTP/1.1"' }),
      line({ 6: '"GET https://host:8443/p/1?q=2 HTTP/2.0"' }),
      line({ 6: '"GET 9http://host/p HTTP/1.1"' }),
      line({ 6: '"GET h+t.t-p://host/p HTTP/1.1"' }),
      line({ 6: `"GET /${'a'.repeat(MAX_PATH + 5)}/1 HTTP/1.1"` }),
      line({ 6: `"GET /${'a'.repeat(300)} HTTP/1.1"` }),
      ...['POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND', 'GETX', 'G', 'get'].map((m) =>
        line({ 6: `"${m} /m HTTP/1.1"` }),
      ),
      line({ 7: '1.5' }),
      line({ 7: '1.0' }),
      line({ 8: '-' }),
      line({ 9: '' }),
      line({ 10: '-' }),
      line({ 10: 'x' }),
      line({ 12: '"fast"' }),
      line({ 11: '"-"', 12: '"-"', 13: '"-"', 14: '"-"', 15: '"-"' }),
      line({ 11: '"-"', 12: '"0.001"', 13: '"-"', 14: '"-"', 15: '"-"' }),
      line({ 11: '""', 12: '""', 13: '""', 14: '""', 15: '""' }),
      line({ 16: '"-"', 23: '"-"' }),
      line({ 16: '""', 23: '""' }),
      line({ 16: `"${'u'.repeat(400)}"` }),
      line({ 31: 'slow' }),
      line({ 31: '-' }),
      line({ 31: '15.5' }),
      line({ 4: 'no-port' }),
      line({ 4: '[2001:db8::1]:443' }),
      line({ 4: '203.0.113.7:' }),
      line({ 25: 'x' }),
      line({ 2: '2026-11-25T08:20:00+08:00' }),
      line({ 2: '[2026-11-25T08:20:00+08:00]x' }),
      `${DOC_LINE_200} extra`,
      DOC_LINE_200.replace(/ /g, '  '),
      '203.0.113.5 - - [25/Nov/2026:08:20:00 +0800] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"',
      DOC_LINE_200.slice(0, 120),
      `${DOC_LINE_200.slice(0, 60)}"unterminated`,
      formatElbAccessLogLine(
        accessLogEntry({ userAgent: 'evil "agent" \\ with\nnewline', memberName: 'naïve' }),
      ),
      formatElbAccessLogLine(accessLogEntry({ uri: '/a b', status: 499, upstream: [], tcpinfoRtt: 1520 })),
      formatElbAccessLogLine(
        accessLogEntry({ method: '-', host: '-', uri: '-', protocol: '-', upstream: [] }),
      ),
    ];
    same(odd.join('\n'));
    // Each alone too: the last line of a chunk has no newline.
    for (const l of odd) same(l);
  });

  it('hands the rest of a chunk to JavaScript if the module ever faults, and says so', () => {
    const text = generate(['--lines', '300', '--seed', '4']);
    const records: string[] = [];
    const summariser = {
      add: (r: LogRecord) => records.push(JSON.stringify(FIELDS.map((f) => r[f] ?? null))),
    } as unknown as LogSummariser;
    const scanner = new LineScanner(summariser, 'f.log');
    // A module that reads the first chunk, then traps on the second.
    const real = wasmLines()!;
    let calls = 0;
    const faulty = Object.create(real) as typeof real;
    faulty.scan = (length: number, stopAt: number, from: number) => {
      if (++calls > 1) throw new Error('RuntimeError: memory access out of bounds');
      return real.scan(length, stopAt, from);
    };
    (scanner as unknown as { wasm: typeof real }).wasm = faulty;
    const splitter = new ByteLineSplitter(scanner);
    splitter.push(text);
    splitter.end();
    expect(calls).toBe(2);
    expect(scanner.wasmFault).toMatch(/out of bounds/);
    expect(scanner.usesWasm).toBe(false);
    expect(records).toEqual(read('js', text).records);
  });

  it('agrees on lines with any field changed (fast-check)', () => {
    const fieldText = fc.oneof(
      fc.constantFrom('-', '', '0', '0.001', '200', '1.5', '10.0.1.1:80', '"-"', '"x y"', '[t]', 'a:b'),
      fc.string({
        unit: fc.constantFrom('0', '9', '.', '-', ':', ' ', '"', ',', '/', '?', 'a', 'F', '\\', '[', ']'),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 34 }), fieldText), { maxLength: 4 }),
        fc.constantFrom(DOC_LINE_200, DOC_LINE_499),
        (changes, base) => {
          const over = Object.fromEntries(changes);
          const text = [line(over, base), base, line(over, base)].join('\n');
          same(text);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('its path keys', () => {
  it('are pathKey() of the URI, and exact when the key is the path itself', () => {
    const w = wasmLines()!;
    const uris = [
      '/',
      '',
      '/cart?id=7',
      '/api/orders/12345',
      '/u/5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa/cart',
      '/h/0123456789abcde',
      '/h/0123456789abcdef',
      '//double//slash/7',
      '?only=query',
      `/${'a'.repeat(MAX_PATH + 20)}`,
      `/${'a'.repeat(MAX_PATH - 1)}?q`,
      `/${'1/'.repeat(MAX_PATH)}`,
    ];
    const check = (uri: string) => {
      const { key, exact } = w.pathKeyOf(uri);
      const want = pathKey(uri);
      expect(key, uri).toBe(want);
      const q = uri.indexOf('?');
      expect(exact, uri).toBe(want === (q < 0 ? uri : uri.slice(0, q)));
    };
    for (const uri of uris) check(uri);
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('/', '?', '1', '0', 'a', 'f', 'G', '-', '{', '\xe9'),
          maxLength: 300,
        }),
        check,
      ),
      { numRuns: 2000 },
    );
  });
});
