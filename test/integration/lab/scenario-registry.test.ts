// Every scenario's inventory is valid (the same loader users' files go
// through), names a playbook from FAQ-MAP.md, and points at backends that are
// really running — without starting the reference LB.
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { findScenario, scenarios } from '../../../src/lab/scenarios/index.js';
import { PLAYBOOK_IDS } from '../../../src/playbook/ids.js';

/** Playbook ids that are a contract in FAQ-MAP.md. */
const playbookIds = new Set(PLAYBOOK_IDS);

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.setTimeout(2000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe('lab scenario registry', { timeout: 20_000 }, () => {
  it('has unique kebab-case ids, known playbooks and kebab-case conclusions', () => {
    const ids = scenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of scenarios) {
      expect(s.id).toMatch(kebab);
      expect(s.conclusion).toMatch(kebab);
      expect(playbookIds.has(s.playbook), `${s.id}: playbook ${s.playbook}`).toBe(true);
      expect(s.faq).toMatch(/^\d+\.\d+/);
    }
  });

  it('has the router-code scenarios the demo runs', () => {
    const byId = Object.fromEntries(scenarios.map((s) => [s.id, s.conclusion]));
    expect(byId).toMatchObject({
      'empty-pool': 'default-pool-empty',
      'policy-pool-empty': 'policy-pool-empty',
      'all-members-down': 'all-members-unhealthy',
      healthy: 'backend-answered',
    });
  });

  it('rejects an unknown id with the closest one as a hint', () => {
    expect(() => findScenario('empty-pol')).toThrow(UsageError);
    try {
      findScenario('empty-pol');
    } catch (err) {
      expect((err as UsageError).hint).toContain('"empty-pool"');
    }
    expect(findScenario('healthy').id).toBe('healthy');
  });

  it.each(scenarios.map((s) => [s.id, s] as const))(
    '%s: a valid inventory over running backends',
    async (_id, s) => {
      // Host scenarios need root, ip netns and sshd; where they cannot run, say why (CI runs them as root).
      const support = await s.support?.();
      if (support && !support.ok) {
        console.warn(`skipping ${s.id}: ${support.reason}`);
        return;
      }
      const prepared = await s.prepare();
      onTestFinished(() => prepared.close());
      const [entry] = prepared.inventory.loadbalancers;
      expect(entry).toBeDefined();
      if (!entry) return;
      expect(prepared.inventoryYaml).toContain(`lbdoctor run ${s.playbook}`);
      // The symptom names a listener that exists.
      const listener = entry.listeners.find((l) => l.name === s.symptom.listener);
      expect(listener?.protocol_port).toBeGreaterThan(0);
      // Every pool a listener or policy names exists (the loader checks too; this guards the scenario itself).
      const poolIds = new Set(entry.pools.map((p) => p.id));
      for (const l of entry.listeners) expect(poolIds.has(l.default_pool_id ?? '')).toBe(true);
      // TCP members with a backend answer; the deliberately closed ports do not.
      // (backend-reset accepts and resets at once, which a client may see as either.)
      const deadPorts = ['wrong-backend-port', 'port-not-listening'].includes(s.id);
      // member-down-share: be2's service is down, be1 answers.
      // stress-burst-blocked: be1's firewall drops this machine (the operator) on its port.
      const dead = (name: string | undefined) =>
        deadPorts || (s.id === 'member-down-share' && name === 'be2') || s.id === 'stress-burst-blocked';
      if (s.id === 'backend-reset') return;
      for (const pool of entry.pools.filter((p) => p.protocol === 'HTTP')) {
        for (const m of pool.members) {
          expect(await tcpAnswers(m.address, m.protocol_port), `${pool.id}/${m.name}`).toBe(!dead(m.name));
        }
      }
    },
  );
});
