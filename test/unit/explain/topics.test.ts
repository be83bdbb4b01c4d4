// The explain topics: every informational FAQ section (FAQ-MAP.md's
// `lbdoctor explain` row) has one, every section a topic cites exists, the
// answers are in our own words (no run of the FAQ's words copied), and the
// search finds what people type.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { didYouMean, searchTopics, words } from '../../../src/explain/search.js';
import { TOPICS } from '../../../src/explain/topics.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const FAQ = here('../../../../shared/seed/elb-faq.md');
const MAP = here('../../../../shared/FAQ-MAP.md');
const shared = existsSync(FAQ) && existsSync(MAP);

/** "3.2, 4.4–4.7, 8.x" → the FAQ's section numbers it covers. */
function expandSections(cell: string, all: readonly string[]): string[] {
  return cell.split(',').flatMap((part) => {
    const p = part.trim();
    const wild = /^(\d+)\.x$/.exec(p);
    if (wild) return all.filter((s) => s.startsWith(`${wild[1]}.`));
    const range = /^(\d+)\.(\d+)[–-](\d+)\.(\d+)$/.exec(p);
    if (range) {
      const [, ch, from, , to] = range;
      return all.filter(
        (s) =>
          s.startsWith(`${ch}.`) &&
          Number(s.split('.')[1]) >= Number(from) &&
          Number(s.split('.')[1]) <= Number(to),
      );
    }
    return [p];
  });
}

/** Sequences of `n` words, lowercased, markup dropped. */
function shingles(text: string, n: number): Set<string> {
  const w = text
    .toLowerCase()
    .replace(/<[^>]+>|[*_`#|$\\]/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + n <= w.length; i++) out.add(w.slice(i, i + n).join(' '));
  return out;
}

describe('explain topics', () => {
  const faq = shared ? readFileSync(FAQ, 'utf8') : '';
  const sections = [...faq.matchAll(/^#+ (\d+\.\d+) /gm)].map((m) => m[1]!);

  it('ids are unique kebab-case; answers fit 76 columns', () => {
    expect(new Set(TOPICS.map((t) => t.id)).size).toBe(TOPICS.length);
    for (const t of TOPICS) {
      expect(t.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const line of t.answer.split('\n'))
        expect(line.length, `${t.id}: ${line}`).toBeLessThanOrEqual(76);
    }
  });

  it.skipIf(!shared)("every informational section of FAQ-MAP's explain row has a topic", () => {
    const row = readFileSync(MAP, 'utf8')
      .split('\n')
      .find((l) => l.includes('`lbdoctor explain'));
    expect(row).toBeDefined();
    const wanted = expandSections(row!.split('|')[1]!, sections);
    expect(wanted).toContain('8.4');
    expect(wanted).toContain('4.5');
    const covered = new Set(TOPICS.flatMap((t) => t.faq));
    expect(wanted.filter((s) => !covered.has(s))).toEqual([]);
  });

  it.skipIf(!shared)('every section a topic cites exists in the FAQ', () => {
    for (const t of TOPICS) for (const s of t.faq) expect(sections, `${t.id} cites ${s}`).toContain(s);
  });

  it.skipIf(!shared)('no answer copies the FAQ: no seven words in a row are the FAQ’s', () => {
    const source = shingles(faq, 7);
    for (const t of TOPICS) {
      const copied = [...shingles(t.title, 7), ...shingles(t.answer, 7)].filter((s) => source.has(s));
      expect(copied, t.id).toEqual([]);
    }
  });
});

describe('explain search', () => {
  const top = (...q: string[]) => searchTopics(q)[0]?.topic.id;

  it('finds topics by words, addresses, section numbers and ids', () => {
    expect(top('100.125')).toBe('lb-source-range');
    expect(top('websocket', 'timeout')).toBe('websocket');
    expect(top('8.4')).toBe('frozen-load-balancer');
    expect(top('5.6')).toBe('listener-timeouts');
    expect(top('frozen')).toBe('frozen-load-balancer');
    expect(top('waf')).toBe('waf-in-front');
    expect(top('active-connections')).toBe('active-connections');
    expect(top('Cloud Eye active connections')).toBe('active-connections');
    expect(top('why', 'can', 'I', 'reach', 'my', 'servers', 'with', 'a', 'whitelist?')).toBe(
      'whitelist-scope',
    );
    expect(top('how', 'long', 'are', 'access', 'logs', 'kept')).toBe('access-log-retention');
    expect(searchTopics(['how', 'is', 'the'])).toEqual([]);
  });

  it('ranks topics matching every word above those matching some', () => {
    const ids = searchTopics(['eip', 'bandwidth', 'specification']).map((m) => m.topic.id);
    expect(ids[0]).toBe('specification-vs-eip-bandwidth');
    expect(ids.length).toBeGreaterThan(1);
  });

  it('nothing for words no topic has, with a close word suggested', () => {
    expect(searchTopics(['xyzzy'])).toEqual([]);
    expect(searchTopics([])).toEqual([]);
    expect(didYouMean(['websockt'])).toEqual(['websocket']);
    expect(didYouMean(['xyzzy'])).toEqual([]);
  });

  it('splits words on punctuation but keeps addresses and sections whole', () => {
    expect(words('Why 100.125.0.0/16, FAQ 6.4?')).toEqual(['why', '100.125.0.0/16', 'faq', '6.4']);
  });
});
