import type { RegisterCommand } from '../types.js';
import { collect } from '../collect.js';

export const registerDemo: RegisterCommand = (demo, setExitCode) => {
  demo
    .option(
      '-s, --scenario <id>',
      'which fault to reproduce (`lbdoctor lab scenarios` lists them)',
      'all-members-down',
    )
    .option('--all', 'run every scenario whose playbook exists, one after another')
    .option('-f, --format <name[:file]>', 'report format, repeatable: text, json, junit, markdown', collect)
    .addHelpText(
      'after',
      '\nExamples:\n  lbdoctor demo\n  lbdoctor demo --scenario empty-pool --format markdown\n  lbdoctor demo --all\n\nExit code 0 when lbdoctor reached the conclusion the scenario was built to\nproduce, 1 otherwise.',
    )
    .action(async (opts: { scenario: string; all?: boolean; format?: string[] }) => {
      const { demoCommand } = await import('../demo-command.js');
      setExitCode(await demoCommand(opts));
    });
};
