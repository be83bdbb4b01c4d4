import type { RegisterCommand } from '../types.js';
import { collect } from '../collect.js';

export const registerList: RegisterCommand = (program, setExitCode) => {
  program
    .command('list')
    .description('list the playbooks: id, title, FAQ sections, symptoms')
    .option('--format <format>', 'text or json', 'text')
    .option('--playbooks <dir>', 'also load playbooks from this folder (repeatable)', collect)
    .action(async (opts: { format: string; playbooks?: string[] }) => {
      const { UsageError } = await import('../../errors.js');
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw new UsageError(
          `unknown format "${opts.format}" for list`,
          'use --format text or --format json',
          'LBD_ERR_UNKNOWN_FORMAT',
        );
      }
      const [{ loadAllPlaybooks }, { probeKinds }, { playbookDirs }] = await Promise.all([
        import('../../playbook/load.js'),
        import('../../probes/registry.js'),
        import('../playbook-dirs.js'),
      ]);
      const all = await loadAllPlaybooks(playbookDirs(opts.playbooks), probeKinds());
      const rows = all
        .map(({ playbook: p, file }) => ({
          id: p.id,
          title: p.title,
          faq: p.faq,
          symptoms: p.symptoms,
          file,
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        const width = Math.max(2, ...rows.map((r) => r.id.length));
        for (const r of rows) {
          process.stdout.write(`${r.id.padEnd(width)}  ${r.title}  (FAQ ${r.faq.join(', ')})\n`);
          for (const s of r.symptoms) process.stdout.write(`${' '.repeat(width)}    - ${s}\n`);
        }
      }
      setExitCode(0);
    });
};
