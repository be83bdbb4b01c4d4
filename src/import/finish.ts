// The last steps every import shares: merge what no cloud source can say (SSH
// reach of members, the client host, certificate PEMs an OpenStack CLI cannot
// print) from a small hand-written file, give every member one name, check
// the result as any inventory is checked, and write it as YAML whose header
// lists what was not carried over.
import { CORE_SCHEMA, dump } from 'js-yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { Certificate, Client, HostAccess, ReferenceSettings } from '../model/inventory.js';
import { inventoryFromDocument } from '../model/load-inventory.js';
import { loadValidated } from '../model/locate.js';
import { visible } from '../reporters/visible.js';
import type { Assembled } from './assemble.js';
import type { ImportNote, ImportNotes } from './notes.js';
import { type ApiObject, str } from './values.js';

/** The hand-written part of an imported inventory. */
export const HostsFile = z
  .object({
    hosts: z.record(z.string(), HostAccess).default({}),
    client: Client.nullish(),
    certificates: z.array(Certificate).default([]),
    reference: ReferenceSettings.nullish(),
  })
  .strict();
export type HostsFile = z.infer<typeof HostsFile>;

export async function loadHostsFile(file: string): Promise<HostsFile> {
  return (await loadValidated(file, HostsFile, 'hosts file')).data;
}

/**
 * Hosts, metrics and reports know a member by its name, and one name must mean
 * one address:port. The cloud allows one server name on several ports (one VM
 * in two pools): the second gets its port appended, and a note says so.
 */
function oneNamePerMember(a: Assembled, notes: ImportNotes): void {
  const endpointOf = new Map<string, string>();
  for (const entry of a.loadbalancers)
    for (const pool of entry.pools)
      for (const m of pool.members as ApiObject[]) {
        const name = str(m.name);
        if (!name) continue;
        const endpoint = `${m.address}:${m.protocol_port}`;
        const seen = endpointOf.get(name);
        if (seen === undefined || seen === endpoint) {
          endpointOf.set(name, endpoint);
          continue;
        }
        const renamed = `${name}-${m.protocol_port}`;
        notes.add(
          'assumed',
          `member name "${name}"`,
          `names both ${seen} and ${endpoint}; the second is "${renamed}"`,
          `pool ${pool.id}`,
        );
        m.name = renamed;
        endpointOf.set(renamed, endpoint);
      }
}

export interface ImportOutput {
  /** The inventory as YAML, its header listing the notes. */
  yaml: string;
  notes: ImportNote[];
  /** The notes as lines for a person (stderr, the YAML header). */
  report: string[];
}

export function finishImport(
  assembled: Assembled,
  hosts: HostsFile | undefined,
  notes: ImportNotes,
  source: { name: string; inputs: readonly string[] },
): ImportOutput {
  oneNamePerMember(assembled, notes);
  const certificates = new Map<string, unknown>();
  for (const c of assembled.certificates) certificates.set(String(c.id), c);
  for (const c of hosts?.certificates ?? []) certificates.set(c.id, c);
  // Empty L7 policy lists say nothing; the inventory defaults them.
  const entries = assembled.loadbalancers.map(({ l7policies, ...e }) =>
    l7policies.length ? { ...e, l7policies } : e,
  );
  const [first, ...rest] = entries;
  const lbs = first && rest.length === 0 ? { ...first } : { loadbalancers: entries };
  const doc: ApiObject = {
    ...lbs,
    ...(certificates.size ? { certificates: [...certificates.values()] } : {}),
    hosts: hosts?.hosts ?? {},
    ...(hosts?.client ? { client: hosts.client } : {}),
    ...(hosts?.reference ? { reference: hosts.reference } : {}),
  };
  const label = `the inventory imported from ${source.inputs.join(', ')}`;
  try {
    // The object itself is checked (no positions to give: it has no file yet).
    inventoryFromDocument({ file: label, value: doc, locate: () => undefined });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(
      `${label} is not a valid inventory`,
      err.problems.map((p) => ({ ...p, file: source.inputs.join(', ') })),
      'give what the source cannot (a certificate by its id or ref, SSH reach by member name) in --hosts FILE, or correct the source, and import again',
    );
  }
  // js-yaml, not yaml: some 2× faster on a 100,000-member load balancer, with YAML 1.2 core scalars as lbdoctor reads them.
  // skipInvalid: an undefined value means "not set", as it does for the schema.
  const body = dump(doc, { schema: CORE_SCHEMA, lineWidth: -1, noRefs: true, skipInvalid: true });
  const lines = notes.lines();
  const from = visible(source.inputs.join(', ')).replaceAll('\n', '\\n');
  const header = [
    `# Imported by \`lbdoctor inventory import --from ${source.name}\` from ${from}.`,
    ...(lines.length ? ['# Not carried over as it was:', ...lines.map((l) => `#   ${l}`)] : []),
  ];
  return { yaml: `${header.join('\n')}\n${body}`, notes: notes.all, report: lines };
}
