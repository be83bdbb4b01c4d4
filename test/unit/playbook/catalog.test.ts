// Which playbooks exist without loading them all (src/playbook/catalog.ts):
// the catalog is used only while each file matches it; `list` skips a broken
// file with its problems; `run <id>` loads only the file it runs; a path is a
// file; fragments/ is never a playbook folder.
import { cp, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, type LbdError } from '../../../src/errors.js';
import {
  BUNDLED_PLAYBOOKS,
  buildCatalog,
  isPlaybookPath,
  listPlaybooks,
  locatePlaybook,
  playbookFiles,
  quickId,
} from '../../../src/playbook/catalog.js';

const playbook = (id: string, title = `Is the port of ${id} open?`) => `# a test playbook
id: ${id}
title: ${title}
faq: ["1.2"]
symptoms: ["connections refused"]
start: connect
steps:
  connect:
    kind: probe
    title: connect
    probe: tcp
    with: {host: "{{ listener.address }}", port: "{{ listener.port }}"}
    foreach: listeners
    branches: [{when: {outcome: pass}, goto: open}, {when: {outcome: fail}, goto: closed}]
  open: {kind: conclude, title: open, severity: info, cause: it accepted a connection}
  closed: {kind: conclude, title: closed, severity: error, cause: it refused}
`;
// Valid YAML with a readable id, but not a playbook: loading it fails.
const BROKEN =
  'id: broken\ntitle: b\nfaq: ["1.6"]\nstart: a\nsteps:\n  a: {kind: probe, title: a, probe: tcp, default: nowhere}\n';

