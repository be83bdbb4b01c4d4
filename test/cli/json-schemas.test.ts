// `lbdoctor schema` lives with the CLI: src/model is the bottom layer (the
// inventory vocabulary) and must not reach up into playbooks, reporters or the
// CLI. (The committed schemas/*.json are checked against the zod schemas in
// test/unit/playbook/validate.test.ts.)
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const MODEL = new URL('../../src/model/', import.meta.url);

describe('src/model imports nothing above it', () => {
  it('no import of playbook/, reporters/, engine/, probes/ or cli/', async () => {
    const upward: string[] = [];
    for (const name of (await readdir(MODEL)).filter((n) => n.endsWith('.ts'))) {
      const text = await readFile(new URL(name, MODEL), 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*'(\.\.\/[^']+)'/g)) {
        if (/^\.\.\/(playbook|reporters|engine|probes|cli)\//.test(m[1]!)) upward.push(`${name}: ${m[1]}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('`lbdoctor schema` still knows every kind', async () => {
    const { SCHEMA_KINDS, jsonSchemaFor } = await import('../../src/cli/json-schemas.js');
    expect([...SCHEMA_KINDS]).toEqual(expect.arrayContaining(['inventory', 'playbook', 'report']));
    for (const kind of SCHEMA_KINDS) expect((await jsonSchemaFor(kind)).title).toBe(`lbdoctor ${kind}`);
  });
});
