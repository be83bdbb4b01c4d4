import type { RegisterCommand } from '../types.js';
import { collect } from '../collect.js';

export const registerList: RegisterCommand = (list, setExitCode) => {
  list
    .option('--format <format>', 'text or json', 'text')
    .option('--playbooks <dir>', 'also load playbooks from this folder (repeatable)', collect)
    .addHelpText(
      'after',
      [
        '',
        'With words, only the playbooks that fit them, best first: a FAQ section,',
        'a status code, a word of the symptom or of a conclusion.',
        'Examples:',
        '  lbdoctor list 502',
        '  lbdoctor list health check flapping',
        '  lbdoctor list 1.6              (a FAQ section)',
        '',
        'A file of a --playbooks folder that is not a valid playbook is skipped with a',
        'warning on stderr (its problems with file:line:column); the others are listed.',
      ].join('\n'),
    )
    .action(async (query: string[], opts: { format: string; playbooks?: string[] }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        const { UsageError } = await import('../../errors.js');
        throw new UsageError(
          `unknown format "${opts.format}" for list`,
          'use --format text or --format json',
          'LBD_ERR_UNKNOWN_FORMAT',
        );
      }
      // The bundled playbooks come from their catalog: no YAML parser, no schema (startup).
      const [{ listPlaybooks }, { playbookDirs }] = await Promise.all([
        import('../../playbook/catalog.js'),
        import('../playbook-dirs.js'),
      ]);
      const { playbooks: all, warnings } = await listPlaybooks(playbookDirs(opts.playbooks));
      if (warnings.length > 0) {
        const { formatProblem } = await import('../../errors.js');
        for (const w of warnings) {
          process.stderr.write(`lbdoctor: warning: ${w.message}\n`);
          for (const p of w.problems) process.stderr.write(`  ${formatProblem(p)}\n`);
        }
      }
      let rows = all;
      if (query.length > 0) {
        const { searchPlaybooks, playbookWordsNear } = await import('../../playbook/search.js');
        rows = searchPlaybooks(query, all);
        if (rows.length === 0) {
          const [{ UsageError }, { searchTopics }] = await Promise.all([
            import('../../errors.js'),
            import('../../explain/search.js'),
          ]);
          // A question the FAQ answers without a diagnosis is explain's; otherwise perhaps a typo.
          const topic = searchTopics(query)[0]?.topic;
          const near = topic ? [] : playbookWordsNear(query, all);
          throw new UsageError(
            `no playbook fits "${query.join(' ')}"`,
            [
              topic ? `\`lbdoctor explain ${topic.id}\` answers "${topic.title}";` : '',
              near.length ? `did you mean "${near.join(' ')}"?` : '',
              '`lbdoctor list` lists every playbook',
            ]
              .filter(Boolean)
              .join(' '),
          );
        }
      }
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        // Each playbook: its id, then its title and symptoms hung below, fitted to the terminal.
        // Plain text is wrapped without string-width and wrap-ansi (startup: bench/startup).
        const { hangPlain, REPORT_WIDTH } = await import('../../reporters/wrap-plain.js');
        const cols = (process.stdout.isTTY && process.stdout.columns) || REPORT_WIDTH;
        const hang = async (prefix: string, text: string, width: number) =>
          hangPlain(prefix, text, width) ??
          (await import('../../reporters/wrap.js')).hang(prefix, text, width);
        const out: string[] = [];
        for (const r of rows) {
          out.push(r.id, ...(await hang('    ', `${r.title} (FAQ ${r.faq.join(', ')})`, cols)));
          for (const s of r.symptoms) out.push(...(await hang('      - ', s, cols)));
        }
        if (query.length > 0 && rows[0])
          out.push(
            '',
            ...(await hang('', `Next: \`lbdoctor show ${rows[0].id}\` for its steps, or diagnose:`, cols)),
            `  lbdoctor run ${rows[0].id} --inventory FILE`,
          );
        if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
      }
      setExitCode(0);
    });
};
