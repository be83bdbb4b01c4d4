// docs/probes.md's parameter and data tables are generated from the probe
// contracts; this regenerates them in memory and fails, naming the probes,
// when the committed document differs (or lacks a probe's markers).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeContracts } from '../../../src/probes/contracts/index.js';
import { renderProbeTables, updateProbeDocs } from '../../../src/probes/contracts/docs.js';

const docs = readFileSync(new URL('../../../docs/probes.md', import.meta.url), 'utf8');

describe('docs/probes.md', () => {
  it('has the generated tables of every probe, up to date with its contract', () => {
    const { text, changed, missing } = updateProbeDocs(docs, probeContracts);
    expect(
      missing,
      `docs/probes.md has no <!-- probe-tables:KIND --> … <!-- /probe-tables:KIND --> markers for: ${missing.join(', ')}`,
    ).toEqual([]);
    expect(
      changed,
      `docs/probes.md tables are out of date for: ${changed.join(', ')} — run \`npm run docs:probes\``,
    ).toEqual([]);
    expect(text).toBe(docs);
  });

  it('renders enums as alternatives and nested fields as dotted paths', () => {
    const tcp = renderProbeTables(probeContracts.tcp);
    expect(tcp).toContain('| `port` | integer 1–65535 |  | yes |');
    expect(tcp).toContain('`open` \\| `refused` \\| `timeout`');
    const http = renderProbeTables(probeContracts.http);
    expect(http).toContain('| `timings.totalMs` | number | always |');
    expect(http).toContain('| `error.kind` | `dns` \\| `connect-refused`');
    expect(http).toContain('| `method` | string | `GET` |');
    expect(renderProbeTables(probeContracts.tls)).toContain('| `chain[].fingerprint256` | string | always |');
  });
});
