// The terminal report: what an on-call engineer reads first. Verdict, then
// findings grouped by the member or listener they concern (most FAQ checks are
// per backend server), then what could NOT be checked — loudly, because an
// unchecked thing must never read as "ok" — then assumed facts and host timings.
import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckRecord, Finding, Inconclusive, RunResult, Severity } from '../engine/result.js';
import { OUTCOMES, type Outcome } from '../probes/types.js';
import {
  faqLabel,
  formatDuration,
  groupBySubject,
  isCommand,
  plural,
  SLOW_HOST_MS,
  subjectLabel,
  unknownFacts,
  verdictSummary,
} from './format.js';
import { renderChartText } from './chart-text.js';
import type { ReportContext, Reporter } from './types.js';
import { hang, hangCommand, REPORT_WIDTH } from './wrap.js';

const severityMark: Record<Severity, string> = { error: '✖ ERROR', warn: '▲ WARN ', info: 'ℹ INFO ' };

function paint(c: ChalkInstance) {
  return {
    severity: (s: Severity, text: string) =>
      s === 'error' ? c.red.bold(text) : s === 'warn' ? c.yellow.bold(text) : c.blue(text),
    outcome: (o: Outcome, text: string) =>
      o === 'pass'
        ? c.green(text)
        : o === 'fail'
          ? c.red(text)
          : o === 'error'
            ? c.magenta(text)
            : c.gray(text),
    verdict: (v: RunResult['verdict'], text: string) =>
      v === 'pass' ? c.green.bold(text) : v === 'fail' ? c.red.bold(text) : c.magenta.bold(text),
    heading: (text: string) => c.bold.underline(text),
    dim: (text: string) => c.dim(text),
    label: (text: string) => c.bold(text),
    code: (text: string) => c.cyan(text),
  };
}
type Paint = ReturnType<typeof paint>;

function renderFinding(f: Finding, p: Paint, width: number, color: boolean): string[] {
  const lines = hang(
    `  ${p.severity(f.severity, severityMark[f.severity])}  `,
    `${p.label(f.title)}  ${p.dim(`[${f.code}]`)}`,
    width,
  );
  lines.push(...hang('    ', f.cause, width));
  if (f.evidence.length > 0) {
    lines.push(`    ${p.label('evidence')}`);
    for (const e of f.evidence) lines.push(...hang('      - ', e, width));
  }
  if (f.chart) lines.push(...renderChartText(f.chart, { width, color }));
  if (f.fix.length > 0) {
    lines.push(`    ${p.label('fix')}`);
    for (const x of f.fix)
      lines.push(
        ...(isCommand(x) ? hangCommand(`      ${p.code('$')} `, x, width) : hang('      - ', x, width)),
      );
  }
  for (const id of f.see ?? []) lines.push(`    ${p.label('next')} ${p.code(`lbdoctor run ${id}`)}`);
  for (const id of f.explain ?? []) lines.push(`    ${p.label('why')}  ${p.code(`lbdoctor explain ${id}`)}`);
  const where = [faqLabel(f.faq), f.path.length > 0 ? `path ${f.path.join(' → ')}` : '']
    .filter(Boolean)
    .join(' · ');
  if (where) lines.push(...hang('    ', p.dim(where), width));
  return lines;
}

function renderInconclusive(i: Inconclusive, p: Paint, width: number): string[] {
  const lines = hang(
    `  ${p.outcome('error', '? NOT CHECKED')}  `,
    `stopped at step ${i.step}: ${i.reason}`,
    width,
    4,
  );
  if (i.path.length > 0) lines.push(...hang('    ', p.dim(`path ${i.path.join(' → ')}`), width));
  return lines;
}

function renderChecks(checks: readonly CheckRecord[], verbose: boolean, p: Paint, width: number): string[] {
  if (checks.length === 0) return [];
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, error: 0, skip: 0 };
  for (const c of checks) counts[c.outcome]++;
  const tally = OUTCOMES.filter((o) => counts[o] > 0)
    .map((o) => p.outcome(o, `${counts[o]} ${o}`))
    .join(', ');
  const lines = ['', p.heading(`Checks (${plural(checks.length, 'check')}: ${tally})`)];
  // Errors are always listed: "could not check" with its reason is the point.
  const shown = verbose ? checks : checks.filter((c) => c.outcome === 'error' || c.outcome === 'fail');
  for (const c of shown) {
    const who = c.subject ? ` ${p.dim(`[${subjectLabel(c.subject)}]`)}` : '';
    const why = c.observation.reason && c.outcome !== 'pass' ? ` — ${c.observation.reason}` : '';
    lines.push(
      ...hang(
        `  ${p.outcome(c.outcome, c.outcome.toUpperCase().padEnd(5))} `,
        `${c.title}${who}: ${c.observation.summary}${why} ${p.dim(`(${formatDuration(c.durationMs)}, from ${c.vantage})`)}`,
        width,
      ),
    );
    if (verbose && c.observation.expected !== undefined)
      lines.push(
        ...hang(
          '        ',
          `expected ${c.observation.expected}, actual ${c.observation.actual ?? '?'}`,
          width,
        ),
      );
  }
  if (!verbose && shown.length < checks.length)
    lines.push(p.dim(`  (${checks.length - shown.length} more passed or skipped; --verbose lists them)`));
  return lines;
}

