// `lbdoctor reference serve`: run the bundled reference load balancer, which
// behaves as the ELB FAQ says ELB behaves, for the load balancers an inventory
// describes.
import type { Command } from 'commander';
import type { RegisterCommand } from '../types.js';

export const registerReference: RegisterCommand = (reference: Command, setExitCode) => {
  reference
    .command('serve')
    .description(
      'run the reference load balancer in the foreground for an inventory (Ctrl-C / SIGTERM drains and stops)',
    )
    .requiredOption(
      '-c, --config <inventory>',
      'inventory file (YAML or JSON) describing load balancers, listeners, pools',
    )
    .option(
      '--admin-port <port>',
      'admin port for /status, /metrics and runtime changes (default: reference.admin_port, else any free port)',
    )
    .option('--access-log <file>', 'append ELB-format access-log lines to this file')
    .option('--bind <address>', 'address listeners bind to (default: reference.bind_address, else 127.0.0.1)')
    .addHelpText(
      'after',
      '\nLogs (listening addresses, health changes) go to stderr. Example:\n' +
        '  lbdoctor reference serve --config examples/inventory.yaml --admin-port 9000\n' +
        '  curl -s localhost:9000/status\n',
    )
    .action(async (flags: { config: string; adminPort?: string; accessLog?: string; bind?: string }) => {
      const { serveReference } = await import('../../reference/serve.js');
      setExitCode(await serveReference(flags));
    });
};
