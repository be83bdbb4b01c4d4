// Which playbooks exist, without loading them all: `list` and `run <id>` are
// answered from here, and only the playbook a command uses is parsed and
// checked (playbook/load.ts).
//
// The bundled playbooks come with a catalog (dist/playbook/catalog.json,
// written by `npm run build`: scripts/build-catalog.mjs) holding each valid
// playbook's id, title, FAQ sections, symptoms, description and conclusions
// with a fingerprint of its
// file (size, mtime, content hash) and of the bundled fragments. An entry is
// used only while its file still matches, so a playbook edited in a checkout
// is re-read, never served stale. Other folders (--playbooks DIR) and stale
// entries are read from their files.
//
// This module is on the path of `lbdoctor list`: it imports only node: built-ins
// and loads the YAML parser, zod and the playbook checks only when it must.
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../errors.js';
import type { LoadedPlaybook } from './load.js';

// node:fs through require(), like commander in cli/commander.ts: importing it
// as ESM builds its ESM facade, which reads every export and so loads fs
// streams too (about 1 ms of `lbdoctor list`, measured with bench/startup).
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = createRequire(import.meta.url)(
  'node:fs',
) as typeof import('node:fs');

/** playbooks/ beside dist/ (installed package) or beside src/ (tests). */
export const BUNDLED_PLAYBOOKS = resolve(dirname(fileURLToPath(import.meta.url)), '../../playbooks');

/** The bundled playbooks' catalog, beside this module in dist/ (absent when running from src/). */
export const BUNDLED_CATALOG = fileURLToPath(new URL('./catalog.json', import.meta.url));

/** Shared steps live in this subfolder of a playbook folder; it is never a playbook. */
const FRAGMENTS = 'fragments';

export interface PlaybookSummary {
  id: string;
  title: string;
  faq: string[];
  symptoms: string[];
  /** The playbook's description ('' when it has none). */
  description: string;
  /** Every conclusion it can reach: step id, title (templates unrendered) and severity. */
  conclusions: ConclusionSummary[];
  file: string;
}

export interface ConclusionSummary {
  id: string;
  title: string;
  severity: string;
}

/** A playbook file skipped by `list`, or a duplicate id: printed on stderr, not fatal. */
export interface PlaybookWarning {
  message: string;
  problems: Problem[];
}

export interface CatalogOptions {
  /** Folder → its catalog file. Default: the bundled playbooks and BUNDLED_CATALOG. */
  catalogs?: ReadonlyMap<string, string>;
}

interface Fingerprint {
  /** File name inside the folder. */
  name: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

interface CatalogEntry extends Fingerprint, Omit<PlaybookSummary, 'file'> {}

interface CatalogFile {
  catalogVersion: 2;
  playbooks: CatalogEntry[];
  fragments: Fingerprint[];
}

const defaultCatalogs = (): ReadonlyMap<string, string> => new Map([[BUNDLED_PLAYBOOKS, BUNDLED_CATALOG]]);

async function inputError(message: string, problems: Problem[], hint: string, code: 'LBD_ERR_FILE') {
  const { InputError } = await import('../errors.js');
  return new InputError(message, problems, hint, code);
}

/** *.yaml / *.yml files directly in a folder, sorted (never a subfolder such as fragments/). */
function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => /\.ya?ml$/i.test(d.name))
    .filter((d) => d.isFile() || (d.isSymbolicLink() && statSync(join(dir, d.name)).isFile()))
    .map((d) => d.name)
    .sort();
}

/** The playbook files of each folder, in folder order. */
export async function playbookFiles(dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = yamlFilesIn(dir);
    } catch {
      throw await inputError(
        `cannot read playbook folder ${dir}`,
        [],
        'give --playbooks a folder of *.yaml files',
        'LBD_ERR_FILE',
      );
    }
    files.push(...names.map((n) => join(dir, n)));
  }
  return files;
}

/** FNV-1a (32 bits) of the file's bytes: enough to tell an edited playbook from the one catalogued. */
function contentHash(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  // An indexed loop: iterating the Buffer is four times slower before the JIT warms up.
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function fingerprint(file: string): Fingerprint {
  const st = statSync(file);
  return { name: basename(file), size: st.size, mtimeMs: st.mtimeMs, hash: contentHash(readFileSync(file)) };
}

/** Same size and mtime, or (a copy, an npm install) same size and content. */
function unchanged(file: string, fp: Fingerprint): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st || st.size !== fp.size) return false;
  return st.mtimeMs === fp.mtimeMs || contentHash(readFileSync(file)) === fp.hash;
}

/**
 * The catalogued playbooks of `dir` whose files are unchanged, by file path.
 * Empty when there is no catalog or the fragments changed (any playbook may include them).
 */
