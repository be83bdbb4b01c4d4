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
  inventory
    .command('import')
    .argument(
      '<inputs...>',
      'saved outputs: files, folders of them, or - for standard input; for elb-api: REGION/LOADBALANCER_ID',
    )
    .description(
      'write an inventory from where the load balancer is already described: saved ELB v3 API responses, the ELB API itself (read-only), OpenStack Octavia CLI outputs, or a Terraform plan/state (terraform show -json)',
    )
    .addOption(
      new Option('--from <source>', 'what the inputs are')
        .choices(['elb-json', 'octavia', 'terraform', 'elb-api'])
        .makeOptionMandatory(),
    )
    .option(
      '--hosts <file>',
      'hand-written YAML merged in: hosts (SSH reach per member), client, certificates',
    )
    .option('-o, --output <file>', 'write the inventory here instead of standard output')
    .option('-q, --quiet', 'do not list on stderr what was not carried over (the YAML header still does)')
    .addHelpText(
      'after',
      `
Examples:
  lbdoctor inventory import --from elb-json saved/ --hosts hosts.yaml \\
    -o inventory.yaml
  lbdoctor inventory import --from octavia ./octavia-dump/
  lbdoctor inventory import --from elb-api cn-north-4/LOADBALANCER_ID
    (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID)
  terraform show -json plan.out |
    lbdoctor inventory import --from terraform - | lbdoctor inventory lint -

Each source, the commands that save its outputs, how fields map:
docs/import.md.
Exit codes: 0 written, 2 bad input (the file and what was expected),
3 the ELB API could not be read (refused credentials, unreachable).`,
    )
    .action(
      async (
        inputs: string[],
        opts: {
          from: 'elb-json' | 'octavia' | 'terraform';
          hosts?: string;
          output?: string;
          quiet?: boolean;
        },
      ) => {
        const { inventoryImport } = await import('../inventory-import.js');
        setExitCode(await inventoryImport(inputs, opts));
      },
    );
};
