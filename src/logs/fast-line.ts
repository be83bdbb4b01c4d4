// A fast reader of ELB access-log lines for the summary: it finds the fields in
// place (a line is a slice of a 64 KiB chunk, given both as latin1 text and as
// its bytes) and fills one reused record, slicing only the few strings the
// summary reads (the path's grouping key comes from path-keys.ts without
// making the URI). Field boundaries are found with the text's indexOf (a
// vectorised search, the fastest way over long fields); characters inside a
// field are read from the bytes (a third faster than charCodeAt). It accepts
// only lines it is sure of — plain fields, no `\xHH` escapes, no nginx " : "
// redirects — and returns null for anything else: the caller then runs the
// strict parser (src/accesslog/parse.ts), which either reads the line or
// names the field that is wrong. So both accept exactly the same lines.
import type { UpstreamAttempt } from '../accesslog/elb-line.js';
import { PathKeys } from './path-keys.js';
import type { LogRecord } from './record.js';

const MAX_FIELDS = 40;
const MAX_ATTEMPTS = 8;
const SPACE = 32;
const QUOTE = 34;
const BRACKET = 91;
const COLON = 58;
const DASH = 45;
const DOT = 46;
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** The reused record: eager fields for the hot path, getters for the rarely read ones. */
class FastRecord implements LogRecord {
  msec = 0;
  status = 0;
  method = '';
  pathKey = '';
  pathExact = false;
  requestTime: number | null = null;
  upstream: UpstreamAttempt[] = [];
  tcpinfoRtt: number | null = null;
  /** @internal */ s = '';
  /** @internal */ starts: Int32Array;
  /** @internal */ ends: Int32Array;
  /** @internal */ fields = 0;
  /** @internal */ uriStart = 0;
  /** @internal */ uriEnd = 0;

  constructor(starts: Int32Array, ends: Int32Array) {
    this.starts = starts;
    this.ends = ends;
  }

  private field(i: number): string | null {
    if (i >= this.fields) return null;
    const v = this.s.slice(this.starts[i], this.ends[i]);
    return v === '-' || v === '' ? null : v;
  }

  get time(): string {
    return this.s.slice(this.starts[2], this.ends[2]);
  }

  get uri(): string {
    return this.s.slice(this.uriStart, this.uriEnd);
  }

  get userAgent(): string | null {
    return this.field(16);
  }

  get memberName(): string | null {
    return this.field(23);
  }

  get clientAddress(): string {
    const v = this.s.slice(this.starts[4], this.ends[4]);
    const host = v.slice(0, v.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
    return host === '-' ? '' : host;
  }
}

/**
 * A plain decimal (`123`, `0.034`) as Number() reads it, null for `-` or an
 * empty field, NaN for anything else (the strict parser decides those).
 */
function decimal(s: string, u: Uint8Array, a: number, b: number): number | null {
  if (a === b) return null;
  let m = 0;
  let i = a;
  for (; i < b; i++) {
    const d = u[i]! - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
  }
  const whole = i - a;
  if (i === b) return whole > 15 ? Number(s.slice(a, b)) : m;
  if (u[i] !== DOT) return b - a === 1 && u[a] === DASH ? null : Number.NaN;
  const dot = i;
  for (i++; i < b; i++) {
    const d = u[i]! - 48;
    if (d < 0 || d > 9) return Number.NaN;
    m = m * 10 + d;
  }
  const fraction = b - dot - 1;
  if (whole + fraction === 0) return Number.NaN;
  // One correctly rounded division: the same double Number() gives, up to 15 digits.
  if (whole + fraction > 15) return Number(s.slice(a, b));
  return m / POW10[fraction]!;
}

/** A whole number, `-` or empty (a field read only to check it). */
function wholeOrNone(s: string, u: Uint8Array, a: number, b: number): boolean {
  if (isNone(u, a, b)) return true;
  if (b - a > 15) return !Number.isNaN(integer(s, u, a, b));
  for (let i = a; i < b; i++) {
    const c = u[i]!;
    if (c < 48 || c > 57) return !Number.isNaN(integer(s, u, a, b));
  }
  return true;
}

/** `-` or empty. */
function isNone(u: Uint8Array, a: number, b: number): boolean {
  return a === b || (b - a === 1 && u[a] === DASH);
}

function integer(s: string, u: Uint8Array, a: number, b: number): number | null {
  const v = decimal(s, u, a, b);
  return v === null || Number.isInteger(v) ? v : Number.NaN;
}

/** `host:port` where the port is a whole number, `-` or empty. */
function hostPortOk(s: string, u: Uint8Array, a: number, b: number): boolean {
  let k = b - 1;
  while (k >= a && u[k] !== COLON) k--;
  if (k < a) return false;
  const port = integer(s, u, k + 1, b);
  return port === null || !Number.isNaN(port);
}

function isSchemeChar(c: number, first: boolean): boolean {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (first) return alpha;
  return alpha || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
}

const BARE = 0;
const BRACKETED = 1;
const QUOTED = 2;
/** How each field of an ELB line is written (shared/elb-access-log.md). */
const LAYOUT = [
  BARE,
  BARE,
  BRACKETED,
  BARE,
  BARE,
  BARE,
  QUOTED,
  BARE,
  BARE,
  BARE,
  BARE,
  QUOTED,
  QUOTED,
  QUOTED,
  QUOTED,
  QUOTED,
  QUOTED,
  QUOTED,
  QUOTED,
  BARE,
  BARE,
  BARE,
  BARE,
  QUOTED,
  BARE,
  BARE,
  QUOTED,
  BARE,
  BARE,
  BARE,
  BARE,
  BARE,
  BARE,
];

/** The usual methods; the WebAssembly reader (wasm/line-fields.ts) numbers them 1 to 7 in this order. */
export const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];
/** The usual methods by their first byte (P has three); [] for the other bytes. */
const METHODS_BY_INITIAL: string[][] = Array.from({ length: 256 }, (_, c) =>
  METHODS.filter((m) => m.charCodeAt(0) === c),
);

