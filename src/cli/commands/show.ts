import type { RegisterCommand } from '../types.js';
import { collect } from '../collect.js';

export const registerShow: RegisterCommand = (show, setExitCode) => {
  show
    .option('--graph <kind>', 'print the decision graph as mermaid or dot')
    .option('--playbooks <dir>', 'also load playbooks from this folder (repeatable)', collect)
    .action(async (id: string, opts: { graph?: string; playbooks?: string[] }) => {
      const { UsageError } = await import('../../errors.js');
      if (opts.graph !== undefined && opts.graph !== 'mermaid' && opts.graph !== 'dot') {
        throw new UsageError(`unknown graph kind "${opts.graph}"`, 'use --graph mermaid or --graph dot');
      }
      const [{ locatePlaybook }, { playbookDirs }, { toDecisionGraph, stepEdges }, { hang, REPORT_WIDTH }] =
        await Promise.all([
          import('../../playbook/catalog.js'),
          import('../playbook-dirs.js'),
          import('../../playbook/graph.js'),
          import('../../reporters/wrap.js'),
        ]);
      const { playbook: pb, file } = await locatePlaybook(id, playbookDirs(opts.playbooks));
      if (opts.graph) {
        const { toMermaid, toGraphviz } = await import('../../reporters/graph.js');
        const graph = toDecisionGraph(pb);
        process.stdout.write(`${opts.graph === 'mermaid' ? toMermaid(graph) : toGraphviz(graph)}\n`);
        setExitCode(0);
        return;
      }
      // A terminal's own width; piped or to a file, 80 columns. Items hang under their text.
      const width = (process.stdout.isTTY && process.stdout.columns) || REPORT_WIDTH;
      const item = (label: string, text: string) => hang(label, text, width, 4);
      const out: string[] = [
        ...hang('', `${pb.id} — ${pb.title}`, width),
        ...hang('', `FAQ ${pb.faq.join(', ')}    ${file}`, width, 0, false),
      ];
      if (pb.description) out.push('', ...hang('', pb.description, width));
      if (pb.symptoms.length) out.push('', 'Symptoms:', ...pb.symptoms.flatMap((s) => item('  - ', s)));
      const inputs = Object.entries(pb.inputs);
      if (inputs.length)
        out.push(
          '',
          'Inputs (--input NAME=VALUE):',
          ...inputs.flatMap(([name, i]) => item(`  ${name}: `, `${i.about}${defaultText(i.default)}`)),
        );
      const asks = Object.values(pb.steps).flatMap((s) => (s.kind === 'ask' ? [s] : []));
      if (asks.length)
        out.push(
          '',
          'Facts it may ask (--set FACT=VALUE):',
          ...asks.flatMap((a) => item(`  ${a.fact}: `, a.question)),
        );
      out.push('', `Steps (start: ${pb.start}):`);
      for (const [sid, step] of Object.entries(pb.steps)) {
        const what =
          step.kind === 'probe'
            ? `probe ${step.probe} from ${step.vantage}`
            : step.kind === 'ask'
              ? `ask ${step.fact}`
              : step.kind === 'checklist'
                ? `checklist of ${step.items.length}`
                : step.kind === 'decide'
                  ? `decide on ${step.cases.length} case${step.cases.length === 1 ? '' : 's'}`
                  : `conclude (${step.severity})${step.once_per ? `, once per ${step.once_per}` : ''}`;
        const fan = step.kind !== 'conclude' && step.foreach ? `, for each of the ${step.foreach}` : '';
        out.push(...item(`  ${sid}: `, `${step.title}  [${what}${fan}]`));
        for (const e of stepEdges(sid, step)) out.push(...hang('      ', `${e.label} → ${e.to}`, width, 8));
      }
      process.stdout.write(`${out.join('\n')}\n`);
      setExitCode(0);
    });
};

/** ` (default: X)`; an empty default says so instead of printing `(default )`. */
function defaultText(value: string | undefined): string {
  if (value === undefined) return '';
  return ` (default: ${value === '' ? 'empty' : value})`;
}
