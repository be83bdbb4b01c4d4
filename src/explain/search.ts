// Finding explain topics by words: `lbdoctor explain websocket timeout`,
// `explain 100.125`, `explain 8.4`. Each word scores where it is found (an id
// or keyword beats the title, the title beats the answer; a FAQ section
// number matches exactly); topics are ranked by score, and only topics that
// match every word rank above those that match some.
import { closeMatch } from '../suggest.js';
import { type ExplainTopic, TOPICS } from './topics.js';

export interface ExplainMatch {
  readonly topic: ExplainTopic;
  readonly score: number;
  /** How many of the query's words it matched. */
  readonly matched: number;
}

const SECTION = /^\d+\.\d+$/;
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
  const asked = query.flatMap(words).filter((w) => !FILLER.has(w));
  if (asked.length === 0) return [];
  const exact = topics.find((t) => asked.length === 1 && t.id === asked[0]);
  if (exact) return [{ topic: exact, score: Number.POSITIVE_INFINITY, matched: 1 }];
  const matches: ExplainMatch[] = [];
  for (const topic of topics) {
    const scores = asked.map((w) => wordScore(topic, w));
    const matched = scores.filter((s) => s > 0).length;
    if (matched > 0) matches.push({ topic, score: scores.reduce((a, b) => a + b, 0), matched });
  }
  return matches.sort((a, b) => b.matched - a.matched || b.score - a.score);
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
  const vocab = vocabulary(topics);
  const out: string[] = [];
  for (const w of query.flatMap(words)) {
    const near = closeMatch(w, vocab);
    if (near && near !== w) out.push(near);
  }
  return out;
}