/** The usual methods as constants: no string made per line. */
function methodName(s: string, u: Uint8Array, a: number, b: number): string {
  for (const m of METHODS_BY_INITIAL[u[a]!]!) if (m.length === b - a && s.startsWith(m, a)) return m;
  return s.slice(a, b);
}

export class FastLineParser {
  private readonly starts = new Int32Array(MAX_FIELDS);
  private readonly ends = new Int32Array(MAX_FIELDS);
  private readonly rec = new FastRecord(this.starts, this.ends);
  private readonly paths = new PathKeys();
  /** Reused attempt objects and one reused array per attempt count. */
  private readonly attempts: UpstreamAttempt[] = Array.from({ length: MAX_ATTEMPTS }, () => ({
    status: null,
    connectTime: null,
    headerTime: null,
    responseTime: null,
    addr: '-',
  }));
  private readonly lists: UpstreamAttempt[][] = Array.from({ length: MAX_ATTEMPTS + 1 }, (_, n) =>
    this.attempts.slice(0, n),
  );
  /** Value boundaries inside the five upstream fields: [field][attempt]. */
  private readonly vs = new Int32Array(5 * MAX_ATTEMPTS);
  private readonly ve = new Int32Array(5 * MAX_ATTEMPTS);
  private readonly vn = new Int32Array(5);
  /**
   * The next backslash and comma at or after a position of the current chunk:
   * searched once per chunk, not once per line (a line without any would
   * otherwise scan to the chunk's end).
   */
  private chunkLength = -1;
  private lastStart = -1;
  private nextBackslash = -1;
  private nextComma = -1;

  /** A new text: forget where the next backslash and comma were. parse() calls it when it can tell. */
  reset(): void {
    this.chunkLength = -1;
    this.lastStart = -1;
    this.nextBackslash = -1;
    this.nextComma = -1;
  }

  private backslashFrom(s: string, a: number): number {
    // Another text, or going back in this one: the cached positions say nothing.
    if (s.length !== this.chunkLength || a < this.lastStart) {
      this.reset();
      this.chunkLength = s.length;
    }
    this.lastStart = a;
    if (this.nextBackslash !== Number.MAX_SAFE_INTEGER && this.nextBackslash < a) {
      const k = s.indexOf('\\', a);
      this.nextBackslash = k < 0 ? Number.MAX_SAFE_INTEGER : k;
    }
    return this.nextBackslash;
  }

  private commaFrom(s: string, a: number): number {
    if (this.nextComma !== Number.MAX_SAFE_INTEGER && this.nextComma < a) {
      const k = s.indexOf(',', a);
      this.nextComma = k < 0 ? Number.MAX_SAFE_INTEGER : k;
    }
    return this.nextComma;
  }

