// The summary's path key (paths.ts: query left out, identifier segments as
// `{id}`) of each line's URI, without making the URI or the key string per
// line: the URI's bytes are hashed in place, segment by segment, checked
// against the key made the last time that hash came up, and that same string
// object comes back (a Map keyed by it then reuses the hash V8 cached in it).
// A day of logs holds a few hundred keys among millions of lines. Direct-mapped
// and bounded: a key that shares its slot with another is just made again;
// memory stays the same however many paths the log holds.
import { isIdSegment, MAX_PATH, pathKey } from './paths.js';

const SLOTS = 4096;
/** Longer keys are made each time, never kept. */
const MAX_INTERNED = 256;
const SLASH = 47;
const QUESTION = 63;
const ID = new Uint8Array([123, 105, 100, 125]); // {id}

function fnv(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

function slotOf(h: number): number {
  return (h ^ (h >>> 13)) & (SLOTS - 1);
}

function sameBytes(k: Uint8Array, u: Uint8Array, a: number): boolean {
  for (let i = 0; i < k.length; i++) if (k[i] !== u[a + i]) return false;
  return true;
}

/**
 * pathKey() of the URI u[a, b) without making the URI string: the key is
 * hashed segment by segment (an identifier segment as `{id}`) and compared
 * with the key made last time for that hash. `exact` says whether the key is
 * the URI's path itself (no `{id}`, not cut at MAX_PATH): the health-check
 * rule reads that path.
 */
export class PathKeys {
  private readonly keys: (Uint8Array | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly strings: string[] = new Array(SLOTS).fill('');
  /** Of the last get(). */
  exact = false;

  get(s: string, u: Uint8Array, a: number, b: number): string {
    const lim = b - a > MAX_PATH ? a + MAX_PATH : b;
    let end = a;
    while (end < lim && u[end] !== QUESTION) end++;
    let h = 0x811c9dc5;
    let ids = false;
    let seg = a;
    for (let i = a; i <= end; i++) {
      if (i < end && u[i] !== SLASH) continue;
      if (isIdSegment(u, seg, i)) {
        ids = true;
        for (let j = 0; j < 4; j++) h = fnv(h, ID[j]!);
      } else for (let j = seg; j < i; j++) h = fnv(h, u[j]!);
      if (i < end) h = fnv(h, SLASH);
      seg = i + 1;
    }
    this.exact = !ids && (end === b || u[end] === QUESTION);
    const slot = slotOf(h);
    const k = this.keys[slot];
    if (k !== undefined && this.matches(k, u, a, end)) return this.strings[slot]!;
    const key = pathKey(s.slice(a, b));
    if (key.length <= MAX_INTERNED) {
      this.keys[slot] = Buffer.from(key, 'latin1');
      this.strings[slot] = ` ${key}`.slice(1);
    }
    return key;
  }

  /** Whether k is the key of u[a, end): the same walk as get(). */
  private matches(k: Uint8Array, u: Uint8Array, a: number, end: number): boolean {
    let p = 0;
    let seg = a;
    for (let i = a; i <= end; i++) {
      if (i < end && u[i] !== SLASH) continue;
      if (isIdSegment(u, seg, i)) {
        if (p + 4 > k.length || !sameBytes(ID, k, p)) return false;
        p += 4;
      } else {
        const n = i - seg;
        if (p + n > k.length) return false;
        for (let j = 0; j < n; j++) if (k[p + j] !== u[seg + j]) return false;
        p += n;
      }
      if (i < end) {
        if (k[p] !== SLASH) return false;
        p++;
      }
      seg = i + 1;
    }
    return p === k.length;
  }
}
