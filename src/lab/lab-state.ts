// Where `lbdoctor lab up` keeps track of running scenarios: one JSON state
// file per scenario in a per-user runtime directory, so `lab status` and
// `lab down` work from any shell.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { LabHostInfo, LabListener } from './scenarios/types.js';

export interface LabState {
  scenario: string;
  pid: number;
  inventory: string;
  listeners: LabListener[];
  admin: { url: string } | null;
  /** What `lbdoctor run` needs besides --inventory (host scenarios: --known-hosts FILE). */
  runArgs?: string[];
  /** Host scenarios: the lab hosts (network namespaces). */
  hosts?: LabHostInfo[];
  startedAt: string;
  /** The background process's log (stderr/stdout), when detached. */
  log: string | null;
}

/** `$LBDOCTOR_LAB_DIR`, else `$XDG_RUNTIME_DIR/lbdoctor`, else `<tmp>/lbdoctor-lab-<uid>`. */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LBDOCTOR_LAB_DIR) return env.LBDOCTOR_LAB_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'lbdoctor');
  return join(tmpdir(), `lbdoctor-lab-${userInfo().uid}`);
}

export const statePath = (dir: string, scenario: string) => join(dir, `${scenario}.json`);
export const defaultInventoryPath = (dir: string, scenario: string) =>
  join(dir, `${scenario}.inventory.yaml`);
export const logPath = (dir: string, scenario: string) => join(dir, `${scenario}.log`);

export async function ensureLabDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

export async function writeState(dir: string, state: LabState): Promise<void> {
  const file = statePath(dir, state.scenario);
  // Write, then rename: a reader never sees half a file.
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

export async function readState(dir: string, scenario: string): Promise<LabState | null> {
  try {
    return JSON.parse(await readFile(statePath(dir, scenario), 'utf8')) as LabState;
  } catch {
    return null;
  }
}

export async function listStates(dir: string): Promise<LabState[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const states: LabState[] = [];
  for (const n of names.filter((f) => f.endsWith('.json')).sort()) {
    const s = await readState(dir, n.slice(0, -'.json'.length));
    if (s) states.push(s);
  }
  return states;
}

export async function removeState(dir: string, scenario: string): Promise<void> {
  await rm(statePath(dir, scenario), { force: true });
}

/**
 * Whether `pid` is still the lab process for `scenario`: alive, and (where
 * /proc exists) its command line names the scenario, so a recycled pid is
 * never taken for ours.
 */
export function isLabProcess(pid: number, scenario: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: alive but someone else's, so not ours either.
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('up') && cmdline.includes(scenario);
  } catch {
    return process.platform !== 'linux';
  }
}
