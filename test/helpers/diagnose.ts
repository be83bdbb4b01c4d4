// Runs a bundled playbook through the engine from this machine, as `lbdoctor
// run --non-interactive` would, for integration tests on real sockets.
import { runPlaybook } from '../../src/engine/engine.js';
import type { RunResult } from '../../src/engine/result.js';
import type { Target } from '../../src/engine/scope.js';
import type { Inventory } from '../../src/model/inventory.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../src/playbook/load.js';
import { loadProbe } from '../../src/probes/registry.js';
import { createLocalVantage } from '../../src/runners/local-vantage.js';

export async function diagnose(
  playbookId: string,
  on: { inventory: Inventory } | { target: Target },
  /** --set answers and --input values, as a user gives them. */
  given: { set?: Record<string, string>; inputs?: Record<string, string> } = {},
): Promise<RunResult> {
  const { playbook } = await findPlaybook(playbookId, [BUNDLED_PLAYBOOKS]);
  const local = createLocalVantage();
  return runPlaybook({
    playbook,
    ...on,
    loadProbe,
    vantages: {
      local: () => local,
      forHost: () => Promise.reject(new Error('no SSH in this test')),
      close: async () => {},
    },
    facts: { set: new Map(Object.entries(given.set ?? {})), answers: {} },
    ...(given.inputs ? { inputs: given.inputs } : {}),
    timeoutMs: 5000,
    toolVersion: 'test',
  });
}
