// Byte ranges of a file, cut anywhere, read every line exactly once (the
// worker threads' split); over-long lines are bad lines, not a crash; a
// stream read in odd-sized pieces reads the same as a file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ByteLineSplitter, LineScanner, MAX_LINE_BYTES } from '../../../src/logs/scan.js';
import { scanFileRange } from '../../../src/logs/sources.js';
import { LogSummariser } from '../../../src/logs/summarise.js';
import { DOC_LINE_200, generate } from './helpers.js';

function scanner() {
  const s = new LogSummariser();
  return { s, scan: new LineScanner(s, 'f.log') };
}

describe('scanFileRange', () => {
  it('reads each line once whatever the cut points, with the same summary', async () => {
    const text = generate(['--lines', '1500', '--seed', '13', '--bad-lines', '4']);
    const dir = await mkdtemp(join(tmpdir(), 'lbd-scan-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'a.log');
    await writeFile(path, text);
    const whole = scanner();
    scanFileRange(path, 0, text.length, whole.scan);
    expect(whole.scan.lines).toBe(1500);
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 5; round++) {
      const cuts = [
        0,
        ...Array.from({ length: 6 }, () => Math.floor(rand() * text.length)),
        text.length,
      ].sort((a, b) => a - b);
      // Cuts on a newline, right after one, and inside one line too.
      cuts[1] = text.indexOf(10, 1000);
      cuts[2] = text.indexOf(10, 5000) + 1;
      cuts.sort((a, b) => a - b);
      const merged = new LogSummariser();
      let lines = 0;
      let bad = 0;
      for (let i = 0; i + 1 < cuts.length; i++) {
        const part = scanner();
        scanFileRange(path, cuts[i]!, cuts[i + 1]!, part.scan);
        lines += part.scan.lines;
        bad += part.scan.bad;
        merged.merge(structuredClone(part.s.state()));
      }
      expect(lines).toBe(1500);
      expect(bad).toBe(4);
      expect(merged.finish()).toEqual(whole.s.finish());
    }
  });
});

describe('ByteLineSplitter', () => {
  it('reads a stream in odd-sized pieces like a whole text, CRLF and a last line without newline included', () => {
    const text = Buffer.from(`${DOC_LINE_200}\r\n\n${DOC_LINE_200}\n${DOC_LINE_200}`);
    for (const size of [1, 7, 64, 1000, text.length]) {
      const { scan } = scanner();
      const split = new ByteLineSplitter(scan);
      for (let i = 0; i < text.length; i += size) split.push(text.subarray(i, i + size));
      split.end();
      expect([scan.lines, scan.records, scan.blank, scan.bad]).toEqual([4, 3, 1, 0]);
    }
  });

  it('counts a line longer than 1 MiB as one bad line and goes on', () => {
    const { scan } = scanner();
    const split = new ByteLineSplitter(scan);
    split.push(Buffer.from(`${DOC_LINE_200}\n`));
    const long = Buffer.alloc(MAX_LINE_BYTES + 100_000, 'x');
    for (let i = 0; i < long.length; i += 65_536) split.push(long.subarray(i, i + 65_536));
    split.push(Buffer.from(`\n${DOC_LINE_200}\n`));
    split.end();
    expect([scan.lines, scan.records, scan.bad]).toEqual([3, 2, 1]);
    expect(scan.samples[0]).toMatchObject({ line: 2, message: expect.stringContaining('longer than') });
  });
});
