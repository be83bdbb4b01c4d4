// The command tree. Every command is named and described here, in one table;
// its options and action live in commands/<name>.ts, which is loaded only
// for the command the arguments name. The others are registered as stubs
// (name, arguments, description), which is all `lbdoctor --help` and an
// unknown-command suggestion need: startup is a goal of the project.
import type { Command } from 'commander';
import { Help } from './commander.js';
import type { RegisterCommand, SetExitCode } from './types.js';
import { VERSION } from '../version.js';

export interface CommandSpec {
  name: string;
  /** Its arguments as commander writes them, e.g. `<playbook>`. */
  args?: string;
  description: string;
  /** Whether it has options of its own (root help shows `[options]`). */
  options: boolean;
  load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'demo',
    description:
      'reproduce an FAQ fault on the bundled reference load balancer, diagnose it, tear it down (no cloud account needed)',
    options: true,
    load: async () => (await import('./commands/demo.js')).registerDemo,
  },
  {
    name: 'list',
    args: '[words...]',
    description:
      'list the playbooks: id, title, FAQ sections, symptoms; with words (502, "health check", 1.6), those that fit, best first',
    options: true,
    load: async () => (await import('./commands/list.js')).registerList,
  },
  {
    name: 'show',
    args: '<playbook>',
    description:
      'show a playbook (an id, or a playbook file): its steps, branches and conclusions, or its decision graph',
    options: true,
    load: async () => (await import('./commands/show.js')).registerShow,
  },
  {
    name: 'run',
    args: '<playbook>',
    description:
      'run a playbook (an id from `lbdoctor list`, or a playbook file) and print a diagnosis: cause, evidence, fix, FAQ section',
    options: true,
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'validate',
    args: '<files...>',
    description: 'check playbooks and inventories: schema errors and graph problems with file:line:column',
    options: false,
    load: async () => (await import('./commands/validate.js')).registerValidate,
  },
  {
    name: 'inventory',
    description:
      'inventory files: `inventory lint` checks one against the FAQ configuration rules before deploy; `inventory import` writes one from saved ELB API responses, Octavia outputs or a Terraform plan',
    options: false,
    load: async () => (await import('./commands/inventory.js')).registerInventory,
  },
  {
    name: 'schema',
    args: '<kind>',
    description:
      'print the JSON Schema of an inventory, a playbook or a JSON report (for editors: "$schema")',
    options: false,
    load: async () => (await import('./commands/schema.js')).registerSchema,
  },
  {
    name: 'reference',
    description: 'the bundled reference load balancer (ELB behaviour, locally)',
    options: false,
    load: async () => (await import('./commands/reference.js')).registerReference,
  },
  {
    name: 'lab',
    description: 'reproduce FAQ faults locally: scenarios and lab hosts',
    options: false,
    load: async () => {
      const [{ registerLabScenarios }, { registerLabHosts }] = await Promise.all([
        import('./commands/lab-scenarios.js'),
        import('./commands/lab-hosts.js'),
      ]);
      return (lab, setExitCode) => {
        registerLabScenarios(lab, setExitCode);
        registerLabHosts(lab, setExitCode);
      };
    },
  },
  {
    name: 'logs',
    args: '<files...>',
    description:
      'summarise ELB access logs (plain, gzip, - for stdin): who answered (LB or backend), latency percentiles, 499/5xx bursts, slow members and paths, retries',
    options: true,
    load: async () => (await import('./commands/logs.js')).registerLogs,
  },
  {
    name: 'probe',
    args: '<kind>',
    description:
      'run one probe ad hoc (tcp, http, tls, udp, ping, websocket, and host probes) and print what it saw',
    options: true,
    load: async () => (await import('./commands/probe.js')).registerProbe,
  },
  {
    name: 'explain',
    args: '[words...]',
    description:
      "short answers to the FAQ's informational questions (bandwidth, WAF, IPv6, billing…), found by words; without words, the topics",
    options: true,
    load: async () => (await import('./commands/explain.js')).registerExplain,
  },
  {
    name: 'cert',
    description:
      'certificate files: `cert check` finds what the ELB console and clients reject in a PEM before it is uploaded (FAQ 7.4)',
    options: false,
    load: async () => (await import('./commands/cert.js')).registerCert,
  },
];

/** Root options take no value, so the first other argument names the command (`help X` names X). */
export function commandNamed(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** `run [options] <playbook>`: the line root help shows for a command. */
export function commandTerm(spec: CommandSpec): string {
  return [spec.name, spec.options ? '[options]' : '', spec.args ?? ''].filter(Boolean).join(' ');
}

/**
 * Builds the tree for these arguments (`argv` as process.argv): the command
 * they name in full, every other one as a stub. `full: true` loads them all.
 */
export async function registerCommands(
  program: Command,
  setExitCode: SetExitCode,
  argv: readonly string[],
  { full = false }: { full?: boolean } = {},
): Promise<void> {
  const stubs = new WeakMap<Command, string>();
  program
    .name('lbdoctor')
    .description('Find out why a load balancer misbehaves: FAQ playbooks, probes, a reference load balancer.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showSuggestionAfterError(true)
    .configureHelp({
      // A stub has no options yet: its line comes from the table.
      subcommandTerm(this: InstanceType<typeof Help>, cmd: Command) {
        return stubs.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    })
    .addHelpText(
      'after',
      `
Examples:
  lbdoctor demo                                 a fault reproduced and diagnosed
  lbdoctor list                                 one playbook per FAQ problem
  lbdoctor show router-code --graph mermaid     a playbook's decision tree
  lbdoctor run router-code --target 10.0.0.5:80 diagnose a listener
  lbdoctor run ./my-playbook.yaml --target 10.0.0.5:80
  lbdoctor run router-code -i inventory.yaml \\
    --format json:report.json --format junit:junit.xml
  lbdoctor validate my-playbook.yaml inventory.yaml`,
    );
  const named = commandNamed(argv.slice(2));
  const wanted = COMMANDS.filter((c) => full || c.name === named);
  const loaded = new Map(await Promise.all(wanted.map(async (c) => [c, await c.load()] as const)));
  for (const spec of COMMANDS) {
    const cmd = program
      .command(spec.args ? `${spec.name} ${spec.args}` : spec.name)
      .description(spec.description);
    const register = loaded.get(spec);
    if (register) register(cmd, setExitCode);
    else stubs.set(cmd, commandTerm(spec));
  }
}
