// `lbdoctor inventory …`: commands about inventory files themselves. `lint`
// checks one before deploy against the configuration rules of the ELB FAQ.
import { lintFormatHelp } from '../../lint/report/registry.js';
import { collect } from '../collect.js';
import { Option } from '../commander.js';
import type { RegisterCommand } from '../types.js';

export const registerInventory: RegisterCommand = (inventory, setExitCode) => {
  inventory
    .command('lint')
    .argument('<files...>', 'inventory files (YAML or JSON); - reads standard input')
    .description(
      'check inventories against the ELB configuration rules of the FAQ (protocol pairs, stickiness, pools, members, health checks, IPv6): each finding with a stable code, file:line:column, fix and FAQ section',
    )
    .option(
      '-f, --format <name[:file]>',
      `report format, repeatable; NAME:FILE writes a file (default: text):\n${lintFormatHelp()}`,
      collect,
    )
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level')
        .choices(['error', 'warn', 'info'])
        .default('error'),
    )
    .addHelpText(
      'after',
      `
Examples:
  lbdoctor inventory lint inventory.yaml
  lbdoctor inventory lint prod/*.yaml --fail-on warn --format junit:lint.xml
  cat inventory.yaml | lbdoctor inventory lint - --format json

Rule codes, what each checks and its FAQ section: docs/lint.md.
Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 bad usage or an invalid inventory (its problems with file:line:column).`,
    )
    .action(async (files: string[], opts: { format?: string[]; failOn: 'error' | 'warn' | 'info' }) => {
      const { inventoryLint } = await import('../inventory-lint.js');
      setExitCode(await inventoryLint(files, opts));
    });
};
