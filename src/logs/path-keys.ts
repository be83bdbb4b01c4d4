// The summary's path key (paths.ts: query left out, identifier segments as
// `{id}`) of each line's URI, without making the URI or the key string per
// line: the key's bytes are worked out from the URI's in place, hashed,
// checked against the key made the last time that hash came up, and that same
// string object comes back (a Map keyed by it then reuses the hash V8 cached
// in it). A day of logs holds a few hundred keys among millions of lines.
// Direct-mapped and bounded: a key that shares its slot with another is just
// made again; memory stays the same however many paths the log holds.
import { MAX_PATH, pathKey } from './paths.js';

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

function sameBytes(k: Uint8Array, u: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (k[i] !== u[i]) return false;
  return true;
}

/**
 * pathKey() of the URI u[a, b) without making the URI string. One pass writes
 * the key's bytes into a scratch array (an identifier segment as `{id}`) and
 * hashes them; the key made last time for that hash is given back when its
 * bytes are the same. `exact` says whether the key is the URI's path itself
 * (no `{id}`, not cut at MAX_PATH): the health-check rule reads that path.
 */
export class PathKeys {
  private readonly keys: (Uint8Array | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly strings: string[] = new Array(SLOTS).fill('');
  /** The key's bytes; an identifier segment (at least one byte) never makes it longer than 4 × MAX_PATH. */
  private readonly out = new Uint8Array(4 * MAX_PATH);
  /** Of the last get(). */
  exact = false;

  get(s: string, u: Uint8Array, a: number, b: number): string {
    const out = this.out;
    const lim = b - a > MAX_PATH ? a + MAX_PATH : b;
    let n = 0;
    let h = 0x811c9dc5;
    let ids = false;
    // The segment being read: where it starts in `out`, the hash before it, what it could be.
    let segOut = 0;
    let segHash = h;
    let digits = true;
    let hex = true;
    let anyDigit = false;
    let i = a;
    for (; ; i++) {
      const c = i < lim ? u[i]! : QUESTION;
      if (c === SLASH || c === QUESTION) {
        const len = n - segOut;
        // isIdSegment() (paths.ts), flag by flag.
        if (len > 0 && (digits || (hex && anyDigit && len >= 16))) {
          ids = true;
          n = segOut;
          h = segHash;
          for (let j = 0; j < 4; j++) {
            out[n++] = ID[j]!;
            h = fnv(h, ID[j]!);
          }
        }
        if (c === QUESTION) break;
        out[n++] = SLASH;
        h = fnv(h, SLASH);
        segOut = n;
        segHash = h;
        digits = true;
        hex = true;
        anyDigit = false;
        continue;
      }
      out[n++] = c;
      h = fnv(h, c);
      const digit = c >= 48 && c <= 57;
      if (digit) anyDigit = true;
      else {
        digits = false;
        if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45)) hex = false;
      }
    }
    this.exact = !ids && (i === b || u[i] === QUESTION);
    const slot = slotOf(h);
    const k = this.keys[slot];
    if (k !== undefined && k.length === n && sameBytes(k, out, n)) return this.strings[slot]!;
    const key = pathKey(s.slice(a, b));
    if (key.length <= MAX_INTERNED) {
      this.keys[slot] = Buffer.from(key, 'latin1');
      this.strings[slot] = ` ${key}`.slice(1);
    }
    return key;
  }
}
