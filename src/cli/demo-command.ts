// `lbdoctor demo`: start a lab scenario (the reference load balancer plus
// backends with one known FAQ fault), run the playbook that diagnoses it
// non-interactively, print the diagnosis, tear everything down. It proves the
// diagnosis: the exit code says whether the expected conclusion was reached.
import { parseSetFlags } from '../engine/facts.js';
import { UsageError } from '../errors.js';
import { findScenario, scenarios } from '../lab/scenarios/index.js';
import type { Scenario } from '../lab/scenarios/index.js';
import { listPlaybooks, locatePlaybook } from '../playbook/catalog.js';
import { parseFormatSpec } from '../reporters/registry.js';
import { hang, REPORT_WIDTH } from '../reporters/wrap.js';
import { playbookDirs } from './playbook-dirs.js';
import { executeRun } from './run-command.js';

export async function demoCommand(opts: {
  scenario: string;
  all?: boolean;
  format?: string[];
}): Promise<number> {
  const formats = (opts.format?.length ? opts.format : ['text']).map(parseFormatSpec);
  const available = new Set((await listPlaybooks(playbookDirs([]))).playbooks.map((p) => p.id));
  const runnable = scenarios.filter((s) => available.has(s.playbook));
  let chosen: Scenario[];
  if (opts.all) {
    // Host scenarios need root, network namespaces and sshd: left out, with the reason, where they cannot run.
    chosen = [];
    for (const s of runnable) {
      const support = s.support ? await s.support() : { ok: true as const };
      if (support.ok) chosen.push(s);
      else process.stderr.write(`- skipping scenario ${s.id}: ${support.reason}\n`);
    }
  } else {
    const s = findScenario(opts.scenario);
    if (!available.has(s.playbook)) {
      throw new UsageError(
        `scenario "${s.id}" is diagnosed by playbook "${s.playbook}", which lbdoctor does not ship yet`,
        `scenarios the demo can run: ${runnable.map((r) => r.id).join(', ')}`,
      );
    }
    const support = s.support ? await s.support() : { ok: true as const };
    if (!support.ok) throw new UsageError(`scenario "${s.id}" cannot run here: ${support.reason}`);
    chosen = [s];
  }
  let missed = 0;
  for (const scenario of chosen) {
    const reached = await demoOne(scenario, formats);
    if (!reached) missed++;
  }
  return missed === 0 ? 0 : 1;
}

async function demoOne(scenario: Scenario, formats: ReturnType<typeof parseFormatSpec>[]): Promise<boolean> {
  const width = (process.stderr.isTTY && process.stderr.columns) || REPORT_WIDTH;
  // `lead` (a mark, an indent) then the text wrapped two columns in.
  const say = (lead: string, text: string) =>
    process.stderr.write(
      `${hang(lead, text, width, lead.trimStart().length > 0 ? 2 : lead.length + 2).join('\n')}\n`,
    );
  say('▶ ', `scenario ${scenario.id}: ${scenario.title} (FAQ ${scenario.faq})`);
  const { playbook } = await locatePlaybook(scenario.playbook, playbookDirs([]));
  const running = await scenario.start();
  try {
    for (const l of running.listeners) say('  ', `reference load balancer listener ${l.name}: ${l.url}`);
    say('  ', `symptom: ${scenario.symptom.expect}`);
    say('▶ ', `lbdoctor run ${playbook.id} --non-interactive ${(running.runArgs ?? []).join(' ')}`.trimEnd());
    process.stderr.write('\n');
    const { result } = await executeRun({
      playbook,
      inventory: running.inventory,
      target: undefined,
      inputs: inputsOf(running.runArgs),
      formats,
      // A scenario whose fault is a console fact gives the operator's answer as `--set` (packet-loss's specification).
      facts: { set: parseSetFlags(flagValues(running.runArgs, '--set')), answers: {} },
      timeoutMs: 5000,
      concurrency: 16,
      failOn: 'error',
      // Lab hosts' SSH host keys come in a known_hosts file of the scenario's (runArgs).
      ssh: { sshHostKeyCheck: 'strict', ...knownHostsOf(running.runArgs) },
    });
    const codes = result.findings.map((f) => f.conclusion);
    const reached = codes.includes(scenario.conclusion);
    process.stderr.write('\n');
    if (reached)
      say(
        '✔ ',
        `lbdoctor reached the conclusion this fault should produce: ${playbook.id}/${scenario.conclusion}`,
      );
    else
      say('✘ ', `expected ${playbook.id}/${scenario.conclusion}, got ${codes.join(', ') || 'no conclusion'}`);
    return reached;
  } finally {
    await running.close();
  }
}

function knownHostsOf(runArgs: readonly string[] | undefined): { knownHosts?: string } {
  const i = runArgs?.indexOf('--known-hosts') ?? -1;
  const file = i >= 0 ? runArgs?.[i + 1] : undefined;
  return file ? { knownHosts: file } : {};
}

/** The values of a repeated flag in the scenario's run arguments: `--set a=1 --set b=2` → ["a=1", "b=2"]. */
function flagValues(runArgs: readonly string[] | undefined, flag: string): string[] {
  return (runArgs ?? []).flatMap((arg, i) =>
    arg === flag && runArgs?.[i + 1] !== undefined ? [runArgs[i + 1]!] : [],
  );
}

/** The scenario's `--input NAME=VALUE` run arguments (a log's path on the lab hosts, say). */
function inputsOf(runArgs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const next of flagValues(runArgs, '--input')) {
    const eq = next.indexOf('=');
    if (eq > 0) out[next.slice(0, eq)] = next.slice(eq + 1);
  }
  return out;
}
