// The docs this part owns stay true: every error code is documented, and the
// JSON report sample is a valid report.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunResultSchema } from '../../../src/reporters/report-schema.js';

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

describe('docs', () => {
  it('docs/errors.md has a row for every LBD_ERR_* code in src/errors.ts', async () => {
    const source = await readFile(root('src/errors.ts'), 'utf8');
    const codes = [...new Set(source.match(/'LBD_ERR_[A-Z_]+'/g) ?? [])].map((c) => c.slice(1, -1));
    expect(codes.length).toBeGreaterThan(5);
    const doc = await readFile(root('docs/errors.md'), 'utf8');
    for (const code of codes) expect(doc, code).toContain(`| \`${code}\` |`);
  });

  it('the sample in docs/json-report.md validates against the report schema', async () => {
    const doc = await readFile(root('docs/json-report.md'), 'utf8');
    const sample = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(sample).toBeDefined();
    const check = RunResultSchema.safeParse(JSON.parse(sample!));
    expect(check.error?.issues ?? []).toEqual([]);
  });
});
