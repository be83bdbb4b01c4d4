// Lab scenarios and playbooks name each other: a scenario says which
// conclusion its playbook must reach. A typo on either side must fail here,
// not silently drop the scenario from the diagnosis tests.
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../src/lab/scenarios/index.js';
import { PLAYBOOK_IDS } from '../../../src/playbook/ids.js';
import { BUNDLED_PLAYBOOKS, loadAllPlaybooks } from '../../../src/playbook/load.js';

const shipped = await loadAllPlaybooks([BUNDLED_PLAYBOOKS]);

describe('scenarios and playbooks', () => {
  it('every shipped playbook has a FAQ-MAP id', () => {
    for (const { playbook } of shipped) expect(PLAYBOOK_IDS).toContain(playbook.id);
  });

  it.each(scenarios.map((s) => [s.id, s] as const))(
    '%s names a FAQ-MAP playbook and, when shipped, existing conclusions',
    (_id, s) => {
      expect(PLAYBOOK_IDS, `scenario ${s.id}: playbook "${s.playbook}"`).toContain(s.playbook);
      const pb = shipped.find((p) => p.playbook.id === s.playbook)?.playbook;
      if (!pb) return; // not shipped yet: its scenarios wait for it (FAQ-MAP.md)
      for (const id of [s.conclusion, ...(s.alsoFinds ?? [])]) {
        expect(pb.steps[id]?.kind, `scenario ${s.id}: ${s.playbook} has no conclusion "${id}"`).toBe(
          'conclude',
        );
      }
    },
  );

  it('every conclusion a `see:` names belongs to a FAQ-MAP playbook id', () => {
    for (const { playbook } of shipped)
      for (const step of Object.values(playbook.steps))
        if (step.kind === 'conclude') for (const see of step.see ?? []) expect(PLAYBOOK_IDS).toContain(see);
  });
});