  /**
   * The line s[a, b) (no newline) as a record, or null when only the strict
   * parser can tell. The record is reused: read it before the next call.
   * Lines of one text go in order; call reset() before another text. `u`
   * holds the same text as bytes (latin1), offsets alike; without it they are
   * made from `s` (for a single line; the scanner always gives them).
   */
  parse(s: string, a: number, b: number, u?: Uint8Array): LogRecord | null {
    if (u === undefined) {
      // Not latin1 (only a test can make such a string): the strict parser decides.
      if (/[\u0100-\uffff]/.test(s)) return null;
      u = Buffer.from(s, 'latin1');
    }
    if (this.backslashFrom(s, a) < b) return null;
    const starts = this.starts;
    const ends = this.ends;
    const n = this.fixedLayout(s, u, a, b) ? LAYOUT.length : this.anyLayout(s, u, a, b);
    if (n < 16) return null;
    const r = this.rec;
    r.s = s;
    r.fields = n;

    const msec = decimal(s, u, starts[0]!, ends[0]!);
    if (msec === null || Number.isNaN(msec)) return null;
    r.msec = msec;
    if (!hostPortOk(s, u, starts[4]!, ends[4]!)) return null;
    const status = integer(s, u, starts[5]!, ends[5]!);
    if (status === null || Number.isNaN(status)) return null;
    r.status = status;
    if (!this.request(s, u, starts[6]!, ends[6]!)) return null;
    for (let f = 7; f <= 9; f++) if (!wholeOrNone(s, u, starts[f]!, ends[f]!)) return null;
    const rt = decimal(s, u, starts[10]!, ends[10]!);
    if (rt !== null && Number.isNaN(rt)) return null;
    r.requestTime = rt;
    if (!this.upstream(s, u)) return null;
    if (n > 25 && !hostPortOk(s, u, starts[25]!, ends[25]!)) return null;
    if (n > 31) {
      const rtt = decimal(s, u, starts[31]!, ends[31]!);
      if (rtt !== null && Number.isNaN(rtt)) return null;
      r.tcpinfoRtt = rtt;
    } else r.tcpinfoRtt = null;
    return r;
  }

  /**
   * The usual line: the 33 fields of the layout, one space apart. Checking the
   * kind of each field on the way is a third faster than the general loop.
   */
  private fixedLayout(s: string, u: Uint8Array, a: number, b: number): boolean {
    const { starts, ends } = this;
    let i = a;
    for (let n = 0; n < LAYOUT.length; n++) {
      if (i >= b) return false;
      const c = u[i];
      const kind = LAYOUT[n];
      if (kind === BARE) {
        if (c === QUOTE || c === BRACKET || c === SPACE) return false;
        let j = s.indexOf(' ', i);
        if (j < 0 || j > b) j = b;
        starts[n] = i;
        ends[n] = j;
        i = j + 1;
      } else {
        if (c !== (kind === QUOTED ? QUOTE : BRACKET)) return false;
        const j = kind === QUOTED ? s.indexOf('"', i + 1) : s.indexOf(']', i + 1);
        if (j < 0 || j >= b) return false;
        starts[n] = i + 1;
        ends[n] = j;
        if (j + 1 < b && u[j + 1] !== SPACE) return false;
        i = j + 2;
      }
    }
    return i >= b;
  }

  /** Any number of fields, spaces between them (what the strict tokenizer reads); -1 when it cannot. */
  private anyLayout(s: string, u: Uint8Array, a: number, b: number): number {
    const { starts, ends } = this;
    let n = 0;
    let i = a;
    while (i < b) {
      let c = u[i];
      while (c === SPACE) {
        i++;
        if (i >= b) break;
        c = u[i];
      }
      if (i >= b) break;
      if (n >= MAX_FIELDS) return -1;
      if (c === QUOTE || c === BRACKET) {
        const j = s.indexOf(c === QUOTE ? '"' : ']', i + 1);
        if (j < 0 || j >= b) return -1;
        starts[n] = i + 1;
        ends[n++] = j;
        i = j + 1;
      } else {
        let j = s.indexOf(' ', i);
        if (j < 0 || j > b) j = b;
        starts[n] = i;
        ends[n++] = j;
        i = j;
      }
    }
    return n;
  }

  /** `METHOD scheme://host/uri PROTOCOL` (the scheme and host may be absent). */
  private request(s: string, u: Uint8Array, a: number, b: number): boolean {
    const sp1 = s.indexOf(' ', a);
    const sp2 = s.lastIndexOf(' ', b - 1);
    if (sp1 <= a || sp1 >= b || sp2 <= sp1 || sp2 >= b - 1) return false;
    const mid = s.indexOf(' ', sp1 + 1);
    if (mid !== sp2) return false;
    const target = sp1 + 1;
    let path = target;
    // An optional `scheme://host` before the path.
    let k = target;
    while (k < sp2 && isSchemeChar(u[k]!, k === target)) k++;
    if (k > target && k + 3 <= sp2 && u[k] === COLON && u[k + 1] === 47 && u[k + 2] === 47) {
      path = s.indexOf('/', k + 3);
      if (path < 0 || path > sp2) path = sp2;
    }
    const r = this.rec;
    r.method = methodName(s, u, a, sp1);
    r.uriStart = path;
    r.uriEnd = sp2;
    r.pathKey = this.paths.get(s, u, path, sp2);
    r.pathExact = this.paths.exact;
    return true;
  }

