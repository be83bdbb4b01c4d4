// The WebAssembly line reader (src/logs/wasm/line-fields.ts, compiled to
// dist/logs/line-fields.wasm): it reads a chunk's usual lines in one call and
// leaves numbers, string positions and string ids in its memory; this side
// turns one line at a time into the reused LogRecord the summary reads. A
// string is made the first time its id comes up and then given back as the
// same object, so the summary's member, name and User-Agent lookups compare
// pointers. Lines it is not sure of come back marked FALLBACK, for
// fast-line.ts and the strict parser. One instance per thread; when the
// module is missing (not built) or cannot load, the reader is the JavaScript
// one alone (scan.ts).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UpstreamAttempt } from '../accesslog/elb-line.js';
import { METHODS } from './fast-line.js';
import { pathKey } from './paths.js';
import type { LogRecord } from './record.js';

// The few WebAssembly types used here (TypeScript puts them in the DOM library, which this project leaves out).
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  scan(length: number, stopAt: number, from: number): number;
  position(): number;
  pathKeyOf(a: number, b: number): number;
  keyAddress(): number;
}

/** The layout constants the module exports (its source is the one place they are written). */
const CONSTANTS = [
  'OUT_I',
  'OUT_F',
  'SLOTS',
  'MAX_LINES',
  'I_STRIDE',
  'F_STRIDE',
  'IN',
  'IN_CAPACITY',
  'MEMORY_PAGES',
  'RECORD',
  'FALLBACK',
  'BLANK',
  'T_ADDR',
  'T_PATH',
  'T_AGENT',
  'T_NAME',
  'NEW',
  'NONE',
  'LONG',
  'I_KIND',
  'I_START',
  'I_END',
  'I_ATTEMPTS',
  'I_ADDR',
  'I_ADDR_START',
  'I_ADDR_END',
  'I_PATH',
  'I_PATH_EXACT',
  'I_URI_START',
  'I_URI_END',
  'I_AGENT',
  'I_AGENT_START',
  'I_AGENT_END',
  'I_NAME',
  'I_NAME_START',
  'I_NAME_END',
  'I_METHOD',
  'I_METHOD_START',
  'I_METHOD_END',
  'I_TIME_START',
  'I_TIME_END',
  'I_CLIENT_START',
  'I_CLIENT_END',
  'F_MSEC',
  'F_STATUS',
  'F_REQUEST_TIME',
  'F_RTT',
  'F_UP_STATUS',
  'F_CONNECT',
  'F_HEADER',
  'F_RESPONSE',
] as const;
type Constants = Record<(typeof CONSTANTS)[number], number>;

/** -1 in the f64 record stands for null. */
const orNull = (v: number): number | null => (v < 0 ? null : v);

/** The record of the line being read; valid until the next line. */
class WasmRecord implements LogRecord {
  msec = 0;
  status = 0;
  method = '';
  pathKey = '';
  pathExact = false;
  requestTime: number | null = null;
  upstream: UpstreamAttempt[] = [];
  tcpinfoRtt: number | null = null;
  userAgent: string | null = null;
  memberName: string | null = null;
  /** @internal The chunk, and where the lazily read fields are in it. */
  u: Buffer = Buffer.alloc(0);
  /** @internal */ timeStart = 0;
  /** @internal */ timeEnd = 0;
  /** @internal */ uriStart = 0;
  /** @internal */ uriEnd = 0;
  /** @internal */ clientStart = 0;
  /** @internal */ clientEnd = 0;

  get time(): string {
    return this.u.toString('latin1', this.timeStart, this.timeEnd);
  }

  get uri(): string {
    return this.u.toString('latin1', this.uriStart, this.uriEnd);
  }

