// The SSH options `run` and `probe` share, defined once.
import type { Command } from 'commander';
import { Option } from './commander.js';

export interface SshFlags {
  knownHosts?: string;
  sshConfig?: string;
  sshHostKeyCheck: string;
  identity?: string;
}

export function addSshOptions(command: Command): Command {
  return command
    .option(
      '--known-hosts <file>',
      'known_hosts file to verify SSH host keys against (default ~/.ssh/known_hosts)',
    )
    .option('--ssh-config <file>', 'ssh config file (default ~/.ssh/config)')
    .addOption(
      new Option(
        '--ssh-host-key-check <mode>',
        'unknown SSH host keys: refuse (strict) or record them (accept-new)',
      )
        .choices(['strict', 'accept-new'])
        .default('strict'),
    )
    .option('--identity <file>', 'SSH private key (default: the agent, then ~/.ssh/config IdentityFile)');
}
