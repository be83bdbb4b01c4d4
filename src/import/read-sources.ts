// The saved outputs an import reads: files, folders of them (JSON or YAML, as
// the cloud CLIs print with -f json / -f yaml), or `-` for standard input.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../errors.js';
import { parseLocated, readCapped, readText } from '../model/locate.js';

export interface SourceDocument {
  /** The file as the user named it (`<stdin>` for -). */
  file: string;
  value: unknown;
}

export const STDIN = '<stdin>';
const SAVED_OUTPUT = new Set(['.json', '.yaml', '.yml']);

async function filesOf(arg: string): Promise<string[]> {
  let isDir = false;
  try {
    isDir = (await stat(arg)).isDirectory();
  } catch {
    // readText says "no such file" with the path.
  }
  if (!isDir) return [arg];
  const entries = await readdir(arg, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && SAVED_OUTPUT.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  if (files.length === 0) {
    throw new InputError(
      `${arg} holds no saved outputs`,
      [{ file: arg, message: 'no .json, .yaml or .yml file in this folder' }],
      'save each command output to a .json file in the folder',
    );
  }
  return files;
}

/** An empty file (a command that failed, a redirect gone wrong) is said as such, not as null. */
function parseSaved(file: string, text: string, what: string): SourceDocument {
  if (text.trim() === '') throw new InputError(`${file} is empty`, [{ file, message: `expected ${what}` }]);
  return { file, value: parseLocated(file, text).value };
}

export async function readSources(
  args: readonly string[],
  what: string,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<SourceDocument[]> {
  if (args.length === 0)
    throw new InputError(`no ${what} given`, [], 'name files or folders, or - for stdin');
  if (args.filter((a) => a === '-').length > 1)
    throw new InputError('standard input (-) can be read once', [], 'give - only once');
  const docs: SourceDocument[] = [];
  for (const arg of args) {
    if (arg === '-') {
      docs.push(parseSaved(STDIN, await readCapped(stdin, STDIN, what), what));
      continue;
    }
    for (const file of await filesOf(arg)) docs.push(parseSaved(file, await readText(file, what), what));
  }
  return docs;
}
