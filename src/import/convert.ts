// Renaming another vocabulary's fields into ELB v3 ones (Octavia, Terraform
// providers), noting every field that has no place: one table per resource.
import type { ImportNotes } from './notes.js';
import { singular, type V3Kind } from './v3-set.js';
import { type ApiObject, isSecretField, says } from './values.js';

export interface FieldTable {
  /** Source field → ELB v3 field (same name when the value is already right). */
  rename: Readonly<Record<string, string>>;
  /** Source fields that say nothing about traffic (owners, timestamps, states). */
  bookkeeping: readonly string[];
}

export function convertFields(
  kind: V3Kind,
  source: ApiObject,
  table: FieldTable,
  where: string,
  notes: ImportNotes,
  vocabulary: string,
): ApiObject {
  const out: ApiObject = {};
  for (const [k, v] of Object.entries(source)) {
    const to = table.rename[k];
    if (to !== undefined) {
      out[to] = v;
      continue;
    }
    if (table.bookkeeping.includes(k) || !says(v)) continue;
    if (isSecretField(k)) {
      notes.add(
        'secret',
        `${vocabulary} ${singular(kind)} field ${k}`,
        'secrets never land in the inventory',
        where,
      );
      continue;
    }
    notes.add('not-carried', `${vocabulary} ${singular(kind)} field ${k}`, 'no inventory equivalent', where);
  }
  return out;
}

/** Milliseconds to whole seconds (rounded up), or undefined with a note when out of the inventory's range. */
export function msToSeconds(
  ms: unknown,
  range: [number, number],
  what: string,
  where: string,
  notes: ImportNotes,
): number | undefined {
  if (typeof ms !== 'number' && typeof ms !== 'string') return undefined;
  const n = Number(ms);
  if (!Number.isFinite(n)) return undefined;
  const s = Math.ceil(n / 1000);
  if (s < range[0] || s > range[1]) {
    notes.add('not-carried', what, `${n} ms is outside ELB's ${range[0]}–${range[1]} s`, where);
    return undefined;
  }
  return s;
}
