// A report to paste into a support ticket or an issue (GitHub/GitLab flavoured
// markdown): summary, findings table and details, what could not be checked,
// the FAQ 7.5 table customer service asks for, and the decision tree as a
// Mermaid flowchart with the path taken highlighted.
import type { Chart, Finding, RunResult } from '../engine/result.js';
import { xychart } from '../charts/mermaid.js';
import {
  faqLabel,
  formatDuration,
  groupBySubject,
  isCommand,
  subjectLabel,
  unknownFacts,
  verdictSummary,
} from './format.js';
import { toMermaid } from './graph.js';
import { supportTicketRows } from './support-ticket.js';
import type { ReportContext, Reporter } from './types.js';

/** Text safe inside a table cell: no pipe splits a column, no newline ends the row, no raw HTML. */
export function mdCell(text: string): string {
  return mdText(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Running text: HTML-looking parts escaped so `<tagged>` evidence shows as written. */
export function mdText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks inside it (CommonMark: a longer fence). */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** Inline code inside a table cell: a pipe would still split the column (GFM). */
function mdCodeCell(text: string): string {
  return mdCode(text).replace(/\|/g, '\\|');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(lang: string, body: string): string[] {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, body, fence];
}

const severityIcon = { error: '🔴 error', warn: '🟠 warn', info: '🔵 info' } as const;

function findingDetails(f: Finding, n: number): string[] {
  const lines = [`### ${n}. ${mdText(f.title)}`, ''];
  lines.push(
    `${severityIcon[f.severity]} · ${mdCode(f.code)} · ${mdText(subjectLabel(f.subject))}${f.faq.length ? ` · ${faqLabel(f.faq)}` : ''}`,
    '',
    mdText(f.cause),
    '',
  );
  if (f.evidence.length > 0) {
    lines.push('**Evidence**', '');
    for (const e of f.evidence) {
      if (e.includes('\n')) lines.push('-', ...fenced('text', e).map((l) => `  ${l}`));
      else lines.push(`- ${mdCode(e)}`);
    }
    lines.push('');
  }
  if (f.chart) lines.push(...chartBlock(f.chart), '');
  if (f.fix.length > 0) {
    lines.push('**Fix** (lbdoctor never runs these)', '');
    const steps = f.fix.filter((x) => !isCommand(x));
    const commands = f.fix.filter(isCommand);
    for (const x of steps) lines.push(`- ${mdText(x).replace(/\r?\n/g, ' ')}`);
    if (steps.length > 0 && commands.length > 0) lines.push('');
    if (commands.length > 0) lines.push(...fenced('sh', commands.join('\n')));
    lines.push('');
  }
  if (f.see?.length) lines.push(`Next: ${f.see.map((id) => mdCode(`lbdoctor run ${id}`)).join(', ')}`, '');
  if (f.explain?.length)
    lines.push(`Background: ${f.explain.map((id) => mdCode(`lbdoctor explain ${id}`)).join(', ')}`, '');
  if (f.path.length > 0) lines.push(`Path: ${f.path.map(mdCode).join(' → ')}`, '');
  return lines;
}

/**
 * A finding's chart as Mermaid `xychart-beta`, as `lbdoctor logs --format
 * markdown` draws its charts: bars for the values, a line for the reference.
 * Shares are drawn in percent. Backticks cannot close the fence from a label.
 */
function chartBlock(chart: Chart): string[] {
  const scale = chart.unit === 'share' ? 100 : 1;
  const plain = (s: string) => s.replace(/`/g, "'").replace(/\s+/g, ' ');
  const legend = chart.referenceLabel ? ` (bars: ${chart.valueLabel}, line: ${chart.referenceLabel})` : '';
  const series: { kind: 'bar' | 'line'; values: number[] }[] = [
    { kind: 'bar', values: chart.bars.map((b) => b.value * scale) },
  ];
  if (chart.referenceLabel)
    series.push({ kind: 'line', values: chart.bars.map((b) => (b.reference ?? 0) * scale) });
  return [
    '**Chart**',
    '',
    ...xychart(
      plain(`${chart.title}${legend}`),
      chart.bars.map((b) => plain(b.label)),
      chart.unit === 'share' ? '%' : chart.unit === 'ms' ? 'ms' : plain(chart.valueLabel),
      series,
    ),
  ];
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`),
  ];
}

function render(result: RunResult, ctx: ReportContext): string {
  const out: string[] = [];
  out.push(`# lbdoctor: ${mdText(result.playbook.title)} — ${result.verdict.toUpperCase()}`, '');
  out.push(
    ...table(
      ['', ''],
      [
        [
          'Playbook',
          `${mdCodeCell(result.playbook.id)}${result.playbook.faq.length ? ` (${faqLabel(result.playbook.faq)})` : ''}`,
        ],
        ['Verdict', `**${mdCell(verdictSummary(result))}**`],
        ...(result.target ? [['Target', mdCodeCell(result.target)]] : []),
        ['Started', mdCell(result.startedAt)],
        ['Duration', formatDuration(result.durationMs)],
        ['Tool', mdCell(`${result.tool.name} ${result.tool.version}`)],
      ],
    ),
    '',
  );
  if (result.interrupted)
    out.push('> **Interrupted** (Ctrl-C or --deadline): the results below are partial.', '');

  if (result.findings.length > 0) {
    out.push('## Findings', '');
    const ordered = groupBySubject(result).flatMap((g) => g.findings);
    out.push(
      ...table(
        ['#', 'Severity', 'Concerns', 'Finding', 'Code', 'FAQ'],
        ordered.map((f, i) => [
          String(i + 1),
          severityIcon[f.severity],
          mdCell(subjectLabel(f.subject)),
          mdCell(f.title),
          mdCodeCell(f.code),
          f.faq.join(', '),
        ]),
      ),
      '',
    );
    ordered.forEach((f, i) => {
      out.push(...findingDetails(f, i + 1));
    });
  } else {
    out.push('## Findings', '', 'None.', '');
  }

  const unknown = unknownFacts(result);
  const errors = result.checks.filter((c) => c.outcome === 'error');
  if (result.inconclusive.length > 0 || errors.length > 0 || unknown.length > 0) {
    out.push('## Not checked', '', 'These could not be checked; the verdict does not cover them.', '');
    for (const i of result.inconclusive)
      out.push(`- **${mdText(subjectLabel(i.subject))}**: stopped at ${mdCode(i.step)}: ${mdText(i.reason)}`);
    for (const c of errors)
      out.push(
        `- ${mdText(c.title)}${c.subject ? ` (${mdText(subjectLabel(c.subject))})` : ''}: ${mdText(c.observation.reason ?? c.observation.summary)}`,
      );
    for (const f of unknown) out.push(`- Fact ${mdCode(f.key)} unknown: ${mdText(f.question)}`);
    out.push('');
  }

  if (result.checks.length > 0) {
    const shown = ctx.verbose ? result.checks : result.checks.filter((c) => c.outcome !== 'pass');
    out.push('## Checks', '');
    if (shown.length > 0)
      out.push(
        ...table(
          ['Outcome', 'Check', 'Concerns', 'Observed', 'From', 'Time'],
          shown.map((c) => [
            c.outcome,
            mdCell(c.item ? `${c.step}/${c.item}: ${c.title}` : `${c.step}: ${c.title}`),
            mdCell(c.subject ? subjectLabel(c.subject) : ''),
            mdCell(
              c.observation.reason
                ? `${c.observation.summary} — ${c.observation.reason}`
                : c.observation.summary,
            ),
            mdCodeCell(c.vantage),
            formatDuration(c.durationMs),
          ]),
        ),
        '',
      );
    const passed = result.checks.length - shown.length;
    if (passed > 0) out.push(`${passed} more passed.`, '');
  }

  const facts = result.facts.filter((f) => f.source !== 'unknown');
  if (facts.length > 0) {
    out.push('## Facts used', '');
    out.push(
      ...table(
        ['Fact', 'Value', 'From'],
        facts.map((f) => [mdCodeCell(f.key), mdCell(JSON.stringify(f.value) ?? 'undefined'), f.source]),
      ),
      '',
    );
  }

  if (result.hosts.length > 0) {
    out.push('## Hosts', '');
    out.push(
      ...table(
        ['Host', 'Connect', 'Read', 'Error'],
        result.hosts.map((h) => [
          mdCell(h.host),
          h.connectMs !== undefined ? formatDuration(h.connectMs) : '',
          h.readMs !== undefined ? formatDuration(h.readMs) : '',
          mdCell(h.error ?? ''),
        ]),
      ),
      '',
    );
  }

  out.push(
    '## Support ticket (FAQ 7.5)',
    '',
    'If the fixes above do not help, send customer service this table (FAQ 7.5), completed, with this report.',
    '',
  );
  out.push(
    ...table(
      ['Item', 'Details'],
      supportTicketRows(result, ctx.inventory).map((r) => [r.item, mdCell(r.value)]),
    ),
    '',
  );

  if (ctx.graph) {
    const paths = [...result.findings.map((f) => pathTo(f, ctx)), ...result.inconclusive.map((i) => i.path)];
    out.push(
      '## Decision tree',
      '',
      'Steps visited and branches taken are drawn in green.',
      '',
      '```mermaid',
      toMermaid(ctx.graph, result.visited, paths),
      '```',
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** A finding's path, ending at its conclusion node when the graph has one by that id. */
function pathTo(f: Finding, ctx: ReportContext): string[] {
  const last = f.path[f.path.length - 1];
  const hasNode = ctx.graph?.nodes.some((n) => n.id === f.conclusion) ?? false;
  return hasNode && last !== f.conclusion ? [...f.path, f.conclusion] : f.path;
}

export const markdownReporter: Reporter = {
  name: 'markdown',
  description: 'for a support ticket',
  extension: 'md',
  render,
};
