// What `lbdoctor lab scenarios|up|status|down` do. `up` runs a scenario in a
// detached copy of lbdoctor (`lab up --foreground`) that writes a state file
// once the fault is in place; `down` stops that process by the pid the state
// file names, after checking the pid is still ours.
import { hang, hangCommand, REPORT_WIDTH } from '../reporters/wrap.js';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, LbdError, UsageError } from '../errors.js';
import type { ReferenceLogger } from '../reference/types.js';
import {
  defaultInventoryPath,
  ensureLabDir,
  isLabProcess,
  type LabState,
  labDir,
  listStates,
  logPath,
  readState,
  removeState,
  writeState,
} from './lab-state.js';
import { findScenario, scenarios } from './scenarios/registry.js';
import type { Scenario } from './scenarios/types.js';

type Out = (text: string) => void;
const stdout: Out = (t) => process.stdout.write(t);

export function listScenarios(format: string, out: Out = stdout): void {
  if (format === 'json') {
    out(
      `${JSON.stringify(
        scenarios.map(({ id, title, faq, playbook, conclusion, symptom }) => ({
          id,
          title,
          faq,
          playbook,
          conclusion,
          symptom,
        })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (format !== 'text')
    throw new UsageError(`unknown format "${format}"`, 'use --format text or --format json');
  // One write: a reader that stops early (`| head`) then meets one EPIPE at most, not one per line.
  // Each scenario: its id and FAQ section, then what it breaks and what lbdoctor must conclude, hung
  // below and fitted to the terminal (ids are up to 35 characters: a table would not fit 80 columns).
  const cols = (process.stdout.isTTY && process.stdout.columns) || REPORT_WIDTH;
  const lines = scenarios.flatMap((s) => [
    `${s.id}  (FAQ ${s.faq})`,
    ...hang('    ', s.title, cols),
    ...hang('    → ', `${s.playbook}: ${s.conclusion}`, cols),
  ]);
  out(`${lines.join('\n')}\n`);
}

export interface UpFlags {
  scenario: string;
  inventoryOut?: string;
  foreground?: boolean;
}

/** `lab up`: returns once the scenario is up (detached) or once it was stopped (foreground). */
export async function labUp(flags: UpFlags, out: Out = stdout): Promise<void> {
  const scenario = findScenario(flags.scenario);
  await requireScenarioSupport(scenario);
  const dir = labDir();
  await ensureLabDir(dir);
  const existing = await readState(dir, scenario.id);
  if (existing && existing.pid !== process.pid && isLabProcess(existing.pid, scenario.id)) {
    throw new UsageError(
      `scenario ${scenario.id} is already up (pid ${existing.pid}, inventory ${existing.inventory})`,
      `stop it first: lbdoctor lab down --scenario ${scenario.id}`,
    );
  }
  if (existing) await removeState(dir, scenario.id);
  const inventoryPath = resolve(flags.inventoryOut ?? defaultInventoryPath(dir, scenario.id));
  if (flags.foreground) {
    await runForeground(scenario, dir, inventoryPath, out);
    return;
  }
  const state = await startDetached(scenario, dir, inventoryPath);
  printUp(scenario, state, out);
}

/** Host scenarios need root and `ip netns` (and their tools): say so before anything starts. */
async function requireScenarioSupport(scenario: Scenario): Promise<void> {
  const support = await scenario.support?.();
  if (!support || support.ok) return;
  throw new LbdError(
    'LBD_ERR_PERMISSION',
    `scenario ${scenario.id} runs on lab hosts (network namespaces), which cannot be built here: ${support.reason}`,
    {
      hint: `Run it as root on Linux with the packages .ci/run installs: sudo lbdoctor lab up --scenario ${scenario.id}`,
      exitCode: ExitCode.badInput,
    },
  );
}

function printUp(scenario: Scenario, state: LabState, out: Out): void {
  // Piped or in a terminal, lines fit 80 columns; commands wrap with a
  // trailing backslash so that a paste still runs them. Paths, addresses and
  // URLs are never broken.
  const w = REPORT_WIDTH;
  const lines = [
    ...hang(
      '',
      `scenario ${scenario.id} is up (pid ${state.pid}): ${scenario.title} (FAQ ${scenario.faq})`,
      w,
      2,
    ),
    ...hang('  ', `inventory: ${state.inventory}`, w, 4, false),
    ...state.listeners.flatMap((l) =>
      hang('  ', `listener ${l.name} (${l.protocol}): ${l.url}`, w, 4, false),
    ),
    ...(state.admin ? hang('  ', `admin: ${state.admin.url}`, w, 4, false) : []),
    ...(state.hosts ?? []).flatMap((h) =>
      hang('  ', `host ${h.name}: ${h.address}   (a shell on it: ip netns exec ${h.ns} sh)`, w, 4, false),
    ),
  ];
  const listener = state.listeners.find((l) => l.name === scenario.symptom.listener);
  if (listener && (listener.protocol === 'HTTP' || listener.protocol === 'HTTPS')) {
    lines.push(
      ...hang('  ', `try (${scenario.symptom.expect}):`, w, 4, false),
      ...hangCommand('    $ ', `curl -si ${listener.url}${scenario.symptom.path}`, w),
    );
  }
  const diagnose = `lbdoctor run ${scenario.playbook} --inventory ${[state.inventory, ...(state.runArgs ?? [])].join(' ')}`;
  lines.push(
    ...hang('  ', `diagnose (expected conclusion: ${scenario.conclusion}):`, w, 4, false),
    ...hangCommand('    $ ', diagnose, w),
    '  stop:',
    ...hangCommand('    $ ', `lbdoctor lab down --scenario ${scenario.id}`, w),
  );
  out(`${lines.join('\n')}\n`);
}

const stderrLogger: ReferenceLogger = {
  info: (message) => process.stderr.write(`${new Date().toISOString()} info ${message}\n`),
  warn: (message) => process.stderr.write(`${new Date().toISOString()} warn ${message}\n`),
};

async function runForeground(
  scenario: Scenario,
  dir: string,
  inventoryPath: string,
  out: Out,
): Promise<void> {
  // Ctrl-C / SIGTERM during start-up must still tear down what has started.
  let stop!: () => void;
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const running = await scenario.start({ logger: stderrLogger });
    try {
      await writeFile(inventoryPath, running.inventoryYaml);
      const state: LabState = {
        scenario: scenario.id,
        pid: process.pid,
        inventory: inventoryPath,
        listeners: [...running.listeners],
        admin: running.admin,
        ...(running.runArgs ? { runArgs: [...running.runArgs] } : {}),
        ...(running.hosts ? { hosts: [...running.hosts] } : {}),
        startedAt: new Date().toISOString(),
        log: process.env.LBDOCTOR_LAB_LOG ?? null,
      };
      await writeState(dir, state);
      printUp(scenario, state, out);
      await stopped;
    } finally {
      await running.close();
      const current = await readState(dir, scenario.id);
      if (current?.pid === process.pid) await removeState(dir, scenario.id);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** This package's CLI entry, from src/ (tests) or dist/ (installed): both sit two levels below the root. */
const binPath = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));

async function startDetached(scenario: Scenario, dir: string, inventoryPath: string): Promise<LabState> {
  const log = logPath(dir, scenario.id);
  const fd = openSync(log, 'w', 0o600);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(
      process.execPath,
      [binPath, 'lab', 'up', '--scenario', scenario.id, '--foreground', '--inventory-out', inventoryPath],
      {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, LBDOCTOR_LAB_DIR: dir, LBDOCTOR_LAB_LOG: log },
      },
    );
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => {
    exitCode = c;
  });
  child.unref();
  // Health checks settle within a few intervals; 30 s is generous (60 s with lab hosts to build).
  const limitS = scenario.support ? 60 : 30;
  const deadline = Date.now() + limitS * 1000;
  for (;;) {
    const state = await readState(dir, scenario.id);
    if (state && state.pid === child.pid) return state;
    if (exitCode !== undefined || Date.now() > deadline) {
      if (exitCode === undefined && child.pid) process.kill(child.pid, 'SIGTERM');
      const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `lab scenario ${scenario.id} did not come up${exitCode !== undefined ? ` (exit code ${exitCode})` : ` within ${limitS} s`}`,
        { hint: tail ? `its log (${log}) ends with:\n${tail}` : `see ${log}` },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface DownFlags {
  scenario?: string;
  all?: boolean;
}

export async function labDown(flags: DownFlags, out: Out = stdout): Promise<void> {
  const dir = labDir();
  const states = await listStates(dir);
  let targets: LabState[];
  if (flags.scenario) {
    const id = findScenario(flags.scenario).id;
    targets = states.filter((s) => s.scenario === id);
    if (targets.length === 0) {
      out(`scenario ${id} is not up\n`);
      return;
    }
  } else if (flags.all || states.length <= 1) {
    targets = states;
    if (targets.length === 0) {
      out('no lab scenario is up\n');
      return;
    }
  } else {
    throw new UsageError(
      `${states.length} scenarios are up: ${states.map((s) => s.scenario).join(', ')}`,
      'name one with --scenario NAME, or stop them all with --all',
    );
  }
  for (const state of targets) {
    const wasRunning = await stopProcess(state);
    await removeState(dir, state.scenario);
    await rm(logPath(dir, state.scenario), { force: true });
    // Only the inventory we put in the lab directory; a --inventory-out file is the user's.
    if (state.inventory === resolve(defaultInventoryPath(dir, state.scenario)))
      await rm(state.inventory, { force: true });
    out(`scenario ${state.scenario} ${wasRunning ? 'stopped' : 'was not running (stale state removed)'}\n`);
  }
}

/** SIGTERM, then SIGKILL if it has not gone within 10 s. False when it was not running. */
async function stopProcess(state: LabState): Promise<boolean> {
  if (!isLabProcess(state.pid, state.scenario)) return false;
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isLabProcess(state.pid, state.scenario)) {
    if (Date.now() > deadline) {
      process.kill(state.pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export async function labStatus(format: string, out: Out = stdout): Promise<void> {
  const dir = labDir();
  const states = (await listStates(dir)).map((s) => ({ ...s, running: isLabProcess(s.pid, s.scenario) }));
  if (format === 'json') {
    out(`${JSON.stringify(states, null, 2)}\n`);
    return;
  }
  if (format !== 'text')
    throw new UsageError(`unknown format "${format}"`, 'use --format text or --format json');
  if (states.length === 0) {
    out(`no lab scenario is up (state directory ${dir})\n`);
    return;
  }
  for (const s of states) {
    out(
      `${s.scenario}: ${s.running ? `up (pid ${s.pid}) since ${s.startedAt}` : 'not running (stale state; `lbdoctor lab down` removes it)'}\n`,
    );
    out(`  inventory: ${s.inventory}\n`);
    for (const l of s.listeners) out(`  listener ${l.name} (${l.protocol}): ${l.url}\n`);
    if (s.admin) out(`  admin: ${s.admin.url}\n`);
    for (const h of s.hosts ?? []) out(`  host ${h.name}: ${h.address} (${h.ns})\n`);
    if (s.runArgs?.length) out(`  lbdoctor run needs: ${s.runArgs.join(' ')}\n`);
  }
}