function freshEntries(dir: string, catalogFile: string | undefined): Map<string, PlaybookSummary> {
  const fresh = new Map<string, PlaybookSummary>();
  if (!catalogFile) return fresh;
  let catalog: CatalogFile;
  try {
    catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as CatalogFile;
  } catch {
    return fresh;
  }
  if (catalog.catalogVersion !== 2) return fresh;
  const fragmentDir = join(dir, FRAGMENTS);
  const fragments = existsSync(fragmentDir) ? yamlFilesIn(fragmentDir) : [];
  if (
    fragments.length !== catalog.fragments.length ||
    !catalog.fragments.every((fp, i) => fragments[i] === fp.name && unchanged(join(fragmentDir, fp.name), fp))
  )
    return fresh;
  for (const e of catalog.playbooks) {
    const file = join(dir, e.name);
    if (unchanged(file, e)) {
      const { name: _name, size: _size, mtimeMs: _mtime, hash: _hash, ...summary } = e;
      fresh.set(file, { ...summary, file });
    }
  }
  return fresh;
}

const summarize = ({ playbook: p, file }: LoadedPlaybook): PlaybookSummary => ({
  id: p.id,
  title: p.title,
  faq: p.faq,
  symptoms: p.symptoms,
  description: p.description ?? '',
  conclusions: Object.entries(p.steps).flatMap(([id, step]) =>
    step.kind === 'conclude' ? [{ id, title: step.title, severity: step.severity }] : [],
  ),
  file,
});

async function loader() {
  return import('./load.js');
}

/** A problem list from a loader error; anything but bad input is a bug and propagates. */
async function problemsOf(err: unknown): Promise<Problem[]> {
  const { InputError } = await import('../errors.js');
  if (!(err instanceof InputError)) throw err;
  return err.problems.length > 0 ? err.problems : [{ message: err.message }];
}

/**
 * Every valid playbook of the folders, sorted by id. A file that is not a
 * valid playbook is skipped with a warning carrying its problems; an id used
 * by several files is left out with a warning (`run` refuses it).
 */
export async function listPlaybooks(
  dirs: readonly string[],
  options: CatalogOptions = {},
): Promise<{ playbooks: PlaybookSummary[]; warnings: PlaybookWarning[] }> {
  const catalogs = options.catalogs ?? defaultCatalogs();
  const found: PlaybookSummary[] = [];
  const warnings: PlaybookWarning[] = [];
  for (const dir of dirs) {
    const fresh = freshEntries(dir, catalogs.get(dir));
    for (const file of await playbookFiles([dir])) {
      const known = fresh.get(file);
      if (known) {
        found.push(known);
        continue;
      }
      try {
        found.push(summarize(await (await loader()).loadPlaybookFile(file)));
      } catch (err) {
        warnings.push({
          message: `skipped ${file}: not a valid playbook (\`lbdoctor validate ${file}\` shows the same)`,
          problems: await problemsOf(err),
        });
      }
    }
  }
  const byId = new Map<string, PlaybookSummary[]>();
  for (const p of found) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  const playbooks: PlaybookSummary[] = [];
  for (const [id, same] of byId) {
    if (same.length === 1) playbooks.push(same[0]!);
    else
      warnings.push(
        duplicateWarning(
          id,
          same.map((p) => p.file),
        ),
      );
  }
  // Code-point order: ids are plain ASCII, and localeCompare's first call costs ~5 ms (ICU collator).
  playbooks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { playbooks, warnings };
}

function duplicateWarning(id: string, files: readonly string[]): PlaybookWarning {
  return {
    message: `playbook id "${id}" is used by ${files.length} files: left out, and \`lbdoctor run ${id}\` refuses it until one is renamed`,
    problems: files.map((file) => ({ file, message: `declares id "${id}"` })),
  };
}

/** `./x.yaml`, `dir/x`, `x.yml`: an argument naming a file rather than a playbook id. */
export function isPlaybookPath(arg: string): boolean {
  return /[\\/]/.test(arg) || /\.ya?ml$/i.test(arg);
}

/**
 * The id a playbook file declares, read from its top-level `id:` line without
 * a YAML parser; undefined when the file does not spell it that plainly.
 */
