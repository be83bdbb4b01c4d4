// `lbdoctor run ID --from SOURCE:INPUT`: the inventory imported on the fly,
// so an on-call engineer needs no file of their own. SOURCE is an import
// source (`lbdoctor inventory import --help`); INPUT a file, a folder, or -.
import { UsageError } from '../errors.js';
import { IMPORT_SOURCES, type ImportSourceName, importInventory } from '../import/index.js';
import type { Inventory } from '../model/inventory.js';
import { parseInventory } from '../model/load-inventory.js';
import { visible } from '../reporters/visible.js';

export function parseFromFlag(flag: string): { source: ImportSourceName; inputs: string[] } {
  const colon = flag.indexOf(':');
  const source = flag.slice(0, colon);
  const inputs = flag
    .slice(colon + 1)
    .split(',')
    .filter(Boolean);
  if (colon < 1 || !(source in IMPORT_SOURCES) || inputs.length === 0) {
    throw new UsageError(
      `--from "${flag}" is not SOURCE:INPUT`,
      `SOURCE is one of ${Object.keys(IMPORT_SOURCES).join(', ')}; INPUT a file, a folder or - (e.g. --from terraform:plan.json)`,
    );
  }
  return { source: source as ImportSourceName, inputs };
}

export async function importedInventory(
  flag: string,
  hosts: string | undefined,
  stderr: { write(s: string): unknown } = process.stderr,
): Promise<Inventory> {
  const { source, inputs } = parseFromFlag(flag);
  const { yaml, report } = await importInventory(source, inputs, hosts ? { hosts } : {});
  if (report.length)
    stderr.write(`${visible(['lbdoctor: imported; not carried over as it was:', ...report].join('\n  '))}\n`);
  return parseInventory(yaml, `--from ${flag}`);
}
