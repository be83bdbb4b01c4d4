// `lbdoctor lab scenarios|up|status|down`: reproduce one FAQ fault locally on
// the reference load balancer with faulty backends, and get the inventory
// that describes it (for `lbdoctor run`).
import type { Command } from 'commander';
import type { RegisterCommand } from '../types.js';

export const registerLabScenarios: RegisterCommand = (lab: Command, setExitCode) => {
  lab
    .command('scenarios')
    .description(
      'list the lab scenarios: the FAQ fault each reproduces and the conclusion lbdoctor must reach',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: { format: string }) => {
      const { listScenarios } = await import('../../lab/lab-control.js');
      listScenarios(flags.format);
      setExitCode(0);
    });

  lab
    .command('up')
    .description(
      'start a scenario (reference LB + faulty backends) in the background and write its inventory',
    )
    .requiredOption('-s, --scenario <name>', 'scenario id (see `lbdoctor lab scenarios`)')
    .option('--inventory-out <file>', 'where to write the inventory (default: in the lab state directory)')
    .option('--foreground', 'run in this process until Ctrl-C / SIGTERM instead of detaching')
    .addHelpText(
      'after',
      '\nState lives in $LBDOCTOR_LAB_DIR, else $XDG_RUNTIME_DIR/lbdoctor,\nelse <tmp>/lbdoctor-lab-<uid>.\n\n' +
        'Example:\n  lbdoctor lab up --scenario empty-pool --inventory-out lab.yaml\n  lbdoctor run router-code -i lab.yaml\n  lbdoctor lab down\n',
    )
    .action(async (flags: { scenario: string; inventoryOut?: string; foreground?: boolean }) => {
      const { labUp } = await import('../../lab/lab-control.js');
      await labUp(flags);
      setExitCode(0);
    });

  lab
    .command('status')
    .description('show the scenarios that are up: pid, listeners, inventory')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: { format: string }) => {
      const { labStatus } = await import('../../lab/lab-control.js');
      await labStatus(flags.format);
      setExitCode(0);
    });

  lab
    .command('down')
    .description('stop a scenario started by `lab up` and remove its state')
    .option('-s, --scenario <name>', 'the scenario to stop (default: the only one up)')
    .option('--all', 'stop every scenario that is up')
    .action(async (flags: { scenario?: string; all?: boolean }) => {
      const { labDown } = await import('../../lab/lab-control.js');
      await labDown(flags);
      setExitCode(0);
    });
};
