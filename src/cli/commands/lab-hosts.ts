// `lbdoctor lab hosts up|down|status`: lab hosts (network namespaces with an
// sshd each) for trying lbdoctor's SSH side by hand. Root only.
import type { Command } from 'commander';
import type { RegisterCommand } from '../types.js';

const STATE_HELP = 'state directory (inventory, known_hosts, ssh_config, key)';
const DEFAULT_STATE = '/run/lbdoctor/lab-hosts';

export const registerLabHosts: RegisterCommand = (lab: Command, setExitCode) => {
  const hosts = lab
    .command('hosts')
    .description('lab hosts: network namespaces on a private bridge, each with its own sshd (root only)');

  hosts
    .command('up')
    .description('build the hosts, start their sshd, write an inventory, known_hosts and ssh_config')
    .option('--hosts <names>', 'comma-separated host names', 'client,lb,be1,be2,be3')
    .option('--state <dir>', STATE_HELP, DEFAULT_STATE)
    .addHelpText(
      'after',
      '\nExample:\n  sudo lbdoctor lab hosts up --hosts be1,be2\n  ssh -F /run/lbdoctor/lab-hosts/ssh_config be1\n  sudo lbdoctor lab hosts down\n',
    )
    .action(async (flags: { hosts: string; state: string }) => {
      const { labHostsUp, parseHostList, describeUsage } = await import('../../lab/hosts-control.js');
      const state = await labHostsUp({ hosts: parseHostList(flags.hosts), stateDir: flags.state });
      process.stdout.write(`${describeUsage(state)}\n`);
      setExitCode(0);
    });

  hosts
    .command('down')
    .description('remove the lab hosts: sshd processes, namespaces, bridge, state directory')
    .option('--state <dir>', STATE_HELP, DEFAULT_STATE)
    .action(async (flags: { state: string }) => {
      const { labHostsDown } = await import('../../lab/hosts-control.js');
      const gone = await labHostsDown({ stateDir: flags.state });
      process.stdout.write(
        gone ? `lab hosts ${gone.id} removed\n` : `no lab hosts recorded in ${flags.state}\n`,
      );
      setExitCode(0);
    });

  hosts
    .command('status')
    .description('show the lab hosts and whether each sshd answers')
    .option('--state <dir>', STATE_HELP, DEFAULT_STATE)
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: { state: string; format: string }) => {
      const { labHostsStatus } = await import('../../lab/hosts-control.js');
      const status = await labHostsStatus({ stateDir: flags.state });
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      } else if (!status.up) {
        process.stdout.write(`no lab hosts recorded in ${flags.state}\n`);
      } else {
        const lines = [
          `lab hosts ${status.state.id} on ${status.state.subnet}${status.present ? '' : ' (namespaces gone: run `lab hosts down` to clean up)'}`,
          ...status.hosts.map(
            (h) => `  ${h.name.padEnd(8)} ${h.address.padEnd(15)} sshd ${h.ssh ? 'answers' : 'DOWN'}`,
          ),
          `inventory: ${status.state.files.inventory}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      // Up and every sshd answering → 0; recorded but broken → 3 (could not check).
      setExitCode(!status.up || (status.present && status.hosts.every((h) => h.ssh)) ? 0 : 3);
    });
};