function renderFacts(result: RunResult, verbose: boolean, p: Paint, width: number): string[] {
  const unknown = unknownFacts(result);
  const facts = verbose ? result.facts : unknown;
  if (facts.length === 0) return [];
  const lines = [
    '',
    ...hang(
      '',
      p.heading(
        verbose
          ? 'Facts'
          : 'Facts not known (the run took their "unknown" branch; answer them with --set or --answers)',
      ),
      width,
    ),
  ];
  for (const f of facts) {
    const text =
      f.source === 'unknown'
        ? `${f.key}: ${p.outcome('error', 'unknown')} ${p.dim(`(${f.question})`)}`
        : `${f.key} = ${JSON.stringify(f.value)} ${p.dim(`(${f.source}) ${f.question}`)}`;
    lines.push(...hang('  ', text, width, 4));
  }
  return lines;
}

function renderHosts(result: RunResult, p: Paint, width: number): string[] {
  if (result.hosts.length === 0) return [];
  const lines = ['', p.heading('Hosts')];
  for (const h of result.hosts) {
    const parts: string[] = [];
    if (h.connectMs !== undefined) parts.push(`connect ${formatDuration(h.connectMs)}`);
    if (h.readMs !== undefined) parts.push(`read ${formatDuration(h.readMs)}`);
    const slow =
      (h.connectMs ?? 0) + (h.readMs ?? 0) >= SLOW_HOST_MS
        ? p.severity(
            'warn',
            '  slow: check the login shell rc files (~/.bashrc, /etc/profile.d) on this host',
          )
        : '';
    const error = h.error ? `  ${p.outcome('error', `error: ${h.error}`)}` : '';
    lines.push(...hang(`  ${h.host.padEnd(16)} `, `${parts.join(', ')}${slow}${error}`, width));
  }
  return lines;
}

function render(result: RunResult, ctx: ReportContext): string {
  const p = paint(new Chalk({ level: ctx.color ? 1 : 0 }));
  const verbose = ctx.verbose === true;
  const width = ctx.width ?? REPORT_WIDTH;
  const faq = faqLabel(result.playbook.faq);
  const lines: string[] = [
    ...hang(
      '',
      `${p.label(`${result.playbook.id}`)}: ${result.playbook.title}${faq ? ` (${faq})` : ''}`,
      width,
      2,
    ),
    ...hang(
      '',
      p.dim(
        [
          result.target ? `target ${result.target}` : '',
          `${formatDuration(result.durationMs)}`,
          `started ${result.startedAt}`,
          `${result.tool.name} ${result.tool.version}`,
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      width,
      2,
    ),
    '',
    ...hang('', p.verdict(result.verdict, verdictSummary(result)), width),
  ];
  if (result.interrupted)
    lines.push(
      ...hang(
        '',
        p.severity(
          'warn',
          'The run was stopped (Ctrl-C or --deadline): what follows is what it found so far.',
        ),
        width,
      ),
    );

  for (const group of groupBySubject(result)) {
    lines.push('', ...hang('', p.heading(subjectLabel(group.subject)), width, 2));
    for (const f of group.findings) lines.push(...renderFinding(f, p, width, ctx.color));
    for (const i of group.inconclusive) lines.push(...renderInconclusive(i, p, width));
  }
  if (result.verdict === 'pass')
    lines.push(
      '',
      ...hang(
        '',
        `Every walk concluded and nothing needs attention (${plural(result.checks.length, 'check')} ran).`,
        width,
      ),
    );

  lines.push(...renderChecks(result.checks, verbose, p, width));
  lines.push(...renderFacts(result, verbose, p, width));
  lines.push(...renderHosts(result, p, width));
  return `${lines.join('\n')}\n`;
}

export const textReporter: Reporter = {
  name: 'text',
  description: 'for a person at a terminal',
  extension: 'txt',
  render,
};
