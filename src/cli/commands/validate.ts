import { resolve } from 'node:path';
import type { RegisterCommand } from '../types.js';

export const registerValidate: RegisterCommand = (validate, setExitCode) => {
  validate
    .addHelpText(
      'after',
      '\nExamples:\n  lbdoctor validate playbooks/*.yaml\n  lbdoctor validate my-inventory.yaml',
    )
    .action(async (files: string[]) => {
      const [
        { InputError, formatProblems },
        { loadPlaybookFile },
        { inventoryFromDocument },
        { readText, parseLocated },
        { parseFragment },
        { visible },
      ] = await Promise.all([
        import('../../errors.js'),
        import('../../playbook/load.js'),
        import('../../model/load-inventory.js'),
        import('../../model/locate.js'),
        import('../../playbook/fragments.js'),
        import('../../reporters/visible.js'),
      ]);
      let bad = 0;
      for (const file of files) {
        try {
          // A playbook has `steps` and a `start`; a fragment `steps` alone; anything else is an inventory.
          const text = await readText(file, 'file');
          const doc = parseLocated(file, text);
          const value = typeof doc.value === 'object' && doc.value !== null ? doc.value : {};
          const kind = 'steps' in value ? ('start' in value ? 'playbook' : 'fragment') : 'inventory';
          if (kind === 'playbook') await loadPlaybookFile(file);
          else if (kind === 'fragment') parseFragment(file, text);
          else inventoryFromDocument(doc, resolve(file));
          process.stdout.write(`${visible(`ok  ${file} (${kind})`)}\n`);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          bad++;
          process.stderr.write(`${visible(`bad ${file}: ${err.message}`)}\n`);
          for (const p of formatProblems(err.problems)) process.stderr.write(`  ${visible(p)}\n`);
        }
      }
      setExitCode(bad ? 2 : 0);
    });
};
