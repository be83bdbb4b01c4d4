// Loads playbooks: one file (parsed and checked with file:line:column
// problems, see parse.ts), or every playbook of some folders. Finding which
// playbooks exist without loading them is catalog.ts's job (`list`, `run <id>`).
import { InputError, type Problem } from '../errors.js';
import { readText } from '../model/locate.js';
import { BUNDLED_PLAYBOOKS, locatePlaybook, playbookFiles } from './catalog.js';
import { parsePlaybook, type LoadedPlaybook } from './parse.js';

export { BUNDLED_PLAYBOOKS, parsePlaybook, playbookFiles, type LoadedPlaybook };

/** Parses and checks one playbook file; throws InputError with every problem found. */
export async function loadPlaybookFile(file: string): Promise<LoadedPlaybook> {
  const text = await readText(file, 'playbook');
  return parsePlaybook(file, text);
}

/** Every playbook in the given folders, all valid, ids unique across them; else one InputError listing every problem. */
export async function loadAllPlaybooks(dirs: readonly string[]): Promise<LoadedPlaybook[]> {
  const loaded: LoadedPlaybook[] = [];
  const problems: Problem[] = [];
  for (const file of await playbookFiles(dirs)) {
    try {
      loaded.push(await loadPlaybookFile(file));
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

/** One playbook by id (or by path), loading only its file: see locatePlaybook. */
export async function findPlaybook(id: string, dirs: readonly string[]): Promise<LoadedPlaybook> {
  return locatePlaybook(id, dirs);
}
