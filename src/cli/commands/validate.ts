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
      ] = await Promise.all([
        import('../../errors.js'),
        import('../../playbook/load.js'),
        import('../../model/load-inventory.js'),
        import('../../model/locate.js'),
      ]);
      let bad = 0;
      for (const file of files) {
        try {
          // A playbook has `steps`; anything else is treated as an inventory.
          const doc = parseLocated(file, await readText(file, 'file'));
          const isPlaybook = typeof doc.value === 'object' && doc.value !== null && 'steps' in doc.value;
          if (isPlaybook) await loadPlaybookFile(file);
          else await loadInventory(file);
          process.stdout.write(`ok  ${file} (${isPlaybook ? 'playbook' : 'inventory'})\n`);
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