let root = '';
let dir = '';
let catalog = '';
const catalogs = () => new Map([[dir, catalog]]);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lbd-catalog-'));
  dir = join(root, 'playbooks');
  catalog = join(root, 'catalog.json');
  await mkdir(dir);
  await writeFile(join(dir, 'alpha.yaml'), playbook('alpha'));
  await writeFile(join(dir, 'beta.yaml'), playbook('beta'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Rewrites the catalog's title for `id`: a listing that shows it came from the catalog. */
async function markCatalogued(id: string) {
  const c = JSON.parse(await readFile(catalog, 'utf8'));
  for (const e of c.playbooks) if (e.id === id) e.title = 'FROM THE CATALOG';
  await writeFile(catalog, JSON.stringify(c));
}
const titles = async () =>
  Object.fromEntries(
    (await listPlaybooks([dir], { catalogs: catalogs() })).playbooks.map((p) => [p.id, p.title]),
  );

describe('the catalog', () => {
  it('lists from the catalog while the files are unchanged', async () => {
    expect(await buildCatalog(dir, catalog)).toEqual({ playbooks: 2, skipped: [] });
    await markCatalogued('alpha');
    expect(await titles()).toEqual({ alpha: 'FROM THE CATALOG', beta: 'Is the port of beta open?' });
  });

  it('holds what `list WORDS` searches: the conclusions and the description, the same as read from the file', async () => {
    await buildCatalog(dir, catalog);
    const fromCatalog = (await listPlaybooks([dir], { catalogs: catalogs() })).playbooks;
    const fromFiles = (await listPlaybooks([dir], { catalogs: new Map() })).playbooks;
    expect(fromCatalog).toEqual(fromFiles);
    expect(fromCatalog[0]).toMatchObject({
      id: 'alpha',
      description: '',
      conclusions: [
        { id: 'open', title: 'open', severity: 'info' },
        { id: 'closed', title: 'closed', severity: 'error' },
      ],
    });
  });

  it('a catalog written by an older lbdoctor (version 1) is not used: the files are read', async () => {
    await buildCatalog(dir, catalog);
    await markCatalogued('alpha');
    const c = JSON.parse(await readFile(catalog, 'utf8'));
    await writeFile(catalog, JSON.stringify({ ...c, catalogVersion: 1 }));
    expect((await titles()).alpha).toBe('Is the port of alpha open?');
  });

  it('a file edited since (other size) is read again', async () => {
    await buildCatalog(dir, catalog);
    await markCatalogued('alpha');
    await writeFile(join(dir, 'alpha.yaml'), playbook('alpha', 'Edited in the checkout'));
    expect((await titles()).alpha).toBe('Edited in the checkout');
  });

  it('same size, new content and mtime: read again; same content, new mtime (a copy): catalogued', async () => {
    await buildCatalog(dir, catalog);
    await markCatalogued('alpha');
    const file = join(dir, 'alpha.yaml');
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    expect((await titles()).alpha).toBe('FROM THE CATALOG');
    await writeFile(file, playbook('alpha', 'Is the port of ALPHA open?'));
    expect((await stat(file)).size).toBe(Buffer.byteLength(playbook('alpha')));
    expect((await titles()).alpha).toBe('Is the port of ALPHA open?');
  });

  it('a changed fragment makes the whole catalog stale', async () => {
    await mkdir(join(dir, 'fragments'));
    await writeFile(join(dir, 'fragments', 'shared.yaml'), 'id: shared\n');
    await buildCatalog(dir, catalog);
    await markCatalogued('alpha');
    expect((await titles()).alpha).toBe('FROM THE CATALOG');
    await writeFile(join(dir, 'fragments', 'shared.yaml'), 'id: shared2\n');
    expect((await titles()).alpha).toBe('Is the port of alpha open?');
  });

  it('a new file is read; a broken one is left out of the catalog and reported when listed', async () => {
    await writeFile(join(dir, 'broken.yaml'), BROKEN);
    const built = await buildCatalog(dir, catalog);
    expect(built.playbooks).toBe(2);
    expect(built.skipped.map((s) => s.message)).toEqual([expect.stringContaining('broken.yaml')]);
    await writeFile(join(dir, 'gamma.yaml'), playbook('gamma'));
    const { playbooks, warnings } = await listPlaybooks([dir], { catalogs: catalogs() });
    expect(playbooks.map((p) => p.id)).toEqual(['alpha', 'beta', 'gamma']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('broken.yaml');
    expect(warnings[0]!.problems[0]).toMatchObject({ file: join(dir, 'broken.yaml'), line: 6 });
  });

  it('no catalog (running from src/, or a --playbooks folder): every file is read', async () => {
    await writeFile(catalog, 'not json');
    expect(await titles()).toEqual({
      alpha: 'Is the port of alpha open?',
      beta: 'Is the port of beta open?',
    });
  });
});

describe('listPlaybooks', () => {
  it('one broken file does not stop the others; duplicate ids are left out with a warning', async () => {
    const mine = join(root, 'mine');
    await mkdir(mine);
    await writeFile(join(mine, 'broken.yaml'), BROKEN);
    await writeFile(join(mine, 'bad-yaml.yaml'), 'id: [oops\n');
    await writeFile(join(mine, 'beta-again.yaml'), playbook('beta'));
    await writeFile(join(mine, 'delta.yaml'), playbook('delta'));
    const { playbooks, warnings } = await listPlaybooks([dir, mine], { catalogs: new Map() });
    expect(playbooks.map((p) => p.id)).toEqual(['alpha', 'delta']);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('bad-yaml.yaml: not a valid playbook'),
      expect.stringContaining('broken.yaml: not a valid playbook'),
      expect.stringContaining('playbook id "beta" is used by 2 files'),
    ]);
    expect(warnings[0]!.problems[0]).toMatchObject({ file: join(mine, 'bad-yaml.yaml'), line: 2 });
  });

  it('the bundled playbooks, from src/ (no catalog there)', async () => {
    const { playbooks, warnings } = await listPlaybooks([BUNDLED_PLAYBOOKS]);
    expect(warnings).toEqual([]);
    expect(playbooks.map((p) => p.id)).toContain('router-code');
  });
});

describe('locatePlaybook', () => {
  it('loads only the playbook asked for: a broken neighbour is not even parsed', async () => {
    await writeFile(join(dir, 'broken.yaml'), BROKEN);
    await writeFile(join(dir, 'bad-yaml.yaml'), 'id: [oops\n');
    const { playbook, file } = await locatePlaybook('beta', [dir], { catalogs: new Map() });
    expect(playbook.id).toBe('beta');
    expect(file).toBe(join(dir, 'beta.yaml'));
  });

  it('finds an id whatever its file is called', async () => {
    await writeFile(join(dir, 'named-otherwise.yaml'), playbook('gamma'));
    expect((await locatePlaybook('gamma', [dir])).file).toBe(join(dir, 'named-otherwise.yaml'));
  });

  it('the broken playbook asked for: its problems, with file:line:column', async () => {
    await writeFile(join(dir, 'broken.yaml'), BROKEN);
    const err = await locatePlaybook('broken', [dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]).toMatchObject({ file: join(dir, 'broken.yaml'), line: 6 });
  });

  it('a file whose id cannot be read but whose name is the id: its YAML problems', async () => {
    await writeFile(join(dir, 'oops.yaml'), 'id: [oops\n');
    const err = await locatePlaybook('oops', [dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('is not valid YAML');
  });

  it('an id used twice is an error naming both files', async () => {
    const mine = join(root, 'mine');
    await mkdir(mine);
    await writeFile(join(mine, 'alpha.yaml'), playbook('alpha'));
    const err = await locatePlaybook('alpha', [dir, mine]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('playbook id "alpha" is used by 2 files');
    expect((err as InputError).problems.map((p) => p.file)).toEqual([
      join(dir, 'alpha.yaml'),
      join(mine, 'alpha.yaml'),
    ]);
    // The other ids of those folders still run.
    expect((await locatePlaybook('beta', [dir, mine])).playbook.id).toBe('beta');
  });

  it('an unknown id: a suggestion only when close', async () => {
    const near = await locatePlaybook('aplha', [dir]).catch((e: LbdError) => e);
    expect(near).toMatchObject({
      code: 'LBD_ERR_UNKNOWN_PLAYBOOK',
      hint: expect.stringContaining('did you mean "alpha"?'),
    });
    const far = await locatePlaybook('zzzzz', [dir]).catch((e: LbdError) => e);
    expect(far).toMatchObject({ code: 'LBD_ERR_UNKNOWN_PLAYBOOK', exitCode: 2 });
    expect((far as LbdError).hint).not.toContain('did you mean');
  });

  it('a path is loaded as a file; a missing one is an exit-2 error', async () => {
    const elsewhere = join(root, 'elsewhere.yml');
    await cp(join(dir, 'alpha.yaml'), elsewhere);
    expect((await locatePlaybook(elsewhere, [])).playbook.id).toBe('alpha');
    const err = await locatePlaybook(join(root, 'missing.yaml'), [dir]).catch((e: LbdError) => e);
    expect(err).toMatchObject({ code: 'LBD_ERR_FILE', exitCode: 2 });
    expect((err as LbdError).message).toContain('missing.yaml');
  });
});

describe('reading a folder', () => {
  it('only *.yaml / *.yml files directly in it: never fragments/ or another folder', async () => {
    await mkdir(join(dir, 'fragments'));
    await writeFile(join(dir, 'fragments', 'shared.yaml'), BROKEN);
    await mkdir(join(dir, 'folder.yaml'));
    await writeFile(join(dir, 'notes.txt'), 'x');
    await writeFile(join(dir, 'gamma.yml'), playbook('gamma'));
    expect(await playbookFiles([dir])).toEqual(
      ['alpha.yaml', 'beta.yaml', 'gamma.yml'].map((n) => join(dir, n)),
    );
    const { playbooks, warnings } = await listPlaybooks([dir], { catalogs: new Map() });
    expect(playbooks.map((p) => p.id)).toEqual(['alpha', 'beta', 'gamma']);
    expect(warnings).toEqual([]);
  });

  it('a folder that does not exist is an exit-2 error', async () => {
    await expect(playbookFiles([join(root, 'nope')])).rejects.toMatchObject({
      code: 'LBD_ERR_FILE',
      exitCode: 2,
    });
  });

  it('isPlaybookPath: a separator or a .yaml/.yml ending', () => {
    for (const p of ['./x.yaml', 'dir/x', 'x.yml', 'X.YAML', 'C:\\pb\\x'])
      expect(isPlaybookPath(p), p).toBe(true);
    for (const p of ['router-code', 'x.json-ish', 'yaml']) expect(isPlaybookPath(p), p).toBe(false);
  });

  it('quickId reads a plain top-level id line, else leaves it to the YAML parser', () => {
    expect(quickId('# c\nid: router-code\ntitle: x\n')).toBe('router-code');
    expect(quickId('---\nid: "quoted-id"  # comment\n')).toBe('quoted-id');
    expect(quickId("id: 'single'\n")).toBe('single');
    expect(quickId('title: x\nsteps:\n  a:\n    id: nested\n')).toBeUndefined();
    expect(quickId('{id: flow}\n')).toBeUndefined();
    expect(quickId('id: a\n---\nid: b\n')).toBeUndefined();
    expect(quickId('id: x\n---\ntitle: y\n')).toBeUndefined();
    expect(quickId('id: [oops\n')).toBeUndefined();
    expect(quickId('id: &anchor x\n')).toBeUndefined();
  });
});
