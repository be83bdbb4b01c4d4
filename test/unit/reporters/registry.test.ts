import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LbdError, UsageError } from '../../../src/errors.js';
import {
  parseFormatSpec,
  renderReport,
  reporterNames,
  writeReports,
} from '../../../src/reporters/registry.js';
import { failTwoMembers } from '../../fixtures/results.js';

describe('parseFormatSpec', () => {
  it('reads NAME and NAME:FILE', () => {
    expect(parseFormatSpec('json')).toEqual({ name: 'json' });
    expect(parseFormatSpec('junit:out/report.xml')).toEqual({ name: 'junit', file: 'out/report.xml' });
    expect(parseFormatSpec('text:a:b.txt')).toEqual({ name: 'text', file: 'a:b.txt' });
  });
  it('rejects an unknown name with the closest one suggested', () => {
    try {
      parseFormatSpec('jsno:out.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      const e = err as UsageError;
      expect(e.code).toBe('LBD_ERR_UNKNOWN_FORMAT');
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain('jsno');
      expect(e.hint).toContain('did you mean "json"');
      for (const n of reporterNames()) expect(e.hint).toContain(n);
    }
  });
  it('rejects an empty file name', () => {
    expect(() => parseFormatSpec('json:')).toThrow(UsageError);
  });
});

describe('writeReports', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes files (never coloured) and one report to stdout', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-reports-'));
    const chunks: string[] = [];
    const file = join(dir, 'nested', 'out.txt');
    await writeReports(
      [parseFormatSpec('json'), parseFormatSpec(`text:${file}`)],
      failTwoMembers,
      { color: true },
      { write: (s: string) => chunks.push(s) },
    );
    expect(JSON.parse(chunks.join(''))).toEqual(failTwoMembers);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('Nothing listens on the health check port');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('refuses two reports on stdout before writing anything', async () => {
    const chunks: string[] = [];
    await expect(
      writeReports(
        [{ name: 'json' }, { name: 'text' }],
        failTwoMembers,
        { color: false },
        { write: (s: string) => chunks.push(s) },
      ),
    ).rejects.toThrow(UsageError);
    expect(chunks).toEqual([]);
  });

  it('reports an unwritable path as LBD_ERR_FILE', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-reports-'));
    const err = await writeReports(
      [{ name: 'json', file: dir }],
      failTwoMembers,
      { color: false },
      { write: () => 0 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LbdError);
    expect((err as LbdError).code).toBe('LBD_ERR_FILE');
  });

  it('renders every registered format', async () => {
    for (const name of reporterNames()) {
      expect((await renderReport(name, failTwoMembers, { color: false })).length).toBeGreaterThan(0);
    }
  });
});
