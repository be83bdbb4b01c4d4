// AssemblyScript, compiled to dist/logs/line-fields.wasm by scripts/build-wasm.mjs
// (not TypeScript: tsc and biome leave this folder alone).
//
// The first pass of `lbdoctor logs` over a chunk of an ELB access log: for
// each line, the fields the summary reads, as numbers and string positions,
// and an id per distinct member address, path key, User-Agent and member name
// (so JavaScript makes a string only the first time it sees one). It is
// fast-line.ts moved to WebAssembly for the usual line, with SIMD to find
// field ends: it reads a line only when it is sure to read it exactly as
// fast-line.ts does (the same 33 fields, the same checks, the same numbers)
// and marks any other line FALLBACK, for JavaScript to read. A retried line
// (a comma in the upstream fields), a backslash escape, a number of more than
// 15 digits are all FALLBACK. test/unit/logs/wasm-lines.test.ts holds the two
// readers to the same answers.
//
// Memory (fixed, never grown, so JavaScript's views of it stay valid):
//   OUT_I   per line, I_STRIDE i32   (kind, line bounds, ids, positions)
//   OUT_F   per line, F_STRIDE f64   (msec, times, statuses)
//   KEY     scratch for a path key's bytes
//   TABLES  four interning tables of SLOTS slots of SLOT_BYTES
//   IN      the chunk, IN_CAPACITY bytes, then 64 KiB that reads may overrun into (SIMD
//           compares and 8-byte hashing read a little past what they use, then mask it off)

export const MAX_LINES: i32 = 4096;
export const I_STRIDE: i32 = 32;
export const F_STRIDE: i32 = 8;
export const OUT_I: usize = 65536;
export const OUT_F: usize = OUT_I + <usize>(MAX_LINES * I_STRIDE * 4);
const KEY: usize = OUT_F + <usize>(MAX_LINES * F_STRIDE * 8);
export const SLOTS: u32 = 4096;
const SLOT_BYTES: usize = 256;
/** Longer strings are never interned (path-keys.ts keeps keys of up to 256 bytes). */
const MAX_INTERNED: i32 = <i32>SLOT_BYTES - 8;
const TABLES: usize = KEY + 4096;
const TABLE_BYTES: usize = <usize>SLOTS * SLOT_BYTES;
export const IN: usize = TABLES + 4 * TABLE_BYTES;
export const IN_CAPACITY: i32 = 4 << 20;
export const MEMORY_PAGES: i32 = <i32>((IN + <usize>IN_CAPACITY + 65536 + 65535) >> 16);

// Kinds of line.
export const RECORD: i32 = 0;
export const FALLBACK: i32 = 1;
export const BLANK: i32 = 2;

// Interning tables, and what an id field holds.
export const T_ADDR: i32 = 0;
export const T_PATH: i32 = 1;
export const T_AGENT: i32 = 2;
export const T_NAME: i32 = 3;
/** id | NEW: this slot now holds a string JavaScript has not made yet. */
export const NEW: i32 = 0x10000;
/** `-` or empty. */
export const NONE: i32 = -1;
/** Too long to intern: JavaScript slices it. */
export const LONG: i32 = -2;

// Where each value goes in a line's i32 record.
export const I_KIND: i32 = 0;
export const I_START: i32 = 1;
/** The newline's position (or the chunk's end): a "\r" before it is still in the line. */
export const I_END: i32 = 2;
export const I_ATTEMPTS: i32 = 3;
export const I_ADDR: i32 = 4;
export const I_ADDR_START: i32 = 5;
export const I_ADDR_END: i32 = 6;
export const I_PATH: i32 = 7;
export const I_PATH_EXACT: i32 = 8;
export const I_URI_START: i32 = 9;
export const I_URI_END: i32 = 10;
export const I_AGENT: i32 = 11;
export const I_AGENT_START: i32 = 12;
export const I_AGENT_END: i32 = 13;
export const I_NAME: i32 = 14;
export const I_NAME_START: i32 = 15;
export const I_NAME_END: i32 = 16;
export const I_METHOD: i32 = 17;
export const I_METHOD_START: i32 = 18;
export const I_METHOD_END: i32 = 19;
export const I_TIME_START: i32 = 20;
export const I_TIME_END: i32 = 21;
export const I_CLIENT_START: i32 = 22;
export const I_CLIENT_END: i32 = 23;
// And in its f64 record; -1 stands for null (every value read is ≥ 0).
export const F_MSEC: i32 = 0;
export const F_STATUS: i32 = 1;
export const F_REQUEST_TIME: i32 = 2;
export const F_RTT: i32 = 3;
export const F_UP_STATUS: i32 = 4;
export const F_CONNECT: i32 = 5;
export const F_HEADER: i32 = 6;
export const F_RESPONSE: i32 = 7;

