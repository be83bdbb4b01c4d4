import { Option } from '../commander.js';
import { addSshOptions } from '../ssh-options.js';
import type { RegisterCommand } from '../types.js';
import { collect } from '../collect.js';
import { reporterHelp } from '../../reporters/registry.js';
import { DEADLINE_BOUNDS, describeBounds, TIMEOUT_BOUNDS } from '../duration-bounds.js';

export interface RunOptions {
  inventory?: string;
  from?: string;
  hosts?: string;
  target?: string;
  set?: string[];
  input?: string[];
  answers?: string;
  nonInteractive?: boolean;
  format?: string[];
  failOn: string;
  timeout: string;
  deadline?: string;
  playbooks?: string[];
  concurrency: string;
  saveEvidence?: string;
  fromEvidence?: string;
  knownHosts?: string;
  sshConfig?: string;
  sshHostKeyCheck: string;
  identity?: string;
  debug?: boolean;
  verbose?: boolean;
}

export const registerRun: RegisterCommand = (run, setExitCode) => {
  addSshOptions(
    run
      .option(
        '-i, --inventory <file>',
        'inventory (YAML/JSON) describing the load balancer, listeners, pools, members, SSH reach',
      )
      .option(
        '--from <source:input>',
        'import the inventory instead of reading one: elb-api:REGION/LB_ID, elb-json:DIR, octavia:DIR or terraform:plan.json (see `lbdoctor inventory import`)',
      )
      .option(
        '--hosts <file>',
        'with --from: hand-written hosts (SSH reach per member), client, certificates',
      )
      .option(
        '-t, --target <host:port>',
        'a listener to test when there is no inventory (or to pick one listener of it)',
      )
      .option(
        '--set <fact=value>',
        'answer a console question up front (repeatable): --set health_check_enabled=true',
        collect,
      )
      .option('--answers <file>', 'YAML/JSON file of fact: value answers')
      .option(
        '--input <name=value>',
        'give the playbook one of its inputs (repeatable): --input path=/health (`lbdoctor show ID` lists them)',
        collect,
      )
      .option(
        '--non-interactive',
        'never prompt (implied when stdin is not a TTY or CI is set); unanswered questions take their unknown branch',
      )
      .option(
        '-f, --format <name[:file]>',
        `report format, repeatable; NAME:FILE writes a file:\n${reporterHelp()}`,
        collect,
      )
      .option('-v, --verbose', 'list every check in the text report, passed ones too')
      .addOption(
        new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level')
          .choices(['error', 'warn', 'info', 'inconclusive'])
          .default('error'),
      )
      .option('--timeout <duration>', `per-probe timeout, ${describeBounds(TIMEOUT_BOUNDS)}`, '5s')
      .option(
        '--deadline <duration>',
        `stop the whole run after this long and report what was found, ${describeBounds(DEADLINE_BOUNDS)}`,
      )
      .option('--concurrency <n>', 'probes running at once', '16')
      .option('--playbooks <dir>', 'also load playbooks from this folder (repeatable)', collect)
      .option('--save-evidence <dir>', "write each host's raw batched read to this folder")
      .option('--from-evidence <dir>', 're-run offline on evidence saved by --save-evidence (no SSH)'),
  )
    .addHelpText(
      'after',
      `
<playbook> is an id (\`lbdoctor list\`) or a playbook file: an argument with a
path separator or ending in .yaml/.yml is read as a file.

Examples:
  lbdoctor run router-code --target 127.0.0.1:8080
  lbdoctor run ./playbooks/my-check.yaml --target 127.0.0.1:8080
  lbdoctor run router-code -i inventory.yaml \\
    --format json:report.json --format junit:junit.xml
  lbdoctor run router-code -i inventory.yaml --non-interactive --fail-on warn
  lbdoctor run unhealthy-backend --from octavia:dump/ --hosts hosts.yaml

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 bad usage or input, 3 the run could not check what it needed.`,
    )
    .action(async (id: string, opts: RunOptions) => {
      const { runCommand } = await import('../run-command.js');
      setExitCode(await runCommand(id, opts));
    });
};
