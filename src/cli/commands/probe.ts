// `lbdoctor probe <kind>`: one probe, ad hoc, from this machine (or, for a
// remote vantage, through an SSH host). Exit codes follow the report contract:
// 0 pass, 1 fail, 3 error/skip (could not check), 2 bad usage.
import type { Command } from 'commander';
// A type only: erased, so probe-run.js still loads only when the command runs.
import type { ProbeCommandFlags } from '../probe-run.js';
import { addSshOptions } from '../ssh-options.js';
import type { RegisterCommand } from '../types.js';
import { collect } from '../collect.js';
import { describeBounds, TIMEOUT_BOUNDS } from '../duration-bounds.js';

export const registerProbe: RegisterCommand = (probe: Command, setExitCode) => {
  addSshOptions(
    probe
      .option('--target <host:port>', 'where to probe (a host alone for ping)')
      .option(
        '--with <key=value>',
        'a probe parameter, as in a playbook\'s "with:" (repeatable; JSON values allowed)',
        collect,
      )
      .option('--url <url>', 'http/websocket: the URL to request')
      .option('--header <name: value>', 'http/websocket: a request header (repeatable)', collect)
      .option('--servername <name>', 'tls/http: the SNI name to send')
      .option('--expect-status <codes>', 'http: statuses that pass, e.g. 200 or 2xx or 200-299,401')
      .option('--ca <file>', 'tls/http: a PEM CA file to trust')
      .option(
        '--timeout <duration>',
        `per-probe timeout, ${describeBounds(TIMEOUT_BOUNDS)} (5s is ELB's connect timeout, FAQ 1.5)`,
        '5s',
      )
      .option('--format <format>', 'text or json', 'text')
      .option(
        '--host <vantage>',
        'probe from this host: ssh://user@host[:port], a ~/.ssh/config alias, or a host of --inventory',
      )
      .option('-i, --inventory <file>', 'inventory whose hosts section says how to reach --host'),
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 fail, 2 bad usage, 3 could not check (error or skip).\n' +
        'Examples:\n' +
        '  lbdoctor probe tcp --target 10.0.0.5:80\n' +
        '  lbdoctor probe http --url http://www.example.com/health \\\n' +
        '    --with connectTo=10.0.0.5 --expect-status 200\n' +
        '  lbdoctor probe tls --target 10.0.0.5:443 --servername www.example.com\n' +
        '  lbdoctor probe udp --target 10.0.0.5:53 --with burst=200 --with intervalMs=5\n' +
        '  lbdoctor probe tcp --host ssh://root@10.0.0.12 --target 127.0.0.1:8080\n' +
        '    (from a backend: the member connects to itself)\n',
    )
    .action(async (kind: string, flags: ProbeCommandFlags) => {
      const { runProbeCommand } = await import('../probe-run.js');
      setExitCode(await runProbeCommand(kind, flags));
    });
};
