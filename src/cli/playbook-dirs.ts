import { resolve } from 'node:path';
import { BUNDLED_PLAYBOOKS } from '../playbook/load.js';

/** The bundled playbooks plus any --playbooks folders, in that order. */
export function playbookDirs(extra: readonly string[] | undefined): string[] {
  return [BUNDLED_PLAYBOOKS, ...(extra ?? []).map((d) => resolve(d))];
}
