// Golden files for every report format (STYLE: goss matcher_test, changesets
// sanitizePackLog). Regenerate after an intended change with
//   UPDATE_GOLDEN=1 npx vitest run test/unit/reporters
// and review the diff: it is what users will see.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { type ReporterName, renderReport, reporterNames } from '../../../src/reporters/registry.js';
import type { ReportContext } from '../../../src/reporters/types.js';
import {
  failTwoMembers,
  inconclusiveUnknownFact,
  passRun,
  routerCodeGraph,
  sharesChartRun,
  unhealthyGraph,
} from '../../fixtures/results.js';

const goldenDir = fileURLToPath(new URL('../../golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

const inventory = parseInventory(`
loadbalancer: {id: lb-0123, name: shop-lb, type: dedicated, vip_address: 192.0.2.10}
listeners:
  - {id: lsn-1, name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web-pool}
pools:
  - id: web-pool
    protocol: HTTP
    healthmonitor: {type: TCP}
    members:
      - {name: be1, address: 10.0.1.11, protocol_port: 8080, operating_status: OFFLINE}
      - {name: be2, address: 10.0.1.12, protocol_port: 8080, operating_status: OFFLINE}
`);

const cases: { name: string; result: RunResult; ctx: ReportContext }[] = [
  {
    name: 'fail-two-members',
    result: failTwoMembers,
    ctx: { color: false, graph: unhealthyGraph, inventory },
  },
  {
    name: 'inconclusive-unknown-fact',
    result: inconclusiveUnknownFact,
    ctx: { color: false, graph: unhealthyGraph },
  },
  { name: 'pass', result: passRun, ctx: { color: false, graph: routerCodeGraph } },
  { name: 'shares-chart', result: sharesChartRun, ctx: { color: false } },
];

const DURATION = String.raw`\d+(?:\.\d+)? (?:ms|s)|\d+ min \d+ s`;

/** Replaces what differs between two runs of the same scenario: timestamps and durations. */
function sanitizeReport(text: string, format: ReporterName): string {
  let out = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<TIMESTAMP>');
  if (format === 'json') return out.replace(/"(durationMs|connectMs|readMs)": [\d.]+/g, '"$1": 0');
  if (format === 'junit') return out.replace(/\btime="[\d.]+"/g, 'time="<T>"');
  // Durations only where the reporters print timings, never inside evidence text.
  out = out.replace(
    new RegExp(`(^|· |\\(|connect |read |done in |\\| )(${DURATION})(?=[ ,)|]|$)`, 'gm'),
    '$1<DURATION>',
  );
  return out;
}

describe('golden reports', () => {
  for (const c of cases) {
    for (const format of reporterNames()) {
      it(`${c.name}.${format}`, async () => {
        const file = `${goldenDir}${c.name}.${format}`;
        const actual = sanitizeReport(await renderReport(format, c.result, c.ctx), format);
        if (update || !existsSync(file)) {
          if (!update)
            throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/unit/reporters`);
          await mkdir(goldenDir, { recursive: true });
          await writeFile(file, actual);
        }
        expect(actual).toBe(await readFile(file, 'utf8'));
      });
    }
  }

  it('sanitising leaves evidence durations alone', () => {
    const text = '· 2.4 s · started 2026-11-25T01:00:00.000Z\n  - refused after 0.4 ms\n(3 ms, from local)';
    expect(sanitizeReport(text, 'text')).toBe(
      '· <DURATION> · started <TIMESTAMP>\n  - refused after 0.4 ms\n(<DURATION>, from local)',
    );
  });
});
