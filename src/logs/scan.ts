// Bytes to lines to records. A LineScanner reads whole lines out of latin1
// text (nginx and ELB escape every byte above 0x7e, so latin1 loses nothing)
// and counts what it saw; a ByteLineSplitter cuts any byte source — a file
// range, a gunzip stream, stdin — into such text, 64 KiB at a time, so memory
// stays the same whatever the log's size.
import { parseElbAccessLogLine } from '../accesslog/parse.js';
import { InputError } from '../errors.js';
import { FastLineParser } from './fast-line.js';
import type { LogSummariser } from './summarise.js';
import type { LineProblem } from './summary.js';
import { type WasmLines, wasmLines } from './wasm-lines.js';

/** Bad lines kept as examples, per file (and per range of a file). */
export const SAMPLE_LIMIT = 5;
/** A longer line is bad: no access-log line comes near it. */
export const MAX_LINE_BYTES = 1 << 20;
const CHUNK = 64 * 1024;

export interface ScanCounts {
  lines: number;
  blank: number;
  bad: number;
  records: number;
  /** The first bad lines, numbered from the start of what this scanner read. */
  samples: LineProblem[];
}

export interface ScannerOptions {
  /**
   * 'wasm' (the default) reads the usual lines with the WebAssembly reader
   * (wasm-lines.ts) when it loads, the rest with fast-line.ts; 'js' reads every
   * line with fast-line.ts (to compare the two).
   */
  reader?: 'wasm' | 'js';
}

export class LineScanner implements ScanCounts {
  lines = 0;
  blank = 0;
  bad = 0;
  records = 0;
  samples: LineProblem[] = [];
  private readonly parser = new FastLineParser();
  private wasm: WasmLines | null;
  /** Why the WebAssembly reader stopped in the middle (a fault in it, never the input's): JavaScript read on. */
  wasmFault: string | undefined;

  constructor(
    private readonly summariser: LogSummariser,
    private readonly file: string,
    options: ScannerOptions = {},
  ) {
    this.wasm = options.reader === 'js' ? null : wasmLines();
  }

  /** Whether the WebAssembly reader reads the usual lines. */
  get usesWasm(): boolean {
    return this.wasm !== null;
  }

  /**
   * The lines of u[0, to), as text() reads them, from the bytes alone: the
   * WebAssembly reader reads the usual ones in one call per chunk, and only
   * the others are made into strings.
   */
  bytes(u: Buffer, to: number, stopAt = Number.POSITIVE_INFINITY): number {
    const w = this.wasm;
    if (w === null || to > w.capacity) return this.text(u.toString('latin1', 0, to), u, 0, to, stopAt);
    w.load(u, to);
    const stop = Math.max(0, Math.min(stopAt, to));
    const { RECORD, BLANK, MAX_LINES } = w.c;
    let from = 0;
    for (;;) {
      let n: number;
      try {
        n = w.scan(to, stop, from);
      } catch (err) {
        // A trap is a bug in the module; the lines from here on are read as if it never loaded.
        this.wasm = null;
        this.wasmFault = (err as Error).message;
        return this.text(u.toString('latin1', 0, to), u, from, to, stopAt);
      }
      for (let k = 0; k < n; k++) {
        const kind = w.kind(k);
        if (kind === RECORD) {
          this.lines++;
          this.records++;
          this.summariser.add(w.record(k, u));
        } else if (kind === BLANK) {
          this.lines++;
          this.blank++;
        } else {
          // Retried, escaped, odd: fast-line.ts or the strict parser reads it, as its own text.
          const a = w.start(k);
          const b = w.end(k);
          this.parser.reset();
          this.line(u.toString('latin1', a, b), u.subarray(a, b), 0, b - a);
        }
      }
      from = w.position();
      if (n < MAX_LINES || from >= stop) return from;
    }
  }

  /**
   * The lines of s[from, to), each ending with "\n" (the last may not when
   * the input ends there); `bytes` holds the same text (latin1), offsets
   * alike. Stops before a line that starts at or after `stopAt` and returns
   * where it stopped (`to` when it read everything).
   */
  text(s: string, bytes: Uint8Array, from: number, to: number, stopAt = Number.POSITIVE_INFINITY): number {
    this.parser.reset();
    let p = from;
    while (p < to) {
      if (p >= stopAt) return p;
      let nl = s.indexOf('\n', p);
      if (nl < 0 || nl >= to) nl = to;
      this.line(s, bytes, p, nl);
      p = nl + 1;
    }
    return to;
  }

