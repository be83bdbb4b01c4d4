// The command tree. Each command lives in commands/<name>.ts and loads its
// heavy modules only when it runs.
import type { Command } from 'commander';
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
    .showSuggestionAfterError(true);
  registerReference(program, setExitCode);
  const lab = program.command('lab').description('reproduce FAQ faults locally: scenarios and lab hosts');
  registerLabScenarios(lab, setExitCode);
  registerLabHosts(lab, setExitCode);
  registerProbe(program, setExitCode);
}