const SPACE: u8 = 32;
const QUOTE: u8 = 34;
const BRACKET: u8 = 91;
const CLOSE_BRACKET: u8 = 93;
const COLON: u8 = 58;
const DASH: u8 = 45;
const DOT: u8 = 46;
const SLASH: u8 = 47;
const QUESTION: u8 = 63;
const BACKSLASH: u8 = 92;
const COMMA: u8 = 44;
const NL: u8 = 10;
const CR: u8 = 13;
const NULL: f64 = -1;
/** MAX_PATH of paths.ts (the path-key tests hold the two to the same keys). */
const MAX_PATH: usize = 200;

/** Field kinds of the layout (shared/elb-access-log.md), one bit per field. */
const QUOTED_FIELDS: u64 = (1 << 6) | (0xff << 11) | (1 << 23) | (1 << 26);
const BRACKETED_FIELDS: u64 = 1 << 2;
const FIELDS: i32 = 33;

/** Where the last scan() stopped. */
let stoppedAt: usize = 0;
/** A number had more digits than a double holds exactly: the line goes to JavaScript. */
let tooLong = false;
const starts = new StaticArray<u32>(40);
const ends = new StaticArray<u32>(40);

export function position(): i32 {
  return <i32>(stoppedAt - IN);
}

/** The first `c` in [i, end), or end. May read up to 15 bytes past `end` (never past IN's padding). */
@inline
function find(i: usize, end: usize, c: u8): usize {
  const want = i8x16.splat(<i8>c);
  while (i < end) {
    let m = <u32>i8x16.bitmask(i8x16.eq(v128.load(i), want));
    const left = end - i;
    if (left < 16) m &= (<u32>1 << <u32>left) - 1;
    if (m != 0) return i + <usize>ctz(m);
    i += 16;
  }
  return end;
}

/** The last `c` in [from, end), or from - 1. */
@inline
function findLast(from: usize, end: usize, c: u8): usize {
  let k = end;
  while (k > from) {
    k--;
    if (load<u8>(k) == c) return k;
  }
  return from - 1;
}

/** 10^k for k < 16, exact as doubles. */
const POW10: StaticArray<f64> = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * As decimal() in fast-line.ts: -1 for `-` or empty, NaN when not a plain
 * decimal. Digits add up in an integer (at most 15 of them: exact), then one
 * correctly rounded division makes the same double as Number().
 */
function decimal(a: usize, b: usize): f64 {
  if (a == b) return NULL;
  let m: i64 = 0;
  let i = a;
  for (; i < b; i++) {
    const d = <u32>load<u8>(i) - 48;
    if (d > 9) break;
    m = m * 10 + <i64>d;
  }
  const whole = <i32>(i - a);
  if (i == b) {
    if (whole > 15) tooLong = true;
    return <f64>m;
  }
  if (load<u8>(i) != DOT) return b - a == 1 && load<u8>(a) == DASH ? NULL : NaN;
  const dot = i;
  for (i++; i < b; i++) {
    const d = <u32>load<u8>(i) - 48;
    if (d > 9) return NaN;
    m = m * 10 + <i64>d;
  }
  const fraction = <i32>(b - dot - 1);
  if (whole + fraction == 0) return NaN;
  if (whole + fraction > 15) {
    tooLong = true;
    return 0;
  }
  return <f64>m / unchecked(POW10[fraction]);
}

function integer(a: usize, b: usize): f64 {
  const v = decimal(a, b);
  return v == NULL || v == Math.floor(v) ? v : NaN;
}

@inline
function isNone(a: usize, b: usize): bool {
  return a == b || (b - a == 1 && load<u8>(a) == DASH);
}

function wholeOrNone(a: usize, b: usize): bool {
  if (isNone(a, b)) return true;
  return !isNaN(integer(a, b));
}

function hostPortOk(a: usize, b: usize): bool {
  const k = findLast(a, b, COLON);
  if (k < a || k == a - 1) return false;
  return !isNaN(integer(k + 1, b));
}

