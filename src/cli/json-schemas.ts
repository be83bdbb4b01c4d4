// JSON Schema exports for `lbdoctor schema <kind>`, so editors validate
// inventories, playbooks and reports (`"$schema"` / yaml-language-server).
// Committed copies live in schemas/ and a test keeps them in step with the zod
// schemas. It lives with its one user, the CLI, because it reaches into the
// model, the playbook schema and the report schema alike.
import { z } from 'zod';

export const SCHEMA_KINDS = ['inventory', 'playbook', 'fragment', 'report'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

export async function jsonSchemaFor(kind: SchemaKind): Promise<Record<string, unknown>> {
  const schema =
    kind === 'inventory'
      ? (await import('../model/inventory.js')).InventoryFile
      : kind === 'playbook'
        ? (await import('../playbook/schema.js')).Playbook
        : kind === 'fragment'
          ? (await import('../playbook/schema.js')).Fragment
          : (await import('../reporters/report-schema.js')).RunResultSchema;
  return {
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    $id: `https://lbdoctor.dev/schemas/${kind}.schema.json`,
    title: `lbdoctor ${kind}`,
  };
}
