// Does a dotted path exist in a zod schema? The validator's one question,
// asked of probe data shapes, the inventory views and the checklist counts.
// Objects are closed (an unknown key is an error with the known keys as the
// suggestion); records, unknown and transforms accept any key below them.
import type { z } from 'zod';

export type PathCheck = { ok: true } | { ok: false; at: string; known: string[] };

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
};

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers that do not change which keys exist. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (
      ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(d.type) &&
      d.innerType
    )
      cur = d.innerType;
    else if (d.type === 'lazy' && d.getter) cur = d.getter();
    else if (
      d.type === 'pipe' &&
      d.in &&
      defOf(d.in).type !== 'transform' &&
      defOf(d.out!).type === 'transform'
    )
      cur = d.in;
    else return cur;
  }
}

export function checkSchemaPath(
  schema: z.ZodType,
  segments: readonly string[],
  walked: string[] = [],
): PathCheck {
  if (segments.length === 0) return { ok: true };
  const [key, ...rest] = segments as [string, ...string[]];
  const here = [...walked, key].join('.');
  const s = unwrap(schema);
  const d = defOf(s);
  switch (d.type) {
    case 'object': {
      const child = d.shape?.[key];
      if (!child) return { ok: false, at: here, known: Object.keys(d.shape ?? {}) };
      return checkSchemaPath(child, rest, [...walked, key]);
    }
    case 'record':
      return checkSchemaPath(d.valueType!, rest, [...walked, key]);
    case 'array':
    case 'tuple':
      if (key === 'length') return rest.length === 0 ? { ok: true } : { ok: false, at: here, known: [] };
      if (/^\d+$/.test(key) && d.element) return checkSchemaPath(d.element, rest, [...walked, key]);
      return { ok: false, at: here, known: ['length', '0', '1', '…'] };
    case 'union': {
      const tries = (d.options ?? []).map((o) => checkSchemaPath(o, segments, walked));
      if (tries.some((t) => t.ok)) return { ok: true };
      const known = [...new Set(tries.flatMap((t) => (t.ok ? [] : t.known)))];
      return { ok: false, at: here, known };
    }
    case 'intersection': {
      const l = checkSchemaPath(d.left!, segments, walked);
      return l.ok ? l : checkSchemaPath(d.right!, segments, walked);
    }
    case 'unknown':
    case 'any':
    case 'pipe':
    case 'transform':
    case 'custom':
      return { ok: true };
    default:
      // string, number, boolean, enum, literal…: nothing below them.
      return { ok: false, at: here, known: [] };
  }
}

/** The schema at a path (for value checks); undefined where the path leaves typed ground. */
export function schemaAt(schema: z.ZodType, segments: readonly string[]): z.ZodType | undefined {
  let cur: z.ZodType = schema;
  for (const key of segments) {
    const d = defOf(unwrap(cur));
    if (d.type === 'object' && d.shape?.[key]) cur = d.shape[key]!;
    else if (d.type === 'record') cur = d.valueType!;
    else return undefined;
  }
  return cur;
}

/** The keys of an object schema (probe parameters), or undefined when it accepts any. */
export function objectKeys(schema: z.ZodType): string[] | undefined {
  const d = defOf(unwrap(schema));
  return d.type === 'object' ? Object.keys(d.shape ?? {}) : undefined;
}

/** The item schema of a list schema; undefined when `schema` is not a list. */
export function listItem(schema: z.ZodType): z.ZodType | undefined {
  const d = defOf(unwrap(schema));
  return d.type === 'array' ? d.element : undefined;
}

/** The kind of value a schema holds: "number", "string", "object", "array", "unknown"… */
export function valueType(schema: z.ZodType): string {
  return defOf(unwrap(schema)).type;
}