@inline
function isAlpha(c: u32): bool {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSchemeChar(c: u32, first: bool): bool {
  if (first) return isAlpha(c);
  return isAlpha(c) || (c >= 48 && c <= 57) || c == 43 || c == 46 || c == 45;
}

/** A hash of n bytes at p, eight at a time (the bytes past n are masked off). */
function hashBytes(p: usize, n: i32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>n;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    h = (h ^ load<u64>(p + <usize>i)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
  }
  const left = n - i;
  if (left > 0) {
    const w = load<u64>(p + <usize>i) & ((<u64>1 << (<u64>left * 8)) - 1);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53;
    h ^= h >> 32;
  }
  return <u32>h ^ <u32>(h >> 32);
}

function sameBytes(p: usize, q: usize, n: i32): bool {
  let i = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(p + <usize>i) != load<u64>(q + <usize>i)) return false;
  for (; i < n; i++) if (load<u8>(p + <usize>i) != load<u8>(q + <usize>i)) return false;
  return true;
}

/**
 * The id of the bytes [p, p + n) in table t: its slot, | NEW when the slot
 * was just (re)filled. A slot keeps one string; another that hashes there
 * takes it (bounded memory, as in path-keys.ts).
 */
function intern(t: i32, p: usize, n: i32): i32 {
  if (n > MAX_INTERNED) return LONG;
  const h = hashBytes(p, n);
  const slot = (h ^ (h >> 13)) & (SLOTS - 1);
  const at = TABLES + <usize>t * TABLE_BYTES + <usize>slot * SLOT_BYTES;
  if (load<u32>(at) == h && load<u32>(at, 4) == <u32>n + 1 && sameBytes(at + 8, p, n)) return <i32>slot;
  store<u32>(at, h);
  store<u32>(at, <u32>n + 1, 4);
  memory.copy(at + 8, p, <usize>n);
  return <i32>slot | NEW;
}

/** A field as a string id: NONE for `-` or empty. */
@inline
function internField(t: i32, a: usize, b: usize): i32 {
  return isNone(a, b) ? NONE : intern(t, a, <i32>(b - a));
}

/**
 * pathKey() (paths.ts) of the URI [a, b), as path-keys.ts works it out: the
 * query left out, cut at MAX_PATH, identifier segments as `{id}`. Writes the
 * key's bytes at KEY and returns how many; `exact` (written to the record)
 * says whether it is the path itself.
 */
function pathKeyBytes(a: usize, b: usize, rec: usize): i32 {
  const lim = b - a > MAX_PATH ? a + MAX_PATH : b;
  let n: usize = 0;
  let ids = false;
  let segOut: usize = 0;
  let digits = true;
  let hex = true;
  let anyDigit = false;
  let i = a;
  for (; ; i++) {
    const c: u32 = i < lim ? <u32>load<u8>(i) : QUESTION;
    if (c == SLASH || c == QUESTION) {
      const len = n - segOut;
      if (len > 0 && (digits || (hex && anyDigit && len >= 16))) {
        ids = true;
        n = segOut;
        store<u32>(KEY + n, 0x7d64697b); // "{id}"
        n += 4;
      }
      if (c == QUESTION) break;
      store<u8>(KEY + n, SLASH);
      n++;
      segOut = n;
      digits = true;
      hex = true;
      anyDigit = false;
      continue;
    }
    store<u8>(KEY + n, <u8>c);
    n++;
    if (c >= 48 && c <= 57) anyDigit = true;
    else {
      digits = false;
      if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c == 45)) hex = false;
    }
  }
  store<i32>(rec + <usize>(I_PATH_EXACT * 4), !ids && (i == b || load<u8>(i) == QUESTION) ? 1 : 0);
  return <i32>n;
}

/** The seven usual methods as 1..7 (fast-line.ts's METHODS order), 0 for another. */
function methodCode(a: usize, b: usize): i32 {
  const n = b - a;
  const w = load<u32>(a);
  if (n == 3) {
    const w3 = w & 0xffffff;
    if (w3 == 0x544547) return 1; // GET
    if (w3 == 0x545550) return 4; // PUT
    return 0;
  }
  if (n == 4) {
    if (w == 0x54534f50) return 2; // POST
    if (w == 0x44414548) return 3; // HEAD
    return 0;
  }
  if (n == 5) return w == 0x43544150 && load<u8>(a, 4) == 72 ? 7 : 0; // PATCH
  if (n == 6) return w == 0x454c4544 && load<u16>(a, 4) == 0x4554 ? 5 : 0; // DELETE
  if (n == 7) return w == 0x4954504f && load<u16>(a, 4) == 0x4e4f && load<u8>(a, 6) == 83 ? 6 : 0; // OPTIONS
  return 0;
}