export function quickId(text: string): string | undefined {
  const lines = text.match(/^id:.*$/gm);
  if (lines?.length !== 1) return undefined;
  // One document only: a `---` may open the file (after comments), nothing else.
  const markers = [...text.matchAll(/^(?:---|\.\.\.)(?:[ \t].*)?$/gm)];
  if (markers.length > 1) return undefined;
  if (markers[0] && /^[ \t]*[^#\s]/m.test(text.slice(0, markers[0].index))) return undefined;
  const m = /^id:[ \t]*(?:"([\w.-]+)"|'([\w.-]+)'|([\w.-]+))[ \t]*(?:#.*)?$/.exec(lines[0]!);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** The id of a playbook file not in a catalog: its `id:` line, else a YAML parse. */
async function readId(file: string): Promise<{ id?: string; problems?: Problem[] }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [{ file, message: `cannot read it: ${(err as Error).message}` }] };
  }
  const quick = quickId(text);
  if (quick !== undefined) return { id: quick };
  try {
    const { parseLocated } = await import('../model/locate.js');
    const value = parseLocated(file, text).value as { id?: unknown } | null;
    if (value && typeof value === 'object' && typeof value.id === 'string') return { id: value.id };
    return { problems: [{ file, field: 'id', message: 'no playbook id found' }] };
  } catch (err) {
    return { problems: await problemsOf(err) };
  }
}

/**
 * The playbook `run`/`show` asked for, loaded and checked: an argument that
 * looks like a path (see isPlaybookPath) is that file; an id is looked up in
 * the folders (catalog first, then each other file's `id:`) and only its file
 * is loaded, so a broken neighbour does not stop it. Unknown ids, ids used by
 * several files and missing files are exit-2 errors.
 */
export async function locatePlaybook(
  idOrPath: string,
  dirs: readonly string[],
  options: CatalogOptions = {},
): Promise<LoadedPlaybook> {
  const { loadPlaybookFile } = await loader();
  if (isPlaybookPath(idOrPath)) {
    if (!existsSync(idOrPath)) {
      const { InputError } = await import('../errors.js');
      throw new InputError(
        `no playbook file ${idOrPath}`,
        [],
        'give a playbook id (`lbdoctor list` shows them) or the path of a playbook file',
        'LBD_ERR_FILE',
      );
    }
    return loadPlaybookFile(idOrPath);
  }
  const id = idOrPath;
  const catalogs = options.catalogs ?? defaultCatalogs();
  const ids = new Set<string>();
  const matches: string[] = [];
  const unreadable: { file: string; problems: Problem[] }[] = [];
  for (const dir of dirs) {
    const fresh = freshEntries(dir, catalogs.get(dir));
    for (const file of await playbookFiles([dir])) {
      const read: { id?: string; problems?: Problem[] } = fresh.get(file) ?? (await readId(file));
      if (read.id === undefined) {
        unreadable.push({ file, problems: read.problems ?? [] });
        continue;
      }
      ids.add(read.id);
      if (read.id === id) matches.push(file);
    }
  }
  if (matches.length > 1) {
    const { InputError } = await import('../errors.js');
    const w = duplicateWarning(id, matches);
    throw new InputError(
      `playbook id "${id}" is used by ${matches.length} files`,
      w.problems,
      'rename one of them (its id and file name), or leave out the --playbooks folder that repeats it',
    );
  }
  // A file whose id could not be read but whose name is the id is the one meant: its problems are the answer.
  const named = unreadable.find((u) => basename(u.file).replace(/\.ya?ml$/i, '') === id);
  const file = matches[0] ?? named?.file;
  if (file) {
    const loaded = await loadPlaybookFile(file);
    if (loaded.playbook.id === id) return loaded;
  }
  const [{ LbdError }, { closeMatch }] = await Promise.all([import('../errors.js'), import('../suggest.js')]);
  const near = closeMatch(id, [...ids].sort());
  // Not a typo of an id: perhaps a symptom ("502"), which `list WORDS` searches.
  const bySymptom =
    !near && /^[\w.-]+$/.test(id) ? `\`lbdoctor list ${id}\` finds those that fit a symptom; ` : '';
  const hints = [
    ids.size === 0
      ? 'no playbooks found'
      : `${near ? `did you mean "${near}"? ` : bySymptom}\`lbdoctor list\` shows them all`,
    'a path (./my-playbook.yaml) runs a playbook file',
  ];
  if (unreadable.length > 0)
    hints.push(
      `the id of ${unreadable.length === 1 ? 'the file above' : 'the files above'} could not be read`,
    );
  throw new LbdError('LBD_ERR_UNKNOWN_PLAYBOOK', `unknown playbook "${id}"`, {
    problems: unreadable.flatMap((u) =>
      u.problems.length > 0 ? u.problems : [{ file: u.file, message: 'not a readable playbook' }],
    ),
    hint: hints.join('; '),
  });
}

/**
 * Writes the catalog of `dir`'s valid playbooks to `out` (the build does it for
 * the bundled ones). Files that do not load are left out and returned: at run
 * time they are read from their files, so their problems are reported then.
 */
export async function buildCatalog(
  dir: string,
  out: string,
): Promise<{ playbooks: number; skipped: PlaybookWarning[] }> {
  const { loadPlaybookFile } = await loader();
  const playbooks: CatalogEntry[] = [];
  const skipped: PlaybookWarning[] = [];
  for (const file of await playbookFiles([dir])) {
    try {
      const { file: _file, ...summary } = summarize(await loadPlaybookFile(file));
      playbooks.push({ ...fingerprint(file), ...summary });
    } catch (err) {
      skipped.push({ message: `${file} left out of the catalog`, problems: await problemsOf(err) });
    }
  }
  const fragmentDir = join(dir, FRAGMENTS);
  const fragments = existsSync(fragmentDir)
    ? yamlFilesIn(fragmentDir).map((n) => fingerprint(join(fragmentDir, n)))
    : [];
  const catalog: CatalogFile = { catalogVersion: 2, playbooks, fragments };
  writeFileSync(out, `${JSON.stringify(catalog, null, 1)}\n`);
  return { playbooks: playbooks.length, skipped };
}
