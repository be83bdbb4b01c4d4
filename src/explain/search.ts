// Finding explain topics by words: `lbdoctor explain websocket timeout`,
// `explain 100.125`, `explain 8.4`. Each word scores where it is found (an id
// or keyword beats the title, the title beats the answer; a FAQ section
// number matches exactly); topics are ranked by score, and only topics that
// match every word rank above those that match some.
import { didYouMean as closeWords, queryWords, rankByWords, words } from '../word-search.js';
import { type ExplainTopic, TOPICS } from './topics.js';

export { words };

export interface ExplainMatch {
  readonly topic: ExplainTopic;
  readonly score: number;
  /** How many of the query's words it matched. */
  readonly matched: number;
}

const SECTION = /^\d+\.\d+$/;

function wordScore(topic: ExplainTopic, word: string): number {
  // "100.125" reads like a section number too: fall through to the words.
  if (SECTION.test(word) && topic.faq.includes(word)) return topic.faq[0] === word ? 10 : 8;
  if (topic.id === word || topic.id.split('-').includes(word)) return 6;
  if (topic.keywords.some((k) => k === word)) return 5;
  if (topic.keywords.some((k) => k.startsWith(word) && word.length >= 3)) return 4;
  const title = words(topic.title);
  if (title.includes(word)) return 3;
  if (word.length >= 3 && title.some((t) => t.startsWith(word))) return 2;
  if (words(topic.answer).some((a) => a === word || (word.length >= 4 && a.startsWith(word)))) return 1;
  return 0;
}

/** Topics matching the query's words, best first. */
export function searchTopics(
  query: readonly string[],
  topics: readonly ExplainTopic[] = TOPICS,
): ExplainMatch[] {
  const asked = queryWords(query);
  if (asked.length === 0) return [];
  const exact = topics.find((t) => asked.length === 1 && t.id === asked[0]);
  if (exact) return [{ topic: exact, score: Number.POSITIVE_INFINITY, matched: 1 }];
  return rankByWords(topics, asked, wordScore).map(({ item, score, matched }) => ({
    topic: item,
    score,
    matched,
  }));
}

/** The vocabulary a misspelt word is compared with: ids, keywords, title words. */
function vocabulary(topics: readonly ExplainTopic[]): string[] {
  const all = new Set<string>();
  for (const t of topics) {
    all.add(t.id);
    for (const k of t.keywords) all.add(k);
    for (const w of words(t.title)) if (w.length >= 4) all.add(w);
  }
  return [...all];
}

/** For a query with no match: a close word for each word that matched nothing ("timout" → "timeout"). */
export function didYouMean(query: readonly string[], topics: readonly ExplainTopic[] = TOPICS): string[] {
  return closeWords(query, vocabulary(topics));
}
