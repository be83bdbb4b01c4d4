// Parse YAML/JSON text and validate it against a zod schema, reporting every
// problem with file:line:column and the dotted field path. Shared by
// inventories, playbooks and answers files.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
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

/**
 * Larger input files are refused before they are parsed (docs/errors.md). A
 * 64 MB inventory holds some 600,000 members; past that a file is a mistake
 * (a log, a disk image, /dev/zero), and reading it would only exhaust memory.
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;
/**
 * From this size on the value is read by js-yaml (YAML 1.2 core schema, as
 * yaml reads it): some 10× faster than yaml's Document and a fifth of its
 * memory, which is what lets a 100,000-member inventory load in a second.
 * Smaller files, and every file with a problem, are read by yaml.
 */
export const FAST_PARSE_BYTES = 128 * 1024;
/**
 * yaml's Document, which knows every node's line and column, takes about 60×
 * a file's size in memory. Past this size problems are named by field only.
 */
export const LOCATE_BYTES = 16 * 1024 * 1024;
// js-yaml only for large files: loaded (synchronously, parseLocated is sync) when one comes.
const require = createRequire(import.meta.url);

/** Alias expansions allowed in one file (yaml's maxAliasCount): more is a "billion laughs" bomb. */
export const MAX_ALIAS_COUNT = 100;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** An input over MAX_INPUT_BYTES: said before any of it is parsed. */
export function tooLarge(file: string, what: string, bytes: number): InputError {
  return new InputError(
    `${what} ${file} is too large: more than ${megabytes(MAX_INPUT_BYTES)}`,
    [
      {
        file,
        message: `read ${megabytes(bytes)} before stopping; the limit is ${megabytes(MAX_INPUT_BYTES)}`,
      },
    ],
    `is it the right file? An inventory of 100,000 members is about 10 MB`,
  );
}

/** Reads a stream as UTF-8 text, refusing it once it passes MAX_INPUT_BYTES (a FIFO or /dev/zero has no size to check first). */
export async function readCapped(
  stream: AsyncIterable<Buffer | string>,
  file: string,
  what: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buf.length;
    if (total > MAX_INPUT_BYTES) throw tooLarge(file, what, total);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readCapped(createReadStream(file, { highWaterMark: 1024 * 1024 }), file, what);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (err as Error).message;
    throw new InputError(
      `cannot read ${what} ${file}: ${why}`,
      [],
      `check the path given for the ${what}`,
      'LBD_ERR_FILE',
    );
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Text, not bytes: YAML forbids NUL, and a binary file would otherwise be
 * reported as thousands of syntax errors.
 */
function assertText(file: string, text: string): void {
  const nul = text.indexOf('\u0000');
  if (nul === -1) return;
  throw new InputError(
    `${file} is not a text file`,
    [{ file, ...lineColumn(text, nul), message: 'a NUL byte: this is binary data, not YAML or JSON' }],
    'give the YAML or JSON file itself',
  );
}

export function parseLocated(file: string, text: string): LocatedDocument {
  assertText(file, text);
  if (text.length >= FAST_PARSE_BYTES) {
    const fast = parseFast(file, text);
    if (fast) return fast;
  }
  return parseWithYaml(file, text);
}

/** The first alias node in a document, for saying where an alias bomb starts. */
function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

// yaml reports a stack overflow on deep nesting in its own words; say what it means.
function syntaxMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return /Maximum call stack size exceeded/.test(first)
    ? first.replace(/Maximum call stack size exceeded/, 'nested too deeply')
    : first;
}

function parseWithYaml(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return {
        file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        message: syntaxMessage(e.message),
      };
    });
    throw new InputError(`${file} is not valid YAML/JSON`, problems, 'fix the syntax at the location shown');
  }
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws a ReferenceError for too many alias expansions ("billion
    // laughs") and for an alias used before its anchor.
    if (!(err instanceof ReferenceError)) throw err;
    const alias = firstAlias(doc);
    const bomb = /resource exhaustion/.test(err.message);
    throw new InputError(
      bomb
        ? `${file} expands YAML aliases too far (an alias bomb): refused`
        : `${file} is not valid YAML/JSON`,
      [
        {
          file,
          ...(alias?.range ? at(alias.range[0]) : {}),
          message: bomb
            ? `aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies of their anchors`
            : err.message,
        },
      ],
      bomb ? 'write the repeated parts out, or use fewer aliases' : 'fix the syntax at the location shown',
    );
  }
  return {
    file,
    value,
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
      // An empty document has no node: its problems are at its start.
      return last?.range ? at(last.range[0]) : { line: 1, column: 1 };
    },
  };
}

/**
 * Large files: the value from js-yaml; yaml's Document only when a problem
 * needs a line and column. Undefined when js-yaml cannot read the text and the
 * file is small enough for yaml to say why, located.
 */
function parseFast(file: string, text: string): LocatedDocument | undefined {
  let value: unknown;
  try {
    // No aliases: js-yaml shares an alias's object, and a bomb would only
    // explode later, in the schema check. yaml counts expansions instead.
    const jsYaml = require('js-yaml') as typeof import('js-yaml');
    value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, maxAliases: 0, filename: file });
  } catch (err) {
    if (text.length <= LOCATE_BYTES) return undefined;
    const e = err as { reason?: string; mark?: { line: number; column: number }; message?: string };
    const alias = /maxAliases/.test(e.reason ?? '');
    throw new InputError(
      `${file} is not valid YAML/JSON`,
      [
        {
          file,
          ...(e.mark ? { line: e.mark.line + 1, column: e.mark.column + 1 } : {}),
          message: alias
            ? `an alias (*name): files over ${megabytes(LOCATE_BYTES)} are read without anchors and aliases`
            : (e.reason ?? e.message ?? String(err)),
        },
      ],
      alias ? 'write the repeated parts out' : 'fix the syntax at the location shown',
    );
  }
  let located: LocatedDocument | undefined;
  return {
    file,
    value,
    locate(path, want) {
      if (text.length > LOCATE_BYTES) return undefined;
      located ??= parseWithYaml(file, text);
      return located.locate(path, want);
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
  return { doc, data: validateDocument(doc, schema, what) };
}

/** Validates a parsed document; throws InputError listing every problem, located. */
export function validateDocument<S extends z.ZodType>(
  doc: LocatedDocument,
  schema: S,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(doc.value ?? {});
  if (!parsed.success) {
    throw new InputError(
      `${doc.file} is not a valid ${what}`,
      zodProblems(doc, parsed.error),
      `see \`lbdoctor schema\``,
    );
  }
  return parsed.data;
}
