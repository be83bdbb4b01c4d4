import type { RegisterCommand } from '../types.js';

export const registerValidate: RegisterCommand = (validate, setExitCode) => {
  validate
    .addHelpText(
      'after',
      '\nExamples:\n  lbdoctor validate playbooks/*.yaml\n  lbdoctor validate my-inventory.yaml',
    )
    .action(async (files: string[]) => {
      const [
        { InputError, formatProblem },
        { loadPlaybookFile },
        { loadInventory },
        { readText, parseLocated },
        { parseFragment },
      ] = await Promise.all([
        import('../../errors.js'),
        import('../../playbook/load.js'),
        import('../../model/load-inventory.js'),
        import('../../model/locate.js'),
        import('../../playbook/fragments.js'),
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
          else await loadInventory(file);
          process.stdout.write(`ok  ${file} (${kind})\n`);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          bad++;
          process.stderr.write(`bad ${file}: ${err.message}\n`);
          for (const p of err.problems) process.stderr.write(`  ${formatProblem(p)}\n`);
        }
      }
      setExitCode(bad ? 2 : 0);
    });
};
