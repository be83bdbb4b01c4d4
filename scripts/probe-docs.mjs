// Rewrites the parameter and data tables of docs/probes.md from the probe
// contracts (src/probes/contracts), between each probe's
// `<!-- probe-tables:<kind> -->` and `<!-- /probe-tables:<kind> -->` markers.
// Runs on the built dist/: `npm run docs:probes` builds first.
// test/unit/probes/probe-docs.test.ts fails when the committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { probeContracts } from '../dist/probes/contracts/index.js';
import { updateProbeDocs } from '../dist/probes/contracts/docs.js';

const file = new URL('../docs/probes.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const { text, changed, missing } = updateProbeDocs(before, probeContracts);
if (missing.length) {
  console.error(
    `docs/probes.md has no <!-- probe-tables:KIND --> … <!-- /probe-tables:KIND --> markers for: ${missing.join(', ')}`,
  );
  process.exitCode = 1;
}
if (text !== before) writeFileSync(file, text);
console.log(
  changed.length
    ? `docs/probes.md: tables rewritten for ${changed.join(', ')}`
    : 'docs/probes.md: tables up to date',
);
