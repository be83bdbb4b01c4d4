// {{ path }} templates over the walk's context. Small on purpose: paths and
// nothing else, so playbooks cannot run code.

/**
 * Reads `a.b.c` (and `headers.x-router-code`) from nested objects; undefined
 * when absent. Only own properties are read (and an array's `length`), so a
 * path can never reach a prototype or a function.
 */
export function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur) && key === 'length') cur = cur.length;
    else if (Object.hasOwn(cur, key)) cur = (cur as Record<string, unknown>)[key];
    else return undefined;
  }
  return typeof cur === 'function' ? undefined : cur;
}

/** `{{ path }}` or `{{ path | 'fallback' }}`; group 1 the path, group 2 the fallback. */
export const TEMPLATE = /\{\{\s*([^}|]+?)\s*(?:\|\s*'([^']*)'\s*)?\}\}/g;
const WHOLE = /^\s*\{\{\s*([^}|]+?)\s*(?:\|\s*'([^']*)'\s*)?\}\}\s*$/;

/** The paths a text's templates read (for validation). */
export function templatePaths(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]!);
}

/**
 * A string that is exactly one template keeps the value's type (a port stays a
 * number); otherwise values are interpolated as text. `{{ a.b | 'fallback' }}`
 * gives a fallback for missing values.
 */
export function renderValue(value: unknown, ctx: unknown): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) {
      const v = getPath(ctx, whole[1]!);
      return v === undefined || v === null ? whole[2] : v;
    }
    return renderText(value, ctx);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, ctx)]));
  }
  return value;
}

/**
 * Interpolates `{{ path }}` templates as text. `shown` sees each value (with
 * its path) before it becomes text: a conclusion passes the report's
 * redaction there, so a template is never a way around it.
 */
export function renderText(
  text: string,
  ctx: unknown,
  shown: (path: string, value: unknown) => unknown = (_p, v) => v,
): string {
  return text.replace(TEMPLATE, (_m, path: string, fallback: string | undefined) => {
    const raw = getPath(ctx, path);
    if (raw === undefined || raw === null) return fallback ?? '(unknown)';
    const v = shown(path, raw);
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** Drops undefined values so a probe's schema defaults apply to unresolved optional params. */
export function pruneUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
