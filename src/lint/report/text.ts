// The text report: one block per finding, sized for an 80-column terminal.
//
//   inventory.yaml:22:22  lint/pool-without-members  warn
//       pool "empty-pool" has no members but listener "empty" sends to it
//       field: pools[1].members
//       cause: Requests routed to this backend server group find no server: …
//       fix:   inventory: add the backend servers under members of pool …
//       FAQ:   1.6, 3.1
//
// The title shares the first line when it fits, else it starts the block.
import { atOrAbove, countBySeverity } from '../lint.js';
import type { LintFinding, LintRun } from '../types.js';

export const WIDTH = 80;
const INDENT = '    ';
const LABEL = 7; // "cause: ".length

/** Greedy word wrap; a word longer than the width gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** `    label: text…` wrapped under itself; each item of a list starts a new line. */
function labelled(label: string, ...items: string[]): string[] {
  const width = WIDTH - INDENT.length - LABEL;
  const lines = items.flatMap((item) => wrap(item, width));
  return lines.map((l, i) => `${INDENT}${i === 0 ? `${label}:`.padEnd(LABEL) : ' '.repeat(LABEL)}${l}`);
}

export function where(f: LintFinding): string {
  const loc = f.location;
  if (!loc) return '(inventory)';
  const pos = loc.line !== undefined ? `:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}` : '';
  return `${loc.file ?? ''}${pos}`;
}

export function renderFinding(f: LintFinding): string[] {
  const head = `${where(f)}  ${f.code}  ${f.severity}`;
  const lines: string[] = [];
  if (head.length + 2 + f.title.length <= WIDTH) lines.push(`${head}  ${f.title}`);
  else {
    lines.push(head);
    for (const l of wrap(f.title, WIDTH - INDENT.length)) lines.push(`${INDENT}${l}`);
  }
  if (f.location?.field) lines.push(...labelled('field', f.location.field));
  lines.push(...labelled('cause', f.cause));
  if (f.fix.length) lines.push(...labelled('fix', ...f.fix));
  if (f.faq.length) lines.push(...labelled('FAQ', f.faq.join(', ')));
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

export function renderText(run: LintRun): string {
  const out: string[] = [];
  for (const file of run.files) {
    if (file.error) {
      const [first, ...rest] = wrap(
        `${file.file}: not linted: ${file.error.message} (problems on stderr)`,
        WIDTH - INDENT.length,
      );
      out.push(first!, ...rest.map((l) => `${INDENT}${l}`), '');
      continue;
    }
    if (file.findings.length === 0) {
      out.push(`${file.file}: no findings`, '');
      continue;
    }
    for (const f of file.findings) out.push(...renderFinding(f), '');
  }
  const all = run.files.flatMap((f) => f.findings);
  const n = countBySeverity(all);
  const failing = all.filter((f) => atOrAbove(f.severity, run.failOn)).length;
  const invalid = run.files.filter((f) => f.error).length;
  const linted = run.files.length - invalid;
  const summary = [
    `${plural(n.error, 'error')}, ${plural(n.warn, 'warning')}, ${plural(n.info, 'info')}`,
    `in ${plural(linted, 'file')}`,
    invalid ? `(${plural(invalid, 'invalid file')} not linted)` : '',
    `; ${failing} at or above --fail-on ${run.failOn}`,
  ];
  out.push(...wrap(summary.filter(Boolean).join(' ').replace(' ;', ';'), WIDTH));
  return `${out.join('\n')}\n`;
}