/** request() of fast-line.ts: `METHOD [scheme://host]/uri PROTOCOL`. */
function request(a: usize, b: usize, rec: usize): bool {
  const sp1 = find(a, b, SPACE);
  const sp2 = findLast(a, b, SPACE);
  if (sp1 <= a || sp1 >= b || sp2 == a - 1 || sp2 <= sp1 || sp2 >= b - 1) return false;
  if (find(sp1 + 1, b, SPACE) != sp2) return false;
  const target = sp1 + 1;
  let path = target;
  let k = target;
  while (k < sp2 && isSchemeChar(<u32>load<u8>(k), k == target)) k++;
  if (k > target && k + 3 <= sp2 && load<u8>(k) == COLON && load<u8>(k + 1) == SLASH && load<u8>(k + 2) == SLASH) {
    path = find(k + 3, sp2, SLASH);
  }
  store<i32>(rec + <usize>(I_METHOD * 4), methodCode(a, sp1));
  store<i32>(rec + <usize>(I_METHOD_START * 4), <i32>(a - IN));
  store<i32>(rec + <usize>(I_METHOD_END * 4), <i32>(sp1 - IN));
  store<i32>(rec + <usize>(I_URI_START * 4), <i32>(path - IN));
  store<i32>(rec + <usize>(I_URI_END * 4), <i32>(sp2 - IN));
  return true;
}

/** fixedLayout() of fast-line.ts: the 33 fields, one space apart, each of its kind. */
function fixedLayout(a: usize, b: usize): bool {
  let i = a;
  for (let n = 0; n < FIELDS; n++) {
    if (i >= b) return false;
    const c = load<u8>(i);
    const bit = <u64>1 << <u64>n;
    if ((QUOTED_FIELDS & bit) == 0 && (BRACKETED_FIELDS & bit) == 0) {
      if (c == QUOTE || c == BRACKET || c == SPACE) return false;
      const j = find(i, b, SPACE);
      unchecked((starts[n] = <u32>i));
      unchecked((ends[n] = <u32>j));
      i = j + 1;
    } else {
      const quoted = (QUOTED_FIELDS & bit) != 0;
      if (c != (quoted ? QUOTE : BRACKET)) return false;
      const j = find(i + 1, b, quoted ? QUOTE : CLOSE_BRACKET);
      if (j >= b) return false;
      unchecked((starts[n] = <u32>(i + 1)));
      unchecked((ends[n] = <u32>j));
      if (j + 1 < b && load<u8>(j + 1) != SPACE) return false;
      i = j + 2;
    }
  }
  return i >= b;
}

@inline
function st(n: i32): usize {
  return <usize>unchecked(starts[n]);
}

@inline
function en(n: i32): usize {
  return <usize>unchecked(ends[n]);
}

/** The line [a, b) into its records; false when JavaScript must read it. */
function readLine(a: usize, b: usize, rec: usize, f: usize): bool {
  tooLong = false;
  if (!fixedLayout(a, b)) return false;
  const msec = decimal(st(0), en(0));
  if (msec == NULL || isNaN(msec)) return false;
  if (!hostPortOk(st(4), en(4))) return false;
  const status = integer(st(5), en(5));
  if (status == NULL || isNaN(status)) return false;
  if (!request(st(6), en(6), rec)) return false;
  for (let k = 7; k <= 9; k++) if (!wholeOrNone(st(k), en(k))) return false;
  const rt = decimal(st(10), en(10));
  if (isNaN(rt)) return false;
  // Several attempts (a comma anywhere in the five upstream fields): fast-line.ts splits them.
  if (find(st(11), en(15), COMMA) < en(15)) return false;
  if (!hostPortOk(st(25), en(25))) return false;
  const rtt = decimal(st(31), en(31));
  if (isNaN(rtt)) return false;

  // One attempt or none (oneAttempt() of fast-line.ts).
  const a15 = st(15);
  const b15 = en(15);
  const noAddr = isNone(a15, b15);
  let attempts = 1;
  if (noAddr && isNone(st(11), en(11)) && isNone(st(12), en(12)) && isNone(st(13), en(13)) && isNone(st(14), en(14)))
    attempts = 0;
  else {
    if (find(a15, b15, SPACE) < b15) return false;
    const ust = integer(st(11), en(11));
    const ct = decimal(st(12), en(12));
    const ht = decimal(st(13), en(13));
    const urt = decimal(st(14), en(14));
    if (isNaN(ust) || isNaN(ct) || isNaN(ht) || isNaN(urt)) return false;
    store<f64>(f + <usize>(F_UP_STATUS * 8), ust);
    store<f64>(f + <usize>(F_CONNECT * 8), ct);
    store<f64>(f + <usize>(F_HEADER * 8), ht);
    store<f64>(f + <usize>(F_RESPONSE * 8), urt);
    store<i32>(rec + <usize>(I_ADDR_START * 4), <i32>(a15 - IN));
    store<i32>(rec + <usize>(I_ADDR_END * 4), <i32>(b15 - IN));
  }
  if (tooLong) return false;
  // Accepted. Only now are strings interned: JavaScript must see every id marked NEW,
  // and it reads no id of a line it reads itself.
  if (attempts == 1) store<i32>(rec + <usize>(I_ADDR * 4), noAddr ? NONE : intern(T_ADDR, a15, <i32>(b15 - a15)));
  const uriStart = IN + <usize>load<i32>(rec + <usize>(I_URI_START * 4));
  const uriEnd = IN + <usize>load<i32>(rec + <usize>(I_URI_END * 4));
  store<i32>(rec + <usize>(I_PATH * 4), intern(T_PATH, KEY, pathKeyBytes(uriStart, uriEnd, rec)));
  store<i32>(rec + <usize>(I_ATTEMPTS * 4), attempts);
  store<f64>(f + <usize>(F_MSEC * 8), msec);
  store<f64>(f + <usize>(F_STATUS * 8), status);
  store<f64>(f + <usize>(F_REQUEST_TIME * 8), rt);
  store<f64>(f + <usize>(F_RTT * 8), rtt);
  store<i32>(rec + <usize>(I_AGENT * 4), internField(T_AGENT, st(16), en(16)));
  store<i32>(rec + <usize>(I_AGENT_START * 4), <i32>(st(16) - IN));
  store<i32>(rec + <usize>(I_AGENT_END * 4), <i32>(en(16) - IN));
  store<i32>(rec + <usize>(I_NAME * 4), internField(T_NAME, st(23), en(23)));
  store<i32>(rec + <usize>(I_NAME_START * 4), <i32>(st(23) - IN));
  store<i32>(rec + <usize>(I_NAME_END * 4), <i32>(en(23) - IN));
  store<i32>(rec + <usize>(I_TIME_START * 4), <i32>(st(2) - IN));
  store<i32>(rec + <usize>(I_TIME_END * 4), <i32>(en(2) - IN));
  store<i32>(rec + <usize>(I_CLIENT_START * 4), <i32>(st(4) - IN));
  store<i32>(rec + <usize>(I_CLIENT_END * 4), <i32>(en(4) - IN));
  return true;
}

