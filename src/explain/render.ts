// How `lbdoctor explain` prints: a topic list that fits 80 columns, one
// answer with its FAQ section, and the other matches as commands to run next.
import { hang } from '../reporters/wrap.js';
import type { ExplainTopic } from './topics.js';

const WIDTH = 80;

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function faqLabel(t: ExplainTopic): string {
  return `FAQ ${t.faq.join(', ')}`;
}

/** Every topic: id, then its question and FAQ section below it (wrapped, never cut). */
export function topicList(topics: readonly ExplainTopic[]): string {
  const lines = [`${topics.length} topics (lbdoctor explain ID, or words):`, ''];
  for (const t of topics) {
    lines.push(`  ${t.id}`, ...hang('      ', `${t.title} (${faqLabel(t)})`, WIDTH));
  }
  return `${lines.join('\n')}\n`;
}

export function topicAnswer(topic: ExplainTopic, others: readonly ExplainTopic[]): string {
  const lines = [
    clip(topic.title, WIDTH),
    '',
    ...topic.answer.split('\n'),
    '',
    `${faqLabel(topic)} · ${topic.id}`,
  ];
  if (others.length > 0) {
    lines.push('', 'Also:');
    for (const o of others) lines.push(`  ${clip(`lbdoctor explain ${o.id}  ${o.title}`, WIDTH - 2)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function topicsJson(topics: readonly ExplainTopic[]): string {
  return `${JSON.stringify(
    topics.map((t) => ({ id: t.id, title: t.title, faq: t.faq, answer: t.answer.replace(/\n/g, ' ') })),
    null,
    2,
  )}\n`;
}
