import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_VERSION } from '../../../src/engine/result.js';
import { renderReport } from '../../../src/reporters/registry.js';
import { RunResultSchema } from '../../../src/reporters/report-schema.js';
import {
  failTwoMembers,
  inconclusiveUnknownFact,
  passRun,
  resultWithSecrets,
} from '../../fixtures/results.js';

describe('json reporter', () => {
  it.each([
    ['fail', failTwoMembers],
    ['inconclusive', inconclusiveUnknownFact],
    ['pass', passRun],
    ['with secrets', resultWithSecrets('x-secret')],
  ])('%s: output validates against the report schema and round-trips', async (_name, result) => {
    const out = await renderReport('json', result, { color: false });
    const parsed = JSON.parse(out);
    const check = RunResultSchema.safeParse(parsed);
    expect(check.error?.issues ?? []).toEqual([]);
    expect(parsed.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out).toContain('\n  "schemaVersion": 1');
  });

  it('the schema rejects a report with an outcome outside the closed set', () => {
    const bad = structuredClone(failTwoMembers) as unknown as { checks: { outcome: string }[] };
    bad.checks[0]!.outcome = 'ok';
    expect(RunResultSchema.safeParse(bad).success).toBe(false);
  });
});
