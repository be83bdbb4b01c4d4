import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { InputError, formatProblem } from '../../../src/errors.js';
import { BUNDLED_PLAYBOOKS, loadAllPlaybooks, parsePlaybook } from '../../../src/playbook/load.js';

const problemsOf = (yaml: string): string[] => {
  try {
    parsePlaybook('pb.yaml', yaml);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
};

const head = 'id: x\ntitle: x\nfaq: ["1.6"]\nstart: a\nsteps:\n';

describe('playbook validation', () => {
  it('accepts every bundled playbook', async () => {
    const all = await loadAllPlaybooks([BUNDLED_PLAYBOOKS]);
    expect(all.map((p) => p.playbook.id)).toContain('router-code');
  });

  it('a branch to a missing step is located at its goto, with a suggestion', () => {
    const p = problemsOf(
      `${head}  a: {kind: probe, title: a, probe: http, branches: [{when: {outcome: pass}, goto: dnoe}], default: done}\n  done: {kind: conclude, title: d, severity: info, cause: c}\n`,
    );
    expect(p).toEqual([
      'pb.yaml:6:84: steps.a.branches[0].goto: step "dnoe" does not exist (expected an existing step id, e.g. "done")',
    ]);
  });

  it('rejects loops', () => {
    const p = problemsOf(
      `${head}  a: {kind: probe, title: a, probe: http, branches: [{when: {outcome: pass}, goto: b}], default: done}\n  b: {kind: probe, title: b, probe: http, default: a}\n  done: {kind: conclude, title: d, severity: info, cause: c}\n`,
    );
    expect(p.join('\n')).toMatch(/loop: .*a → b → a/);
  });

  it('rejects a playbook that never concludes, dead ends and unreachable steps', () => {
    const p = problemsOf(
      `${head}  a: {kind: probe, title: a, probe: http}\n  lost: {kind: conclude, title: d, severity: info, cause: c}\n`,
    );
    expect(p.join('\n')).toContain('dead end');
    expect(p.join('\n')).toContain('step "a" never reaches a conclusion');
    expect(p.join('\n')).toContain('step "lost" cannot be reached from start "a"');
  });

  it('rejects unknown probes and a checklist whose conclusion is not a conclude step', () => {
    const p = problemsOf(
      `${head}  a: {kind: checklist, title: a, items: [{id: i, title: i, probe: htp, conclude: b}], next: b}\n  b: {kind: probe, title: b, probe: http, default: c}\n  c: {kind: conclude, title: d, severity: info, cause: c}\n`,
    );
    expect(p.join('\n')).toContain('unknown probe "htp"');
    expect(p.join('\n')).toContain('"b" is a probe step (expected a conclude step)');
  });

  it('schema errors carry line and column', () => {
    const p = problemsOf(`${head}  a: {kind: conclude, title: d, severity: fatal, cause: c}\n`);
    expect(p).toEqual(['pb.yaml:6:43: steps.a.severity: invalid value (expected one of error, warn, info)']);
  });

  it('the committed JSON Schemas match the zod schemas', async () => {
    const { jsonSchemaFor, SCHEMA_KINDS } = await import('../../../src/cli/json-schemas.js');
    for (const kind of SCHEMA_KINDS) {
      const committed = JSON.parse(
        await readFile(new URL(`../../../schemas/${kind}.schema.json`, import.meta.url), 'utf8'),
      );
      expect(
        committed,
        `schemas/${kind}.schema.json is stale: run \`node bin/lbdoctor.js schema ${kind} > schemas/${kind}.schema.json\``,
      ).toEqual(await jsonSchemaFor(kind));
    }
  });
});