  /** Fields 11–15: one value per attempt, ", " between them (FAQ 3.8). */
  private upstream(s: string, u: Uint8Array): boolean {
    const { starts, ends, vs, ve, vn } = this;
    // No comma in the five fields: at most one attempt, no value to split or trim.
    if (this.commaFrom(s, starts[11]!) > ends[15]!) return this.oneAttempt(s, u);
    let count = 0;
    for (let f = 0; f < 5; f++) {
      const a = starts[11 + f]!;
      const b = ends[11 + f]!;
      if (a === b || (b - a === 1 && u[a] === DASH)) {
        vn[f] = 0;
        continue;
      }
      let k = 0;
      let from = a;
      for (;;) {
        let comma = this.commaFrom(s, from);
        if (comma > b) comma = b;
        if (k >= MAX_ATTEMPTS) return false;
        let x = from;
        let y = comma;
        while (x < y && u[x] === SPACE) x++;
        while (y > x && u[y - 1] === SPACE) y--;
        // " : " separates nginx internal redirects: the strict parser reads those.
        for (let j = x; j < y; j++) {
          const c = u[j];
          if (c === SPACE || (c === COLON && f < 4)) return false;
        }
        vs[f * MAX_ATTEMPTS + k] = x;
        ve[f * MAX_ATTEMPTS + k] = y;
        k++;
        if (comma >= b) break;
        from = comma + 1;
      }
      vn[f] = k;
      if (k > count) count = k;
    }
    for (let k = 0; k < count; k++) {
      const at = this.attempts[k]!;
      const st = k < vn[0]! ? integer(s, u, vs[k]!, ve[k]!) : null;
      const ct = k < vn[1]! ? decimal(s, u, vs[MAX_ATTEMPTS + k]!, ve[MAX_ATTEMPTS + k]!) : null;
      const ht = k < vn[2]! ? decimal(s, u, vs[2 * MAX_ATTEMPTS + k]!, ve[2 * MAX_ATTEMPTS + k]!) : null;
      const rt = k < vn[3]! ? decimal(s, u, vs[3 * MAX_ATTEMPTS + k]!, ve[3 * MAX_ATTEMPTS + k]!) : null;
      if (Number.isNaN(st) || Number.isNaN(ct) || Number.isNaN(ht) || Number.isNaN(rt)) return false;
      at.status = st;
      at.connectTime = ct;
      at.headerTime = ht;
      at.responseTime = rt;
      at.addr = k < vn[4]! ? s.slice(vs[4 * MAX_ATTEMPTS + k]!, ve[4 * MAX_ATTEMPTS + k]!) : '-';
    }
    this.rec.upstream = this.lists[count]!;
    return true;
  }

  private oneAttempt(s: string, u: Uint8Array): boolean {
    const { starts, ends } = this;
    const a15 = starts[15]!;
    const b15 = ends[15]!;
    const noAddr = isNone(u, a15, b15);
    if (
      noAddr &&
      isNone(u, starts[11]!, ends[11]!) &&
      isNone(u, starts[12]!, ends[12]!) &&
      isNone(u, starts[13]!, ends[13]!) &&
      isNone(u, starts[14]!, ends[14]!)
    ) {
      this.rec.upstream = this.lists[0]!;
      return true;
    }
    // A space in the address: maybe nginx's " : " (the strict parser splits those).
    // A space in a number makes it NaN below, which sends the line there too.
    const sp = s.indexOf(' ', a15);
    if (sp >= 0 && sp < b15) return false;
    const st = integer(s, u, starts[11]!, ends[11]!);
    const ct = decimal(s, u, starts[12]!, ends[12]!);
    const ht = decimal(s, u, starts[13]!, ends[13]!);
    const rt = decimal(s, u, starts[14]!, ends[14]!);
    if (Number.isNaN(st) || Number.isNaN(ct) || Number.isNaN(ht) || Number.isNaN(rt)) return false;
    const at = this.attempts[0]!;
    at.status = st;
    at.connectTime = ct;
    at.headerTime = ht;
    at.responseTime = rt;
    at.addr = noAddr ? '-' : s.slice(a15, b15);
    this.rec.upstream = this.lists[1]!;
    return true;
  }
}
