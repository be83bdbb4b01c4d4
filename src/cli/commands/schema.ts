import type { RegisterCommand } from '../types.js';

export const registerSchema: RegisterCommand = (schema, setExitCode) => {
  schema
    .addHelpText('after', '\nKinds: inventory, playbook, report\nThe same files are committed in schemas/.')
    .action(async (kind: string) => {
      const { jsonSchemaFor, SCHEMA_KINDS } = await import('../json-schemas.js');
      const { UsageError } = await import('../../errors.js');
      if (!(SCHEMA_KINDS as readonly string[]).includes(kind)) {
        throw new UsageError(`unknown schema "${kind}"`, `use one of ${SCHEMA_KINDS.join(', ')}`);
      }
      process.stdout.write(
        `${JSON.stringify(await jsonSchemaFor(kind as (typeof SCHEMA_KINDS)[number]), null, 2)}\n`,
      );
      setExitCode(0);
    });
};
