// `lbdoctor logs FILE…`: summarise ELB access logs (docs/logs.md). Thin: the
// summary is src/logs (a library playbooks use too); this file reads flags,
// picks the renderer and prints. Heavy modules load only in the action.
import { collect } from '../collect.js';
import type { RegisterCommand } from '../types.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

interface LogsOptions {
  format: string;
  jobs?: string;
  healthPath?: string[];
  width?: string;
}

export const registerLogs: RegisterCommand = (logs, setExitCode) => {
  logs
    .option('--format <format>', `${FORMATS.join(', ')}`, 'text')
    .option('--health-path <path>', 'a health-check path besides /health, /healthz, … (repeatable)', collect)
    .option('-j, --jobs <n>', 'worker threads for plain files (default: the number of cores)')
    .option('--width <columns>', 'text width (default: the terminal, 80 when piped)')
    .addHelpText(
      'after',
      `
FILE is an ELB access log (the layout of the ELB user guide, also the reference
load balancer's), plain or gzip (recognised by its bytes), or - for stdin.
A few unreadable lines are counted and shown; a file mostly not in the layout
is an error (exit 2).

Examples:
  lbdoctor logs access.log
  lbdoctor logs access-*.log.gz --format markdown > summary.md
  zcat old.gz | lbdoctor logs - --format json | jq .findings`,
    )
    .action(async (files: string[], opts: LogsOptions) => {
      const { UsageError } = await import('../../errors.js');
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(
          `unknown format "${opts.format}" for logs`,
          `use --format ${FORMATS.join(', --format ')}`,
          'LBD_ERR_UNKNOWN_FORMAT',
        );
      }
      const whole = (v: string | undefined, flag: string, min: number) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < min)
          throw new UsageError(`${flag} must be a whole number ≥ ${min}, not "${v}"`);
        return n;
      };
      const jobs = whole(opts.jobs, '--jobs', 1);
      const width = whole(opts.width, '--width', 20);
      if (files.filter((f) => f === '-').length > 1) throw new UsageError('- (stdin) can be given only once');
      const { summariseLogs } = await import('../../logs/read.js');
      const summary = await summariseLogs(files, {
        ...(jobs === undefined ? {} : { jobs }),
        ...(opts.healthPath ? { healthCheckPaths: opts.healthPath } : {}),
      });
      let text: string;
      if (opts.format === 'json') text = `${JSON.stringify(summary, null, 2)}\n`;
      else if (opts.format === 'markdown')
        text = (await import('../../logs/render/markdown.js')).renderLogsMarkdown(summary);
      else {
        const [{ renderLogsText }, { shouldUseColor }] = await Promise.all([
          import('../../logs/render/text.js'),
          import('../../reporters/color.js'),
        ]);
        text = renderLogsText(summary, {
          width: width ?? process.stdout.columns ?? 80,
          color: shouldUseColor(process.stdout, process.env),
        });
      }
      process.stdout.write(text);
      setExitCode(0);
    });
};
