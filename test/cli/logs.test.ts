// `lbdoctor logs` as a user runs it: the built CLI on generated logs (files,
// gzip, stdin), its formats, exit codes, worker threads agreeing with one
// thread, and startup loading nothing of it until `logs` runs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseElbAccessLogLine } from '../../src/accesslog/parse.js';
import { byteRanges, rangeBytesFor } from '../../src/logs/read.js';
import { BIN, lbdoctor } from '../helpers/cli.js';
import { DOC_LINE_200, DOC_LINE_499, generate, manyKeyLines } from '../unit/logs/helpers.js';

let dir: string;
let small: string;
let big: string;
let manyKeys: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-logs-cli-'));
  small = join(dir, 'access.log');
  await writeFile(
    small,
    generate([
      '--lines',
      '3000',
      '--seed',
      '2',
      '--storm-499',
      '12:00/30m',
      '--burst-5xx',
      '15:00/30m',
      '--bad-lines',
      '2',
    ]),
  );
  // Big enough (> 4 MiB) to be cut into ranges for worker threads.
  big = join(dir, 'big.log');
  await writeFile(
    big,
    generate(['--size', '6M', '--seed', '8', '--storm-499', '09:00/20m', '--bad-lines', '3']),
  );
  // More members (6,000) and paths (> 10,000) than the summary tracks, over 4 MiB: ranges for workers.
  manyKeys = join(dir, 'many-keys.log');
  await writeFile(
    manyKeys,
    `${manyKeyLines({ size: '6M', members: 6000, paths: 5_000_000, seed: 11 }).join('\n')}\n`,
    'latin1',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lbdoctor logs', () => {
  it('prints a plain text report when piped: ASCII, 80 columns, findings and bad lines with file:line', async () => {
    const r = await lbdoctor(['logs', small]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const l of r.stdout.split('\n')) {
      expect(l.length, l).toBeLessThanOrEqual(80);
      expect(l, l).toMatch(/^[\x20-\x7e]*$/);
    }
    expect(r.stdout).toContain('lbdoctor logs: 2,998 requests in 1 file');
    expect(r.stdout).toContain('2 bad lines skipped');
    expect(r.stdout).toMatch(new RegExp(`${small.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ `));
    expect(r.stdout).toContain('[clients-gave-up-before-backend-answered]');
    expect(r.stdout).toMatch(/499 burst (11-25 )?1[12]:\d\d-12:\d\d/);
    expect(r.stdout).toContain('OVER TIME');
  });

  it('prints the versioned JSON summary', async () => {
    const r = await lbdoctor(['logs', small, '--format', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({
      kind: 'lbdoctor.logs',
      version: 1,
      lines: { total: 3000, records: 2998, bad: 2 },
    });
    expect(s.badLines.samples).toHaveLength(2);
    expect(s.findings.map((f: { id: string }) => f.id)).toContain('burst-5xx');
  });

  it('prints markdown with Mermaid charts', async () => {
    const r = await lbdoctor(['logs', small, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Access-log summary/);
    expect(r.stdout).toContain('xychart-beta');
  });

  it('reads stdin with -, gzip or not', async () => {
    const text = `${DOC_LINE_200}\n${DOC_LINE_499}\n`;
    const plain = await lbdoctor(['logs', '-', '--format', 'json'], { input: text });
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).clientClosed.count).toBe(1);
    const gz = join(dir, 'stdin.gz');
    await writeFile(gz, gzipSync(text));
    const r = await execa('sh', ['-c', `node "${BIN}" logs - --format json < "${gz}"`], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).files[0]).toMatchObject({ name: '-', compression: 'gzip', records: 2 });
  });

  it('gives the same summary with worker threads as with one thread', async () => {
    const one = await lbdoctor(['logs', big, '--format', 'json', '--jobs', '1']);
    const two = await lbdoctor(['logs', big, '--format', 'json', '--jobs', '2']);
    // The same bytes as a stream, read on the main thread.
    const piped = await lbdoctor(['logs', '-', '--format', 'json'], { input: await readFile(big) });
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(piped.code).toBe(0);
    const a = JSON.parse(one.stdout);
    expect(a.lines.bad).toBe(3);
    expect(JSON.parse(two.stdout)).toEqual(a);
    const p = JSON.parse(piped.stdout);
    const named = (s: typeof a) => ({
      ...s,
      files: s.files.map((f: { name: string }) => ({ ...f, name: 'big' })),
      badLines: { ...s.badLines, samples: s.badLines.samples.map((x: object) => ({ ...x, file: 'big' })) },
    });
    expect(named(p)).toEqual(named(a));
    // Line numbers of bad lines are exact across ranges.
    const lines = (await readFile(big, 'latin1')).split('\n');
    // A bad line's number points at a line the strict parser rejects, and the next one reads.
    expect(a.badLines.samples).toHaveLength(3);
    for (const sample of a.badLines.samples) {
      expect(() => parseElbAccessLogLine(lines[sample.line - 1] ?? '')).toThrow(sample.message);
      expect(() => parseElbAccessLogLine(lines[sample.line] ?? '')).not.toThrow();
    }
  });

  it('prints byte for byte the same JSON and text with 1, 2 and 3 workers when members and paths overflow', async () => {
    const out: Record<string, string> = {};
    for (const [format, jobs] of [
      ['json', 1],
      ['json', 2],
      ['json', 3],
      ['text', 1],
      ['text', 3],
    ] as const) {
      const r = await lbdoctor(['logs', manyKeys, '--format', format, '--jobs', String(jobs)]);
      expect(r.code, r.stderr).toBe(0);
      out[`${format}${jobs}`] = r.stdout;
    }
    const s = JSON.parse(out.json1!);
    // The tables overflowed (twice the caps are tracked) and kept their bounds.
    expect(s.members.truncated).toBe(true);
    expect(s.members.distinct).toBeGreaterThan(4000);
    expect(s.members.list.length).toBe(2001);
    expect(s.paths.truncated).toBe(true);
    expect(s.paths.distinct).toBeGreaterThan(10_000);
    expect(s.retries.routes).toHaveLength(10);
    expect(out.json2 === out.json1, 'json, 2 workers').toBe(true);
    expect(out.json3 === out.json1, 'json, 3 workers').toBe(true);
    expect(out.text3 === out.text1, 'text, 3 workers').toBe(true);
  });

  it('prints the same JSON with 1 and 3 workers for a plain file and a gzip one (workers finish in any order)', async () => {
    const gz = join(dir, 'many-keys.log.gz');
    await writeFile(gz, gzipSync(await readFile(manyKeys)));
    const one = await lbdoctor(['logs', gz, manyKeys, '--format', 'json', '--jobs', '1']);
    const three = await lbdoctor(['logs', manyKeys, gz, '--format', 'json', '--jobs', '3']);
    expect(one.code, one.stderr).toBe(0);
    expect(three.code, three.stderr).toBe(0);
    // The files are listed in the order given; everything else is the same.
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(three.stdout);
    expect(b.files).toEqual([a.files[1], a.files[0]]);
    expect(JSON.stringify({ ...b, files: a.files })).toBe(JSON.stringify(a));
  });

  it('counts a bad line cut by a range boundary once, at its line, with 1, 2 and 3 workers', async () => {
    // The line holding each boundary's first byte is made bad (its msec starts with x, same length),
    // so lines that cross a boundary, and one that starts right at it, are where the workers meet.
    const jobs = 3;
    const text = Buffer.from(await readFile(big));
    const ranges = byteRanges(text.length, rangeBytesFor(text.length, jobs));
    expect(ranges.length).toBeGreaterThan(3);
    const starts = ranges.slice(1).map(([start]) => start);
    // One boundary exactly at a line start too.
    starts[0] = text.indexOf(10, starts[0]!) + 1;
    const broken = new Set<number>();
    for (const start of starts) {
      const lineStart = text.lastIndexOf(10, start - 1) + 1;
      text[lineStart] = 'x'.charCodeAt(0);
      broken.add(text.subarray(0, lineStart).filter((c) => c === 10).length + 1);
    }
    const cut = join(dir, 'cut.log');
    await writeFile(cut, text);
    const results = [];
    for (const n of [1, 2, jobs]) {
      const r = await lbdoctor(['logs', cut, '--format', 'json', '--jobs', String(n)]);
      expect(r.code, r.stderr).toBe(0);
      results.push(JSON.parse(r.stdout));
    }
    const [one, ...more] = results;
    for (const m of more) expect(m).toEqual(one);
    // The generator's 3 bad lines and ours, each once; the samples are the first five, by line number.
    expect(one.lines.bad).toBe(3 + broken.size);
    const lines = text.toString('latin1').split('\n');
    const bad: number[] = [];
    lines.forEach((l, i) => {
      if (l === '') return;
      try {
        parseElbAccessLogLine(l);
      } catch {
        bad.push(i + 1);
      }
    });
    expect(bad).toHaveLength(3 + broken.size);
    for (const b of broken) expect(bad).toContain(b);
    expect(one.badLines.samples.map((x: { line: number }) => x.line)).toEqual(bad.slice(0, 5));
  });

  it('exits 2 for a file mostly not in the layout, naming file, line and field', async () => {
    const p = join(dir, 'combined.log');
    await writeFile(
      p,
      '203.0.113.5 - - [25/Nov/2026:08:20:00 +0800] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"\n',
    );
    const r = await lbdoctor(['logs', p]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`lbdoctor: ${p}: 1 of 1 lines are not ELB access-log lines [LBD_ERR_INPUT]`);
    expect(r.stderr).toContain(`${p}:1: body_bytes_sent: only 9 fields`);
  });

  it('exits 2 for a missing file and for bad usage', async () => {
    const missing = await lbdoctor(['logs', join(dir, 'nope.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[LBD_ERR_FILE]');
    const format = await lbdoctor(['logs', small, '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('[LBD_ERR_UNKNOWN_FORMAT]');
    const none = await lbdoctor(['logs']);
    expect(none.code).toBe(2);
  });
});

describe('startup', () => {
  const REGISTER = fileURLToPath(new URL('../fixtures/module-trace/register.mjs', import.meta.url));
  async function modulesLoadedBy(args: string[]): Promise<string[]> {
    const trace = join(await mkdtemp(join(tmpdir(), 'lbd-trace-')), 'modules.txt');
    const r = await execa('node', ['--import', REGISTER, BIN, ...args], {
      env: { LBD_MODULE_TRACE: trace, CI: 'true' },
      reject: false,
      stdin: 'ignore',
    });
    expect(r.exitCode).toBe(0);
    return (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
  }

  it('--help and logs --help load none of the log summary modules; logs loads them', async () => {
    const logsModules = (loaded: string[]) => loaded.filter((u) => /\/dist\/logs\/|sketches-js/.test(u));
    expect(logsModules(await modulesLoadedBy(['--help']))).toEqual([]);
    expect(logsModules(await modulesLoadedBy(['logs', '--help']))).toEqual([]);
    expect(logsModules(await modulesLoadedBy(['logs', small, '--format', 'json'])).length).toBeGreaterThan(0);
  });
});
