// Reading loosely typed JSON from cloud outputs: the same field is a string in
// one CLI and a list in another, empty strings mean "not set", and a link is
// an id, a list of ids or a list of {id} objects.
export type ApiObject = Record<string, unknown>;

export function isObject(v: unknown): v is ApiObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** An integer (numbers and numeric strings), or undefined. */
export function int(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return undefined;
}

/**
 * Ids a link names: `["a","b"]`, `[{"id":"a"}]`, or one string (the OpenStack
 * CLI prints lists of ids as "a\nb" or "a, b" in some versions).
 */
export function ids(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => (isObject(x) ? (str(x.id) ?? []) : (str(x) ?? [])));
  if (isObject(v)) return str(v.id) ? [str(v.id) as string] : [];
  const s = str(v);
  return s ? s.split(/[\s,]+/).filter(Boolean) : [];
}

/** A value worth a note when left behind: not null, not empty, not false. */
export function says(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Drops undefined properties so the YAML shows only what the source said. */
export function defined<T extends ApiObject>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Fields whose values must never be copied or printed (certificate keys, passwords). */
export function isSecretField(name: string): boolean {
  return /private_key|password|secret/i.test(name);
}
