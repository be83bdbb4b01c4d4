// Shared fragments: steps written once (the member health check, the host
// checks, and their fix text) and included by several playbooks with
// `include: [id]`. A fragment lives in a `fragments/` folder beside the
// playbooks that use it, or among the bundled ones.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../errors.js';
import { fieldPath, type LocatedDocument, validateText } from '../model/locate.js';
import { InputError } from '../errors.js';
import { stepEdges } from './graph.js';
import { Fragment } from './schema.js';

export interface LoadedFragment {
  fragment: Fragment;
  file: string;
  doc: LocatedDocument;
}

/** playbooks/fragments beside dist/ (installed package) or beside src/ (tests). */
export const BUNDLED_FRAGMENTS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../playbooks/fragments',
);

/**
 * Finds and parses the fragments a playbook includes: first in a `fragments/`
 * folder beside the playbook, then among the bundled ones. Schema errors in a
 * fragment are reported with its own file:line:column.
 */
export function loadFragments(
  ids: readonly string[],
  playbookFile: string,
  locate: (path: PropertyKey[]) => Omit<Problem, 'message'>,
): { fragments: LoadedFragment[]; problems: Problem[] } {
  const fragments: LoadedFragment[] = [];
  const problems: Problem[] = [];
  const dirs = [join(dirname(resolve(playbookFile)), 'fragments'), BUNDLED_FRAGMENTS];
  ids.forEach((id, i) => {
    const file = dirs.map((d) => join(d, `${id}.yaml`)).find((f) => existsSync(f));
    if (!file) {
      problems.push({
        ...locate(['include', i]),
        message: `fragment "${id}" not found`,
        expected: `a file ${id}.yaml in ${dirs.join(' or ')}`,
      });
      return;
    }
    try {
      const { doc, data } = validateText(file, readFileSync(file, 'utf8'), Fragment, 'playbook fragment');
      if (data.id !== id)
        problems.push({
          file,
          ...doc.locate(['id']),
          field: 'id',
          message: `the fragment's id is "${data.id}"`,
          expected: `"${id}" (its file name)`,
        });
      fragments.push({ fragment: data, file, doc });
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.problems);
      else throw err;
    }
  });
  return { fragments, problems };
}

/** Problems located in a fragment's own file. */
export function locateIn(f: LoadedFragment, path: PropertyKey[]): Omit<Problem, 'message'> {
  return { file: f.file, ...(f.doc.locate(path) ?? {}), field: fieldPath(path) };
}

/**
 * A fragment on its own (`lbdoctor validate fragments/x.yaml`): its schema, and
 * every step it goes to is its own or one it `needs`. Paths and parameters are
 * checked where it is included, since they depend on the including playbook.
 */
export function parseFragment(file: string, text: string): LoadedFragment {
  const { doc, data } = validateText(file, text, Fragment, 'playbook fragment');
  const loaded = { fragment: data, file, doc };
  const known = new Set([...Object.keys(data.steps), ...data.needs]);
  const problems: Problem[] = [];
  for (const [id, step] of Object.entries(data.steps))
    for (const e of stepEdges(id, step))
      if (!known.has(e.to))
        problems.push({
          ...locateIn(loaded, e.field),
          message: `step "${e.to}" is neither in the fragment nor in its needs`,
          expected: `a step of the fragment, or add "${e.to}" to needs`,
        });
  if (problems.length > 0) throw new InputError(`${file} is not a valid playbook fragment`, problems);
  return loaded;
}
