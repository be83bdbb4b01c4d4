// Parse YAML/JSON text and validate it against a zod schema, reporting every
// problem with file:line:column and the dotted field path. Shared by
// inventories, playbooks and answers files.
import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, type Problem } from '../errors.js';

export interface LocatedDocument {
  file: string;
  value: unknown;
  /** Location of a path inside the document (nearest existing ancestor when the path is missing). */
  locate(
    path: ReadonlyArray<PropertyKey>,
    at?: 'value' | 'key',
  ): { line: number; column: number } | undefined;
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new InputError(
      `cannot read ${what} ${file}: ${why}`,
      [],
      `check the path given for the ${what}`,
      'LBD_ERR_FILE',
    );
  }
}

export function parseLocated(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return {
        file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        message: e.message.split('\n')[0] ?? e.message,
      };
    });
    throw new InputError(`${file} is not valid YAML/JSON`, problems, 'fix the syntax at the location shown');
  }
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    value: doc.toJS({ maxAliasCount: 100 }),
    locate(path, want = 'value') {
      let node: unknown = doc.contents;
      let last: Node | undefined = doc.contents ?? undefined;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          if (!pair) break;
          // Point at the key for a bad value's field, which reads better than the value's column.
          last = want === 'key' || pair.value == null ? (pair.key as Node) : (pair.value as Node);
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key] as Node | undefined;
          if (!item) break;
          last = item;
          node = item;
        } else break;
      }
      return last?.range ? at(last.range[0]) : undefined;
    },
  };
}

/** `pools[0].healthmonitor.delay` from ['pools', 0, 'healthmonitor', 'delay']. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** Turns zod issues into located problems; union errors are narrowed to the branch that got furthest. */
export function zodProblems(doc: LocatedDocument, error: z.ZodError): Problem[] {
  const problems: Problem[] = [];
  const visit = (issues: readonly z.core.$ZodIssue[], base: PropertyKey[] = []) => {
    for (const issue of issues) {
      const path = [...base, ...issue.path];
      if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
        // Pick the branch whose issues sit deepest: that is the shape the author meant.
        const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
        visit(best, path);
        continue;
      }
      problems.push(describe(doc, issue, path));
    }
  };
  visit(error.issues);
  return problems;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function describe(doc: LocatedDocument, issue: z.core.$ZodIssue, path: PropertyKey[]): Problem {
  const loc = doc.locate(path) ?? {};
  const base = { file: doc.file, ...loc, field: fieldPath(path) || '(top level)' };
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        ...base,
        ...(doc.locate([...path, issue.keys[0]!], 'key') ?? {}),
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
        expected: 'only the fields documented in the schema (lbdoctor schema)',
      };
    case 'invalid_value':
      return {
        ...base,
        message: 'invalid value',
        expected: `one of ${issue.values.map((v) => String(v)).join(', ')}`,
      };
    case 'invalid_type': {
      const missing = issue.message.includes('received undefined');
      return {
        ...base,
        message: missing ? 'required field is missing' : `wrong type`,
        expected: issue.expected,
      };
    }
    default:
      return { ...base, message: issue.message };
  }
}

/** Reads, parses and validates one file; throws InputError listing every problem. */
export async function loadValidated<S extends z.ZodType>(
  file: string,
  schema: S,
  what: string,
): Promise<{ doc: LocatedDocument; data: z.infer<S> }> {
  const text = await readText(file, what);
  return validateText(file, text, schema, what);
}

export function validateText<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  what: string,
): { doc: LocatedDocument; data: z.infer<S> } {
  const doc = parseLocated(file, text);
  const parsed = schema.safeParse(doc.value ?? {});
  if (!parsed.success) {
    throw new InputError(
      `${file} is not a valid ${what}`,
      zodProblems(doc, parsed.error),
      `see \`lbdoctor schema\``,
    );
  }
  return { doc, data: parsed.data };
}
