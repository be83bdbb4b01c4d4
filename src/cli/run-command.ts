// `lbdoctor run`: load inputs, walk the playbook, write the reports, compute
// the exit code. Loaded only when `run` is invoked.
import { resolve } from 'node:path';
import { type FailOn, exitCodeFor } from '../engine/exit-code.js';
import { runPlaybook } from '../engine/engine.js';
import { type FactInputs, parseSetFlags, type Prompter, unusedFacts } from '../engine/facts.js';
import type { RunResult } from '../engine/result.js';
import type { Playbook } from '../playbook/schema.js';
import type { Target } from '../engine/scope.js';
import { UsageError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import { loadInventory } from '../model/load-inventory.js';
import { loadValidated } from '../model/locate.js';
import { locatePlaybook } from '../playbook/catalog.js';
import { parseInputFlags } from '../playbook/inputs.js';
import { toDecisionGraph } from '../playbook/graph.js';
import { loadProbe } from '../probes/registry.js';
import { shouldUseColor } from '../reporters/color.js';
import { type FormatSpec, parseFormatSpec, writeReports } from '../reporters/registry.js';
import { SecretSet } from '../reporters/redact.js';
import { VERSION } from '../version.js';
import type { RunOptions } from './commands/run.js';
import { DEADLINE_BOUNDS } from './duration-bounds.js';
import { isInteractive, parseDuration, parseTarget } from './options.js';
import { playbookDirs } from './playbook-dirs.js';
import { createVantages, type VantageOptions } from './vantage-setup.js';
import { z } from 'zod';

export async function runCommand(id: string, opts: RunOptions): Promise<number> {
  // Validate every flag before touching the network: bad input is exit 2 and nothing runs.
  const formats: FormatSpec[] = (opts.format?.length ? opts.format : ['text']).map(parseFormatSpec);
  const set = parseSetFlags(opts.set ?? []);
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const deadlineMs = opts.deadline ? parseDuration(opts.deadline, '--deadline', DEADLINE_BOUNDS) : undefined;
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency "${opts.concurrency}" is not a positive whole number`);
  }
  const target: Target | undefined = opts.target ? parseTarget(opts.target) : undefined;
  const { playbook } = await locatePlaybook(id, playbookDirs(opts.playbooks));
  const inputs = parseInputFlags(opts.input ?? [], playbook);
  warnUnusedFacts(set, playbook);
  if (opts.inventory && opts.from)
    throw new UsageError('give --inventory or --from, not both', 'one of them describes the load balancer');
  if (opts.hosts && !opts.from)
    throw new UsageError('--hosts goes with --from', 'merge it into an imported inventory');
  const inventory: Inventory | undefined = opts.inventory
    ? await loadInventory(opts.inventory)
    : opts.from
      ? await (await import('./run-from.js')).importedInventory(opts.from, opts.hosts)
      : undefined;
  const answers = opts.answers ? await loadAnswers(opts.answers) : {};
  // A playbook that reads only what the user gives (an access log) needs no load balancer to reach.
  if (!inventory && !target && Object.keys(inputs).length === 0) {
    throw new UsageError(
      'nothing to diagnose',
      "give --inventory FILE (see `lbdoctor schema inventory`), --from SOURCE:INPUT, --target host:port, or the playbook's --input values",
    );
  }
  const { exitCode } = await executeRun({
    playbook,
    inventory,
    target,
    inputs,
    formats,
    facts: {
      set,
      answers,
      ...(isInteractive(opts.nonInteractive) ? { prompt: await createPrompter() } : {}),
    },
    timeoutMs,
    deadlineMs,
    concurrency,
    failOn: opts.failOn as FailOn,
    ssh: opts,
    ...(opts.verbose ? { verbose: true } : {}),
  });
  return exitCode;
}

export interface ExecuteRunOptions {
  playbook: Playbook;
  inventory: Inventory | undefined;
  target: Target | undefined;
  /** --input values (the playbook's declared defaults fill the rest). */
  inputs?: Readonly<Record<string, string>>;
  formats: readonly FormatSpec[];
  facts: FactInputs;
  timeoutMs: number;
  deadlineMs?: number | undefined;
  concurrency: number;
  failOn: FailOn;
  ssh: VantageOptions;
  verbose?: boolean;
  /** Secrets known before the run (the demo's); the run adds what the user gave. */
  secrets?: SecretSet;
}

/** Walks the playbook with Ctrl-C and --deadline wired, writes every report, returns the exit code. */
export async function executeRun(o: ExecuteRunOptions): Promise<{ result: RunResult; exitCode: number }> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('stopped by Ctrl-C'));
  process.once('SIGINT', onSigint);
  const deadline = o.deadlineMs ? AbortSignal.timeout(o.deadlineMs) : undefined;
  const signal = deadline ? AbortSignal.any([controller.signal, deadline]) : controller.signal;

  // One set of secrets for the whole run, shared by everything that prints:
  // what the user gave up front, then each probe's parameters as they render.
  const secrets = collectSecrets(o);
  const color = shouldUseColor(process.stdout, process.env);
  const live =
    process.stderr.isTTY && o.formats.some((f) => f.name === 'text' && !f.file)
      ? (await import('../reporters/live.js')).createLiveRenderer(process.stderr, {
          color: shouldUseColor(process.stderr, process.env),
          secrets,
        })
      : undefined;

  const vantages = await createVantages(
    o.inventory,
    { ...o.ssh, secrets },
    o.timeoutMs,
    signal,
    o.facts.prompt !== undefined,
  );
  try {
    const result = await runPlaybook({
      playbook: o.playbook,
      ...(o.inventory ? { inventory: o.inventory } : {}),
      ...(o.target ? { target: o.target } : {}),
      ...(o.inputs ? { inputs: o.inputs } : {}),
      loadProbe,
      vantages,
      facts: o.facts,
      timeoutMs: o.timeoutMs,
      signal,
      concurrency: o.concurrency,
      ...(live ? { onEvent: live } : {}),
      onProbeParams: (_kind, params) => secrets.addParams(params),
      toolVersion: VERSION,
    });
    if (deadline?.aborted && !controller.signal.aborted) {
      result.inconclusive.push({
        reason: `the --deadline of ${Math.round((o.deadlineMs ?? 0) / 1000)} s passed before every check finished`,
        path: [],
        step: o.playbook.start,
      });
    }
    // Everything a reporter may use: -v lists every check in the text report,
    // and the inventory fills markdown's FAQ 7.5 support-ticket table.
    await writeReports(
      o.formats,
      result,
      {
        color,
        // A terminal's own width; piped or to a file, 80 columns.
        ...(process.stdout.isTTY && process.stdout.columns ? { width: process.stdout.columns } : {}),
        graph: toDecisionGraph(o.playbook),
        secrets,
        ...(o.verbose ? { verbose: true } : {}),
        ...(o.inventory ? { inventory: o.inventory } : {}),
      },
      process.stdout,
    );
    return { result, exitCode: exitCodeFor(result, o.failOn) };
  } finally {
    process.removeListener('SIGINT', onSigint);
    await vantages.close();
  }
}

/**
 * The secrets the user gave before the run: the passwords `password_env`
 * names, credentials in SSH reaches, and values under secret-looking names
 * in --set, --answers and --input.
 */
function collectSecrets(o: ExecuteRunOptions): SecretSet {
  const secrets = o.secrets ?? new SecretSet();
  if (o.inventory) secrets.addInventory(o.inventory, process.env);
  secrets.addNamed(o.facts.set.entries());
  secrets.addNamed(Object.entries(o.facts.answers));
  secrets.addNamed(Object.entries(o.inputs ?? {}));
  return secrets;
}

/** A --set no step asks for is most likely a typo: say so, and which facts the playbook asks. */
function warnUnusedFacts(set: ReadonlyMap<string, string>, playbook: Playbook): void {
  const asked = [
    ...new Set(Object.values(playbook.steps).flatMap((s) => (s.kind === 'ask' ? [s.fact] : []))),
  ];
  for (const fact of unusedFacts(set, asked)) {
    process.stderr.write(
      `lbdoctor: warning: --set ${fact}: no step of ${playbook.id} asks for it (${
        asked.length ? `it asks: ${asked.join(', ')}` : 'it asks nothing'
      })\n`,
    );
  }
}

/** An answers file: fact id → answer. */
export const AnswersFile = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

async function loadAnswers(file: string): Promise<Record<string, unknown>> {
  const { data } = await loadValidated(resolve(file), AnswersFile, 'answers file');
  return data;
}

/** @inquirer/prompts is loaded only when a person can answer. */
export async function createPrompter(): Promise<Prompter> {
  const { input, select } = await import('@inquirer/prompts');
  const dontKnow = "I don't know";
  return async (q) => {
    // Why it matters and where to look, so the operator can answer rather than guess.
    process.stderr.write(`\n  why: ${q.why}\n  where: ${q.console}\n`);
    switch (q.type) {
      case 'boolean': {
        const a = await select({ message: q.question, choices: ['yes', 'no', dontKnow] });
        return a === dontKnow ? undefined : a === 'yes';
      }
      case 'choice': {
        const a = await select({ message: q.question, choices: [...(q.choices ?? []), dontKnow] });
        return a === dontKnow ? undefined : a;
      }
      case 'number': {
        const a = await input({
          message: `${q.question} (blank: don't know)`,
          validate: (v) => v.trim() === '' || Number.isFinite(Number(v)) || 'a number, or blank',
        });
        return a.trim() === '' ? undefined : Number(a);
      }
      default: {
        const a = await input({ message: `${q.question} (blank: don't know)` });
        return a.trim() === '' ? undefined : a;
      }
    }
  };
}
