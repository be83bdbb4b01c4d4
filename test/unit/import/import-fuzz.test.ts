// Whatever JSON a source is given, the import answers with an inventory or an
// InputError (exit 2 with a located message): never a crash, never an
// inventory that does not validate. fast-check, at most 100 runs per
// property (LBD_FUZZ_RUNS digs deeper, as in test/cli/bad-input.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { IMPORT_SOURCES, type ImportSourceName, importDocuments } from '../../../src/import/index.js';
import { parseInventory } from '../../../src/model/load-inventory.js';

const runs = Number(process.env.LBD_FUZZ_RUNS ?? 100);

/** JSON made of the words these sources use, so the walk goes deep rather than stopping at the top. */
const word = fc.constantFrom(
  'id',
  'name',
  'loadbalancer',
  'loadbalancers',
  'listeners',
  'pools',
  'members',
  'healthmonitor_id',
  'default_pool_id',
  'protocol',
  'protocol_port',
  'address',
  'vip_address',
  'lb_algorithm',
  'delay',
  'max_retries',
  'type',
  'format_version',
  'planned_values',
  'root_module',
  'resources',
  'values',
  'huaweicloud_elb_pool',
  'HTTP',
  'TCP',
  'a',
  '10.0.0.1',
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -2, max: 70000 }),
    word,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(word, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('import on arbitrary JSON', () => {
  it.each(Object.keys(IMPORT_SOURCES).filter((s) => s !== 'elb-api') as ImportSourceName[])(
    '%s: an inventory that validates, or an InputError naming the file',
    (from) => {
      fc.assert(
        fc.property(fc.array(json, { minLength: 1, maxLength: 3 }), (values) => {
          const docs = values.map((value, i) => ({ file: `in${i}.json`, value }));
          try {
            const { yaml } = importDocuments(
              from,
              docs,
              undefined,
              docs.map((d) => d.file),
            );
            parseInventory(yaml);
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            expect(err.problems.length + err.message.length).toBeGreaterThan(0);
            expect(`${err.message} ${err.problems.map((p) => p.file).join(' ')}`).toMatch(
              /in\d\.json|inventory/,
            );
          }
        }),
        { numRuns: runs },
      );
    },
  );
});