/**
 * Reads the lines of IN[0, length), at most MAX_LINES of them, stopping before
 * a line that starts at or after `stopAt`; returns how many it wrote, and
 * position() where it stopped. A line ends at "\n" or at `length`.
 */
export function scan(length: i32, stopAt: i32, from: i32): i32 {
  const end = IN + <usize>length;
  const stop = IN + <usize>stopAt;
  let p = IN + <usize>from;
  let lines = 0;
  const nl = i8x16.splat(<i8>NL);
  const bs = i8x16.splat(<i8>BACKSLASH);
  while (p < end && p < stop && lines < MAX_LINES) {
    // The line's end, and whether it holds a backslash (an escape: JavaScript reads it).
    let i = p;
    let escaped = false;
    let e = end;
    while (i < end) {
      const v = v128.load(i);
      let m = <u32>i8x16.bitmask(i8x16.eq(v, nl));
      let x = <u32>i8x16.bitmask(i8x16.eq(v, bs));
      const left = end - i;
      if (left < 16) {
        const keep = (<u32>1 << <u32>left) - 1;
        m &= keep;
        x &= keep;
      }
      if (m != 0) {
        const k = ctz(m);
        if ((x & ((<u32>1 << k) - 1)) != 0) escaped = true;
        e = i + <usize>k;
        break;
      }
      if (x != 0) escaped = true;
      i += 16;
    }
    let b = e;
    if (b > p && load<u8>(b - 1) == CR) b--;
    const rec = OUT_I + <usize>(lines * I_STRIDE * 4);
    const f = OUT_F + <usize>(lines * F_STRIDE * 8);
    store<i32>(rec + <usize>(I_START * 4), <i32>(p - IN));
    store<i32>(rec + <usize>(I_END * 4), <i32>(e - IN));
    let kind = FALLBACK;
    if (b == p) kind = BLANK;
    else if (!escaped && readLine(p, b, rec, f)) kind = RECORD;
    store<i32>(rec + <usize>(I_KIND * 4), kind);
    lines++;
    p = e + 1;
  }
  stoppedAt = p > end ? end : p;
  return lines;
}

/** Test hook: the path key of IN[a, b), its bytes at keyAddress(); returns their count (exact: in the first record). */
export function pathKeyOf(a: i32, b: i32): i32 {
  return pathKeyBytes(IN + <usize>a, IN + <usize>b, OUT_I);
}

export function keyAddress(): i32 {
  return <i32>KEY;
}
