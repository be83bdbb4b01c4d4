// Scenarios and playbooks agree: every shipped playbook has a reproduced fault
// (test/integration/lab/scenario-diagnosis.test.ts runs each through the CLI),
// and the router-code member check says why ELB drops each member.
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../src/lab/scenarios/index.js';
import { BUNDLED_PLAYBOOKS, loadAllPlaybooks } from '../../../src/playbook/load.js';
import { diagnose } from '../../helpers/diagnose.js';

const shipped = await loadAllPlaybooks([BUNDLED_PLAYBOOKS]);
const byId = new Map(shipped.map((p) => [p.playbook.id, p.playbook]));
const runnable = scenarios.filter((s) => byId.has(s.playbook));

describe('scenarios reproduced and diagnosed', () => {
  it('every shipped playbook has at least one scenario', () => {
    for (const id of byId.keys())
      expect(
        runnable.map((s) => s.playbook),
        id,
      ).toContain(id);
  });

  it('all-members-down: the per-member check says why ELB marks each member unhealthy', async () => {
    const scenario = scenarios.find((s) => s.id === 'all-members-down')!;
    const running = await scenario.start();
    try {
      const result = await diagnose('router-code', { inventory: running.inventory });
      const members = result.findings.filter((f) => f.conclusion === 'member-fails-health-check');
      const names = running.inventory.loadbalancers[0]!.pools[0]!.members.map((m) => m.name);
      expect(members.map((f) => f.subject?.name).sort()).toEqual(names.sort());
      expect(members[0]!.cause).toMatch(/ELB would mark this member unhealthy because HTTP 503 on \/health/);
    } finally {
      await running.close();
    }
  });
});
