// Which playbook fits what the on-call person sees: `lbdoctor list 502`,
// `list health check flapping`, `list 1.6`, `list somaxconn`. Each word
// scores where it is found in a playbook's catalog entry: a FAQ section
// exactly, the id, the title and symptoms (what a person would say), a
// conclusion's id, then the description and the conclusions' titles. Only the
// playbooks matching the most words are kept, best first.
import type { PlaybookSummary } from './catalog.js';
import { didYouMean, queryWords, rankByWords, words } from '../word-search.js';

const SECTION = /^\d+\.\d+$/;

/** A text's words, and the halves of words written with a slash ("502/504", "4xx/5xx"). */
function textWords(text: string): string[] {
  const out = words(text.replace(/\{\{[^}]*\}\}/g, ' '));
  for (const w of out) if (w.includes('/')) out.push(...w.split('/').filter((x) => x.length > 0));
  return out;
}

interface Indexed {
  readonly summary: PlaybookSummary;
  readonly idParts: readonly string[];
  readonly conclusionParts: readonly string[];
  /** Title and symptoms: what the person at the console sees. */
  readonly seen: readonly string[];
  /** Description and the conclusions' titles. */
  readonly body: readonly string[];
}

function index(p: PlaybookSummary): Indexed {
  return {
    summary: p,
    idParts: [p.id, ...p.id.split('-')],
    conclusionParts: p.conclusions.flatMap((c) => [c.id, ...c.id.split('-')]),
    seen: [p.title, ...p.symptoms].flatMap(textWords),
    body: [p.description, ...p.conclusions.map((c) => c.title)].flatMap(textWords),
  };
}

function wordScore(p: Indexed, word: string): number {
  if (SECTION.test(word) && p.summary.faq.includes(word)) return p.summary.faq[0] === word ? 10 : 8;
  if (p.idParts.includes(word)) return 6;
  if (p.seen.includes(word)) return 4;
  if (p.conclusionParts.includes(word)) return 3;
  if (word.length >= 3 && p.seen.some((t) => t.startsWith(word))) return 2;
  if (p.body.some((t) => t === word || (word.length >= 4 && t.startsWith(word)))) return 1;
  return 0;
}

/** The playbooks matching the most of the query's words, best first; [] when none matches any. */
export function searchPlaybooks(
  query: readonly string[],
  playbooks: readonly PlaybookSummary[],
): PlaybookSummary[] {
  const asked = queryWords(query);
  if (asked.length === 0) return [];
  const ranked = rankByWords(playbooks.map(index), asked, wordScore);
  const most = ranked[0]?.matched ?? 0;
  return ranked.filter((m) => m.matched === most).map((m) => m.item.summary);
}

/** For a query with no match: close words from the playbooks' ids, titles and symptoms. */
export function playbookWordsNear(query: readonly string[], playbooks: readonly PlaybookSummary[]): string[] {
  const vocabulary = new Set<string>();
  for (const p of playbooks.map(index)) {
    for (const w of [...p.idParts, ...p.conclusionParts, ...p.seen]) if (w.length >= 4) vocabulary.add(w);
  }
  return didYouMean(query, [...vocabulary]);
}
