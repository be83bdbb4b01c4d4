// five-tuple-conflict on real kernel NAT (define-kernel-lb.ts): two lab hosts
// DNAT to be1 keeping the client's address and port, be1 replies through the
// load balancer each connection came in on, a client connects to both VIPs.
// One source port: the second connection really times out, be1's kernel
// counts the SYN it got for an established 5-tuple, and the playbook says so
// (error). Different ports, or Transfer Client IP off (MASQUERADE), and both
// answer: a warning from the inventory, or nothing. Each run must reach its
// conclusion and no other. Needs root, ip netns, iptables, sshd and nginx;
// skipped with the reason otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hostScenarioSupport } from '../../src/lab/scenarios/define-host.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { parseTcpSockets } from '../../src/probes/parsers/tcp-sockets.js';
import { lbdoctor } from '../helpers/cli.js';

const support = await hostScenarioSupport(['nginx', 'iptables']);
const why = support.ok ? undefined : support.reason;
if (why) console.warn(`skipping the five-tuple lab tests: ${why}`);

interface Report {
  findings: { code: string; severity: string; evidence: string[] }[];
  checks: { step: string; observation: { outcome: string; data: Record<string, unknown> } }[];
}

let dir: string;

describe.skipIf(why !== undefined)(
  'five-tuple-conflict on kernel load balancers',
  { timeout: 90_000 },
  () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'lbd-5tuple-lab-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['five-tuple-conflict', 'member-duplicate-tuples', 'error'],
      ['five-tuple-client-port', 'client-fixed-source-port', 'error'],
      ['five-tuple-distinct-ports', 'shared-member-risk', 'warn'],
      ['five-tuple-fullnat', 'no-shared-forwarding', 'info'],
    ] as const)('%s: %s (%s) and nothing else', async (id, conclusion, severity) => {
      const running = await findScenario(id).start();
      onTestFinished(() => running.close());
      const inventory = join(dir, `${id}.yaml`);
      writeFileSync(inventory, running.inventoryYaml);
      const r = await lbdoctor(
        [
          'run',
          'five-tuple-conflict',
          '--inventory',
          inventory,
          ...(running.runArgs ?? []),
          '--non-interactive',
          '--format',
          'json',
        ],
        { env: { SSH_AUTH_SOCK: '' }, timeoutMs: 60_000 },
      );
      const report = JSON.parse(r.stdout) as Report;
      // be1 is in both load balancers' pools: one finding for it, not one per pool.
      expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
        [`five-tuple-conflict/${conclusion}`, severity],
      ]);
      expect(r.code).toBe(severity === 'error' ? 1 : 0);
      const client = report.checks.find((c) => c.step === 'client-ports')?.observation;
      if (id === 'five-tuple-conflict' || id === 'five-tuple-client-port') {
        // The client really holds one port towards both VIPs: answered through lb1, still waiting through lb2.
        const lbs = running.listeners.map((l) => `${l.address}:${l.port}`);
        const seen = report.checks.find((c) => c.step === 'member-syns')?.observation;
        if (id === 'five-tuple-conflict') {
          expect(seen?.data.synChallenges).toBeGreaterThan(0);
          // The client's side, read for the record, is in the finding's evidence.
          expect(report.findings[0]!.evidence).toContain(
            `on the client: source ${running.hosts!.find((h) => h.name === 'client')!.address}:40000 is used towards 2 peers: ${lbs[0]} (ESTAB), ${lbs[1]} (SYN-SENT) (FAQ 1.3)`,
          );
        } else
          expect(client?.data.reused).toEqual([
            {
              local: expect.stringMatching(/:40000$/),
              peers: [
                { peer: lbs[0], state: 'ESTAB' },
                { peer: lbs[1], state: 'SYN-SENT' },
              ],
            },
          ]);
      }
      if (id === 'five-tuple-distinct-ports') expect(client?.outcome).toBe('pass');
      // What the client itself sees: one source port, the second connection never completes
      // (SYN-SENT: it times out); two ports, or fullNAT, and both are established.
      const ns = running.hosts!.find((h) => h.name === 'client')!.ns;
      const states = parseTcpSockets(
        execFileSync('ip', ['netns', 'exec', ns, 'ss', '-tn', 'dport', '= :80'], { encoding: 'utf8' }),
      )
        .sort((a, b) => a.peer.address.localeCompare(b.peer.address))
        .map((x) => x.state);
      const conflict = id === 'five-tuple-conflict' || id === 'five-tuple-client-port';
      expect(states).toEqual(conflict ? ['ESTAB', 'SYN-SENT'] : ['ESTAB', 'ESTAB']);
    });
  },
);