  get clientAddress(): string {
    const v = this.u.toString('latin1', this.clientStart, this.clientEnd);
    const host = v.slice(0, v.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
    return host === '-' ? '' : host;
  }
}

/** What one scan of a chunk found, line by line: read with kind(), start(), end() and record(). */
export class WasmLines {
  readonly c: Constants;
  private readonly x: Exports;
  private readonly bytes: Uint8Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly outI: number;
  private readonly outF: number;
  /** The string of each slot of each table (T_ADDR … T_NAME). */
  private readonly strings: string[][];
  private readonly rec = new WasmRecord();
  private readonly attempt: UpstreamAttempt = {
    status: null,
    connectTime: null,
    headerTime: null,
    responseTime: null,
    addr: '-',
  };
  private readonly none: UpstreamAttempt[] = [];
  private readonly one: UpstreamAttempt[] = [this.attempt];

  constructor(module: WasmModule) {
    const instance = new WebAssembly.Instance(module, {});
    this.x = instance.exports as unknown as Exports;
    const g = instance.exports as Record<string, { value: number | bigint }>;
    this.c = Object.fromEntries(CONSTANTS.map((k) => [k, Number(g[k]!.value)])) as Constants;
    const buffer = this.x.memory.buffer;
    if (buffer.byteLength < this.c.MEMORY_PAGES * 65536) {
      throw new Error(
        `line-fields.wasm has ${buffer.byteLength} bytes of memory; its layout needs ${this.c.MEMORY_PAGES} pages`,
      );
    }
    this.bytes = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.outI = this.c.OUT_I / 4;
    this.outF = this.c.OUT_F / 8;
    this.strings = Array.from({ length: this.c.T_NAME + 1 }, () => new Array<string>(this.c.SLOTS).fill(''));
  }

  /** Bytes a chunk may have. */
  get capacity(): number {
    return this.c.IN_CAPACITY;
  }

  /** Copies the chunk u[0, length) in; the next scan() reads it. */
  load(u: Uint8Array, length: number): void {
    this.bytes.set(u.subarray(0, length), this.c.IN);
  }

  /** Reads lines from `from` on (at most MAX_LINES), stopping before one that starts at or after `stopAt`; how many. */
  scan(length: number, stopAt: number, from: number): number {
    return this.x.scan(length, stopAt, from);
  }

  /** Where the last scan() stopped. */
  position(): number {
    return this.x.position();
  }

  kind(k: number): number {
    return this.i32[this.outI + k * this.c.I_STRIDE + this.c.I_KIND]!;
  }

  /** The line's bounds in the chunk (a "\r" before the newline still in). */
  start(k: number): number {
    return this.i32[this.outI + k * this.c.I_STRIDE + this.c.I_START]!;
  }

  end(k: number): number {
    return this.i32[this.outI + k * this.c.I_STRIDE + this.c.I_END]!;
  }

