// `lbdoctor inventory import`: one function per source turns what the source
// saved into ELB v3 resources; the rest (joining, mapping, merging the hosts
// file, validating, writing YAML) is shared.
import { assemble } from './assemble.js';
import { readElbApi } from './elb-api.js';
import { collectElbJson } from './elb-json.js';
import { finishImport, type HostsFile, type ImportOutput, loadHostsFile } from './finish.js';
import { ImportNotes } from './notes.js';
import { collectOctavia } from './octavia.js';
import { readSources, type SourceDocument } from './read-sources.js';
import { collectTerraform } from './terraform.js';
import type { V3Set } from './v3-set.js';

export interface ImportSource {
  /** What the inputs are, in messages: "saved ELB v3 API responses". */
  what: string;
  /** Where the documents come from when not from files: the ELB API. */
  read?: (inputs: readonly string[], opts: { env?: NodeJS.ProcessEnv }) => Promise<SourceDocument[]>;
  collect(docs: readonly SourceDocument[], notes: ImportNotes): V3Set;
}

export const IMPORT_SOURCES = {
  'elb-json': { what: 'saved ELB v3 API responses', collect: collectElbJson },
  octavia: { what: 'saved OpenStack Octavia CLI outputs', collect: collectOctavia },
  terraform: { what: 'Terraform plan or state (terraform show -json)', collect: collectTerraform },
  'elb-api': { what: 'ELB v3 API responses', read: readElbApi, collect: collectElbJson },
} as const satisfies Record<string, ImportSource>;
export type ImportSourceName = keyof typeof IMPORT_SOURCES;

export interface ImportOptions {
  /** The hand-written hosts file (SSH reach, client, certificates). */
  hosts?: string;
  stdin?: AsyncIterable<Buffer | string>;
  /** Where the ELB API's credentials are read (process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function importInventory(
  from: ImportSourceName,
  inputs: readonly string[],
  opts: ImportOptions = {},
): Promise<ImportOutput> {
  const source: ImportSource = IMPORT_SOURCES[from];
  const docs = source.read
    ? await source.read(inputs, opts.env ? { env: opts.env } : {})
    : await readSources(inputs, source.what, opts.stdin);
  const hosts = opts.hosts ? await loadHostsFile(opts.hosts) : undefined;
  return importDocuments(from, docs, hosts, inputs);
}

/** The part after reading: documents already parsed, to an inventory. */
export function importDocuments(
  from: ImportSourceName,
  docs: readonly SourceDocument[],
  hosts: HostsFile | undefined,
  inputs: readonly string[],
): ImportOutput {
  const source: ImportSource = IMPORT_SOURCES[from];
  const notes = new ImportNotes();
  const assembled = assemble(
    source.collect(docs, notes),
    notes,
    source.what,
    docs.map((d) => d.file),
  );
  return finishImport(assembled, hosts, notes, {
    name: from,
    inputs: inputs.map((i) => (i === '-' ? '<stdin>' : i)),
  });
}
