// Finding things by the words a person types at 3 a.m. (`lbdoctor explain
// websocket timeout`, `lbdoctor list 502`): the query split into words, each
// word scored against an item by the caller (where it is found says how much
// it counts), items ranked by how many words they matched, then by score.
import { closeMatch } from './suggest.js';

export interface WordMatch<T> {
  readonly item: T;
  readonly score: number;
  /** How many of the query's words it matched. */
  readonly matched: number;
}

/** Words a question is made of that say nothing about its subject. */
const FILLER = new Set(
  'a an and are be can do does for from how i in is it my of on or the to what when why will with'.split(' '),
);

/** Lowercased words: letters, digits, dots and slashes kept (100.125.0.0/16, 5.6), the rest splits. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9./_-]+/)
    .map((w) => w.replace(/^[.\-/]+|[.\-/]+$/g, ''))
    .filter((w) => w.length > 0);
}

/** The words of a query that carry meaning (filler like "why", "the" dropped). */
export function queryWords(query: readonly string[]): string[] {
  return query.flatMap(words).filter((w) => !FILLER.has(w));
}

/** Items that match at least one word, best first: more words matched, then a higher total score. */
export function rankByWords<T>(
  items: readonly T[],
  asked: readonly string[],
  wordScore: (item: T, word: string) => number,
): WordMatch<T>[] {
  const matches: WordMatch<T>[] = [];
  for (const item of items) {
    const scores = asked.map((w) => wordScore(item, w));
    const matched = scores.filter((s) => s > 0).length;
    if (matched > 0) matches.push({ item, score: scores.reduce((a, b) => a + b, 0), matched });
  }
  return matches.sort((a, b) => b.matched - a.matched || b.score - a.score);
}

/** For a query with no match: a close word from `vocabulary` for each word ("timout" → "timeout"). */
export function didYouMean(query: readonly string[], vocabulary: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of query.flatMap(words)) {
    const near = closeMatch(w, vocabulary);
    if (near && near !== w) out.push(near);
  }
  return out;
}
