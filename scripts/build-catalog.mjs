#!/usr/bin/env node
// Build step, after tsc: writes dist/playbook/catalog.json, the catalog of the
// bundled playbooks (id, title, FAQ, symptoms, description, conclusions and a
// fingerprint of each file) that `lbdoctor list` and `lbdoctor run <id>` read
// instead of parsing every playbook (src/playbook/catalog.ts). A playbook that
// does not load is left out with a warning: at run time it is read from its
// file, and its problems are reported then.
//
// Usage: node scripts/build-catalog.mjs [--clean] [package-root]
//   --clean       only remove the catalog (npm's prebuild: a failed tsc never leaves a stale one)
//   package-root  the package whose dist/ and playbooks/ to use (default: this checkout)
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const clean = args.includes('--clean');
const root = resolve(args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('..', import.meta.url)));

if (clean) {
  rmSync(join(root, 'dist/playbook/catalog.json'), { force: true });
  process.exit(0);
}

const { buildCatalog, BUNDLED_PLAYBOOKS, BUNDLED_CATALOG } = await import(
  pathToFileURL(join(root, 'dist/playbook/catalog.js')).href
);
const { playbooks, skipped } = await buildCatalog(BUNDLED_PLAYBOOKS, BUNDLED_CATALOG);
for (const s of skipped) {
  process.stderr.write(`build-catalog: warning: ${s.message}\n`);
  for (const p of s.problems)
    process.stderr.write(
      `  ${[p.file, p.line, p.column].filter((x) => x !== undefined).join(':')}: ${p.field ? `${p.field}: ` : ''}${p.message}\n`,
    );
}
process.stdout.write(`build-catalog: ${playbooks} playbook(s) in ${BUNDLED_CATALOG}\n`);