  /** Line k of the last scan() of chunk `u` (a RECORD), as the reused record. */
  record(k: number, u: Buffer): LogRecord {
    const c = this.c;
    const i = this.i32;
    const f = this.f64;
    const ri = this.outI + k * c.I_STRIDE;
    const rf = this.outF + k * c.F_STRIDE;
    const r = this.rec;
    r.u = u;
    r.msec = f[rf + c.F_MSEC]!;
    r.status = f[rf + c.F_STATUS]!;
    r.requestTime = orNull(f[rf + c.F_REQUEST_TIME]!);
    r.tcpinfoRtt = orNull(f[rf + c.F_RTT]!);
    const method = i[ri + c.I_METHOD]!;
    r.method =
      method > 0
        ? METHODS[method - 1]!
        : u.toString('latin1', i[ri + c.I_METHOD_START]!, i[ri + c.I_METHOD_END]!);
    r.uriStart = i[ri + c.I_URI_START]!;
    r.uriEnd = i[ri + c.I_URI_END]!;
    r.pathKey = this.pathKeyString(i[ri + c.I_PATH]!, r);
    r.pathExact = i[ri + c.I_PATH_EXACT]! === 1;
    r.userAgent = this.string(
      c.T_AGENT,
      i[ri + c.I_AGENT]!,
      u,
      i[ri + c.I_AGENT_START]!,
      i[ri + c.I_AGENT_END]!,
    );
    r.memberName = this.string(
      c.T_NAME,
      i[ri + c.I_NAME]!,
      u,
      i[ri + c.I_NAME_START]!,
      i[ri + c.I_NAME_END]!,
    );
    r.timeStart = i[ri + c.I_TIME_START]!;
    r.timeEnd = i[ri + c.I_TIME_END]!;
    r.clientStart = i[ri + c.I_CLIENT_START]!;
    r.clientEnd = i[ri + c.I_CLIENT_END]!;
    if (i[ri + c.I_ATTEMPTS] === 0) r.upstream = this.none;
    else {
      const a = this.attempt;
      a.status = orNull(f[rf + c.F_UP_STATUS]!);
      a.connectTime = orNull(f[rf + c.F_CONNECT]!);
      a.headerTime = orNull(f[rf + c.F_HEADER]!);
      a.responseTime = orNull(f[rf + c.F_RESPONSE]!);
      a.addr =
        this.string(c.T_ADDR, i[ri + c.I_ADDR]!, u, i[ri + c.I_ADDR_START]!, i[ri + c.I_ADDR_END]!) ?? '-';
      r.upstream = this.one;
    }
    return r;
  }

  /** The string of an id: made (a copy, sharing no memory with the chunk) when the slot is new. */
  private string(table: number, id: number, u: Buffer, a: number, b: number): string | null {
    const c = this.c;
    if (id === c.NONE) return null;
    if (id === c.LONG) return u.toString('latin1', a, b);
    if ((id & c.NEW) === 0) return this.strings[table]![id]!;
    const s = u.toString('latin1', a, b);
    this.strings[table]![id & (c.NEW - 1)] = s;
    return s;
  }

  private pathKeyString(id: number, r: WasmRecord): string {
    const c = this.c;
    if (id === c.LONG) return pathKey(r.uri);
    if ((id & c.NEW) === 0) return this.strings[c.T_PATH]![id]!;
    const key = pathKey(r.uri);
    this.strings[c.T_PATH]![id & (c.NEW - 1)] = key;
    return key;
  }

  /** Test hook: the module's path key of `uri`, and whether it is exact (path-keys.ts's answer). */
  pathKeyOf(uri: string): { key: string; exact: boolean } {
    const bytes = Buffer.from(uri, 'latin1');
    this.load(bytes, bytes.length);
    const n = this.x.pathKeyOf(0, bytes.length);
    const exact = this.i32[this.outI + this.c.I_PATH_EXACT] === 1;
    const at = this.x.keyAddress();
    return { key: Buffer.from(this.bytes.subarray(at, at + n)).toString('latin1'), exact };
  }
}

/** Where the module is: beside this file once built, or in dist/ when this runs from the sources (tests). */
function moduleFile(): string | undefined {
  for (const rel of ['./line-fields.wasm', '../../dist/logs/line-fields.wasm']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

let reader: WasmLines | null | undefined;
let problem: string | undefined;

/**
 * The thread's reader, or null when the module is not there or does not load
 * (wasmProblem() says why). One is enough: a scanner loads, scans and reads a
 * chunk in one synchronous go, so scanners never interleave inside it.
 */
export function wasmLines(): WasmLines | null {
  if (reader !== undefined) return reader;
  const file = moduleFile();
  if (file === undefined) {
    problem = 'dist/logs/line-fields.wasm is not built (npm run build)';
    reader = null;
    return reader;
  }
  try {
    reader = new WasmLines(new WebAssembly.Module(readFileSync(file)));
  } catch (err) {
    problem = `${file}: ${(err as Error).message}`;
    reader = null;
  }
  return reader;
}

/** Why wasmLines() gave null, if it did. */
export function wasmProblem(): string | undefined {
  return problem;
}
