// Per-key statistics (members, paths, retry routes) in bounded memory, and
// the same whatever order the lines came in and however they were shared out
// among worker threads.
//
// "Keep the first N keys seen" is not: each worker would keep different ones.
// Here a key is kept when a hash of it is below a limit, 2^32 >> level; the
// level goes up (halving the limit, folding the keys now above it into
// "(other)") while more than `capacity` keys are kept. So the keys kept are
// always "every key whose hash is below 2^32 >> L", L the smallest level at
// which at most `capacity` of the log's keys are below: a function of the set
// of keys alone. A worker sees a subset of the keys, so its level is at most
// L, and every key of the final set was kept, with all its lines, by every
// worker that saw it; merging raises the level to L and folds the rest into
// "(other)". Counts of kept keys and of "(other)" are exact; which keys are
// kept is a hash sample when the log has more than `capacity` of them.
import { detached } from './paths.js';

export const OTHER = '(other)';

export interface EntryOps<V> {
  create(): V;
  /** Adds `from` into `into`, which may be "(other)". */
  fold(into: V, from: V): void;
}

/** Plain data of a table, as it crosses a thread boundary. */
export interface TableState<S> {
  level: number;
  entries: [string, S][];
  other: S | null;
}

/** FNV-1a over the UTF-16 code units, then a 32-bit finaliser (MurmurHash3's) so high bits mix well. */
function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class SampledTable<V> {
  private readonly map = new Map<string, V>();
  private otherEntry: V | undefined;
  private level = 0;
  private limit = 2 ** 32;

  /** `onFold` runs when kept entries were folded into "(other)": references to them are stale. */
  constructor(
    private readonly capacity: number,
    private readonly ops: EntryOps<V>,
    private readonly onFold: () => void = () => {},
  ) {}

  /** The entry lines of `key` add to: its own, or "(other)". */
  get(key: string): V {
    const v = this.map.get(key);
    if (v !== undefined) return v;
    if (keyHash(key) >= this.limit) return this.other();
    const created = this.ops.create();
    this.map.set(detached(key), created);
    if (this.map.size <= this.capacity) return created;
    this.raise();
    return this.map.get(key) ?? this.other();
  }

  /** Whether some key's lines went to "(other)". */
  get truncated(): boolean {
    return this.otherEntry !== undefined;
  }

  /** Distinct keys: exact while nothing was folded, else estimated from the sample (kept × 2^level). */
  get distinct(): number {
    return this.map.size * 2 ** this.level;
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  /**
   * The `count` entries of greatest `weight` (ties: key order), and a fresh
   * "(other)" holding "(other)" and the rest; null when nothing is in it.
   */
  top(count: number, weight: (v: V) => number): { kept: [string, V][]; other: V | null } {
    const ranked = [...this.map].sort((a, b) => weight(b[1]) - weight(a[1]) || compareKeys(a[0], b[0]));
    const rest = ranked.slice(count);
    if (rest.length === 0 && this.otherEntry === undefined) return { kept: ranked, other: null };
    const other = this.ops.create();
    if (this.otherEntry !== undefined) this.ops.fold(other, this.otherEntry);
    for (const [, v] of rest) this.ops.fold(other, v);
    return { kept: ranked.slice(0, count), other };
  }

  state<S>(toState: (v: V) => S): TableState<S> {
    return {
      level: this.level,
      entries: [...this.map].map(([k, v]) => [k, toState(v)]),
      other: this.otherEntry === undefined ? null : toState(this.otherEntry),
    };
  }

  merge<S>(st: TableState<S>, fromState: (s: S) => V): void {
    if (st.level > this.level) this.setLevel(st.level);
    for (const [key, s] of st.entries) {
      const v = fromState(s);
      if (keyHash(key) >= this.limit) this.ops.fold(this.other(), v);
      else {
        const into = this.map.get(key);
        if (into !== undefined) this.ops.fold(into, v);
        else this.map.set(key, v);
      }
    }
    if (st.other !== null) this.ops.fold(this.other(), fromState(st.other));
    if (this.map.size > this.capacity) this.raise();
  }

  private other(): V {
    this.otherEntry ??= this.ops.create();
    return this.otherEntry;
  }

  private raise(): void {
    let level = this.level;
    while (this.map.size > this.capacity && level < 32) {
      level++;
      this.setLevel(level);
    }
  }

  private setLevel(level: number): void {
    this.level = level;
    this.limit = 2 ** (32 - level);
    let folded = false;
    for (const [key, v] of this.map) {
      if (keyHash(key) < this.limit) continue;
      this.ops.fold(this.other(), v);
      this.map.delete(key);
      folded = true;
    }
    if (folded) this.onFold();
  }
}

/** Code-unit order, the same in every locale (localeCompare is not). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
