// `lbdoctor inventory import --from SOURCE INPUT…`: the inventory from where
// the load balancer is already described. The YAML goes to stdout (or
// --output); what was not carried over goes to stderr, and into the YAML's
// header, so nothing is dropped in silence.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExitCode, LbdError } from '../errors.js';
import { type ImportSourceName, importInventory } from '../import/index.js';
import { visible } from '../reporters/visible.js';

export interface InventoryImportOptions {
  from: ImportSourceName;
  hosts?: string;
  output?: string;
  quiet?: boolean;
}

export async function inventoryImport(
  inputs: readonly string[],
  opts: InventoryImportOptions,
  io: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } } = process,
): Promise<number> {
  const { yaml, report } = await importInventory(opts.from, inputs, opts.hosts ? { hosts: opts.hosts } : {});
  if (report.length && !opts.quiet)
    io.stderr.write(
      `${visible(['lbdoctor: imported; not carried over as it was:', ...report].join('\n  '))}\n`,
    );
  if (!opts.output) {
    io.stdout.write(yaml);
    return ExitCode.ok;
  }
  try {
    await mkdir(dirname(opts.output), { recursive: true });
    await writeFile(opts.output, yaml);
  } catch (err) {
    throw new LbdError('LBD_ERR_FILE', `cannot write the inventory to ${opts.output}`, {
      problems: [{ file: opts.output, message: (err as Error).message }],
      hint: 'check that the directory is writable',
    });
  }
  return ExitCode.ok;
}
