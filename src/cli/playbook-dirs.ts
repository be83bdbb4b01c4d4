import { resolve } from 'node:path';
import { BUNDLED_PLAYBOOKS } from '../playbook/catalog.js';

/** The bundled playbooks plus any --playbooks folders, in that order, each once. */
export function playbookDirs(extra: readonly string[] | undefined): string[] {
  return [...new Set([BUNDLED_PLAYBOOKS, ...(extra ?? []).map((d) => resolve(d))])];
}