  private line(s: string, u: Uint8Array, a: number, b: number): void {
    this.lines++;
    if (b > a && u[b - 1] === 13) b--;
    if (a === b) {
      this.blank++;
      return;
    }
    const rec = this.parser.parse(s, a, b, u);
    if (rec !== null) {
      this.records++;
      this.summariser.add(rec);
      return;
    }
    const text = s.slice(a, b);
    if (text.trim() === '') {
      this.blank++;
      return;
    }
    try {
      const r = parseElbAccessLogLine(text, this.lines, this.file);
      this.records++;
      this.summariser.add(r);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      const p = err.problems[0];
      this.badLine(p?.field, p?.message ?? err.message);
    }
  }

  /** Counts the current line as bad (the splitter calls it for an over-long line). */
  badLine(field: string | undefined, message: string): void {
    this.bad++;
    if (this.samples.length < SAMPLE_LIMIT) {
      this.samples.push({ file: this.file, line: this.lines, ...(field ? { field } : {}), message });
    }
  }

  /** An over-long line: counted as a line, and bad. */
  longLine(): void {
    this.lines++;
    this.badLine(undefined, `longer than ${MAX_LINE_BYTES} bytes: not an access-log line`);
  }
}

export interface SplitterOptions {
  /** File offset of the first byte given: with stopAt, where lines start. */
  base?: number;
  /** Lines that start at or after this offset belong to someone else. */
  stopAt?: number;
  /** The first bytes end a line that started before `base` + 1: skip them (a range that starts mid-file). */
  skipFirstLine?: boolean;
}

/** Cuts bytes into whole lines for a LineScanner. */
export class ByteLineSplitter {
  private buf = Buffer.allocUnsafe(CHUNK * 2);
  private have = 0;
  /** File offset of buf[0]. */
  private base: number;
  private readonly stopAt: number;
  private skipping: boolean;
  private skippingLong = false;
  done = false;

  constructor(
    private readonly scanner: LineScanner,
    options: SplitterOptions = {},
  ) {
    this.base = options.base ?? 0;
    this.stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;
    this.skipping = options.skipFirstLine ?? false;
  }

  /** Where the next bytes go (read straight into it), at most CHUNK of them. */
  writable(): { buffer: Buffer; offset: number; length: number } {
    if (this.buf.length - this.have < CHUNK) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.have);
      this.buf = bigger;
    }
    return { buffer: this.buf, offset: this.have, length: CHUNK };
  }

  /** `n` bytes were written where writable() said. */
  wrote(n: number): void {
    this.have += n;
    this.drain(false);
  }

  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length && !this.done) {
      const w = this.writable();
      const n = Math.min(w.length, chunk.length - off);
      w.buffer.set(chunk.subarray(off, off + n), w.offset);
      off += n;
      this.wrote(n);
    }
  }

  /** The input ended: the last line may have no newline. */
  end(): void {
    this.drain(true);
  }

  private consume(n: number): void {
    this.buf.copyWithin(0, n, this.have);
    this.have -= n;
    this.base += n;
  }

  private drain(final: boolean): void {
    if (this.done) return;
    if (this.skipping || this.skippingLong) {
      const nl = this.buf.indexOf(10, 0);
      if (nl < 0 || nl >= this.have) {
        this.consume(this.have);
        return;
      }
      this.skipping = false;
      this.skippingLong = false;
      this.consume(nl + 1);
    }
    if (this.have === 0) {
      if (final) this.done = true;
      return;
    }
    const end = final ? this.have : this.buf.lastIndexOf(10, this.have - 1) + 1;
    if (end === 0) {
      // No newline yet: a line longer than the buffer.
      if (this.have >= MAX_LINE_BYTES) {
        if (this.base < this.stopAt) this.scanner.longLine();
        else this.done = true;
        this.skippingLong = true;
        this.consume(this.have);
      }
      return;
    }
    const stopped = this.scanner.bytes(this.buf, end, this.stopAt - this.base);
    if (stopped < end) this.done = true;
    this.consume(end);
    if (final) this.done = true;
  }
}
