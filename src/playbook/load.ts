// Finds and loads playbooks: the bundled ones in playbooks/ and a user's
// folder (--playbooks DIR). Every playbook is schema-checked and
// graph-checked at load, with file:line:column problems.
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest } from 'fastest-levenshtein';
import { InputError, type Problem, UsageError } from '../errors.js';
import { readText } from '../model/locate.js';
import { parsePlaybook, type LoadedPlaybook } from './parse.js';

export { parsePlaybook, type LoadedPlaybook };

/** playbooks/ beside dist/ (installed package) or beside src/ (tests). */
export const BUNDLED_PLAYBOOKS = resolve(dirname(fileURLToPath(import.meta.url)), '../../playbooks');

export async function playbookFiles(dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      throw new InputError(
        `cannot read playbook folder ${dir}`,
        [],
        'give --playbooks a folder of *.yaml files',
        'LBD_ERR_FILE',
      );
    }
    files.push(
      ...names
        .filter((n) => /\.ya?ml$/.test(n))
        .sort()
        .map((n) => join(dir, n)),
    );
  }
  return files;
}

/** Parses and checks one playbook file; throws InputError with every problem found. */
export async function loadPlaybookFile(
  file: string,
  knownProbes: readonly string[],
): Promise<LoadedPlaybook> {
  const text = await readText(file, 'playbook');
  return parsePlaybook(file, text);
}

/** Every playbook in the given folders; ids must be unique across them. */
export async function loadAllPlaybooks(
  dirs: readonly string[],
  knownProbes: readonly string[],
): Promise<LoadedPlaybook[]> {
  const loaded: LoadedPlaybook[] = [];
  const problems: Problem[] = [];
  for (const file of await playbookFiles(dirs)) {
    try {
      loaded.push(await loadPlaybookFile(file, knownProbes));
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.problems);
      else throw err;
    }
  }
  const seen = new Map<string, string>();
  for (const { playbook, file } of loaded) {
    const other = seen.get(playbook.id);
    if (other)
      problems.push({ file, field: 'id', message: `playbook id "${playbook.id}" is also used by ${other}` });
    seen.set(playbook.id, file);
  }
  if (problems.length > 0)
    throw new InputError('some playbooks are not valid', problems, 'run `lbdoctor validate <file>`');
  return loaded;
}

export async function findPlaybook(
  id: string,
  dirs: readonly string[],
  knownProbes: readonly string[],
): Promise<LoadedPlaybook> {
  const all = await loadAllPlaybooks(dirs, knownProbes);
  const found = all.find((p) => p.playbook.id === id);
  if (found) return found;
  const ids = all.map((p) => p.playbook.id);
  throw new UsageError(
    `unknown playbook "${id}"`,
    ids.length
      ? `did you mean "${closest(id, ids)}"? \`lbdoctor list\` shows them all`
      : 'no playbooks found',
    'LBD_ERR_UNKNOWN_PLAYBOOK',
  );
}
