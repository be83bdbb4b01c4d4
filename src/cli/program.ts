// The command tree. Each command lives in commands/<name>.ts and loads its
// heavy modules only when it runs.
import type { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerList } from './commands/list.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerShow } from './commands/show.js';
import { registerValidate } from './commands/validate.js';
import { registerLabHosts } from './commands/lab-hosts.js';
import { registerLabScenarios } from './commands/lab-scenarios.js';
import { registerProbe } from './commands/probe.js';
import { registerReference } from './commands/reference.js';
import type { SetExitCode } from './types.js';
import { VERSION } from '../version.js';

export function registerCommands(program: Command, setExitCode: SetExitCode): void {
  program
    .name('lbdoctor')
    .description('Find out why a load balancer misbehaves: FAQ playbooks, probes, a reference load balancer.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  lbdoctor demo                                   reproduce a fault on the bundled reference LB and diagnose it
  lbdoctor list                                   the playbooks, one per FAQ problem
  lbdoctor show router-code --graph mermaid       a playbook's decision tree
  lbdoctor run router-code --target 10.0.0.5:80   diagnose a listener
  lbdoctor run router-code -i inventory.yaml --format json:report.json --format junit:junit.xml
  lbdoctor validate my-playbook.yaml inventory.yaml`,
    );
  registerDemo(program, setExitCode);
  registerList(program, setExitCode);
  registerShow(program, setExitCode);
  registerRun(program, setExitCode);
  registerValidate(program, setExitCode);
  registerSchema(program, setExitCode);
  registerReference(program, setExitCode);
  const lab = program.command('lab').description('reproduce FAQ faults locally: scenarios and lab hosts');
  registerLabScenarios(lab, setExitCode);
  registerLabHosts(lab, setExitCode);
  registerProbe(program, setExitCode);
}
