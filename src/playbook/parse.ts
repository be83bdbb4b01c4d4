// One playbook from its text: schema (file:line:column), included fragments
// merged in, then the structural and type checks of validate.ts.
import { InputError, type Problem } from '../errors.js';
import { fieldPath, validateText } from '../model/locate.js';
import { probeContracts } from '../probes/contracts/index.js';
import type { ProbeContract } from '../probes/types.js';
import { type LoadedFragment, loadFragments, locateIn } from './fragments.js';
import { Playbook } from './schema.js';
import { checkPlaybook } from './validate.js';

export interface LoadedPlaybook {
  playbook: Playbook;
  file: string;
}

export interface ParseOptions {
  /** Probe contracts to check against (tests pass fakes); the bundled probes by default. */
  contracts?: Readonly<Record<string, ProbeContract>>;
}

export function parsePlaybook(file: string, text: string, options: ParseOptions = {}): LoadedPlaybook {
  const { doc, data } = validateText(file, text, Playbook, 'playbook');
  const own = (path: PropertyKey[]) => ({ file, ...(doc.locate(path) ?? {}), field: fieldPath(path) });
  const { fragments, problems } = data.include.length
    ? loadFragments(data.include, file, own)
    : { fragments: [], problems: [] as Problem[] };
  const playbook = merge(data, fragments, own, problems);
  // A step's problems point into the file that wrote it: the playbook, or its fragment.
  const origin = new Map<string, LoadedFragment>();
  for (const f of fragments)
    for (const id of Object.keys(f.fragment.steps)) if (!(id in data.steps)) origin.set(id, f);
  const at = (path: PropertyKey[]) => {
    const from = path[0] === 'steps' ? origin.get(String(path[1])) : undefined;
    return from ? locateIn(from, path) : own(path);
  };
  if (problems.length === 0)
    problems.push(...checkPlaybook(playbook, at, options.contracts ?? probeContracts));
  if (problems.length > 0) throw new InputError(`${file} is not a valid playbook`, problems);
  return { playbook, file };
}

function merge(
  pb: Playbook,
  fragments: readonly LoadedFragment[],
  own: (path: PropertyKey[]) => Omit<Problem, 'message'>,
  problems: Problem[],
): Playbook {
  const steps = { ...pb.steps };
  const from = new Map<string, string>();
  for (const f of fragments) {
    for (const [id, step] of Object.entries(f.fragment.steps)) {
      if (id in steps) {
        problems.push({
          ...own(['steps', id]),
          message: `step "${id}" is also defined by fragment ${f.fragment.id} (${f.file})`,
          expected: 'step ids unique across the playbook and its fragments',
        });
        continue;
      }
      steps[id] = step;
      from.set(id, f.fragment.id);
    }
  }
  fragments.forEach((f) => {
    f.fragment.needs.forEach((need, i) => {
      if (!(need in steps))
        problems.push({
          ...locateIn(f, ['needs', i]),
          message: `fragment ${f.fragment.id} hands the walk to step "${need}", which ${pb.id} does not define`,
          expected: `a step "${need}" in ${pb.id}`,
        });
    });
  });
  return { ...pb, steps };
}
