#!/usr/bin/env node
// unhealthy-backend over three lab members with one fault (be1's firewall drops
// the load balancer's address), run as a user runs it, several rounds. For each
// run: the wall time, and the critical path — the longest chain of probes that
// must wait on each other: per member, its SSH connection plus the sum of its
// sequential steps (a checklist counts as its slowest item). The engine's
// overhead is what the wall time adds to that chain. Goal (issue 9): wall ≤ 1.2×
// the critical path. Needs root, ip netns, sshd, nginx, iptables; build first.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lbdoctorBin, repoRoot, scratchDir } from '../lib.mjs';

const rounds = Number(process.argv[2] ?? 5);
const { defineHostScenario } = await import(join(repoRoot, 'dist/lab/scenarios/define-host.js'));
const { quickHttpCheck } = await import(join(repoRoot, 'dist/lab/scenarios/define.js'));

const scenario = defineHostScenario({
  id: 'bench-three-members',
  title: 'three nginx members; be1 drops the load balancer',
  faq: '2.1',
  playbook: 'unhealthy-backend',
  conclusion: 'host-firewall-drops-lb',
  symptom: { listener: 'web', path: '/', expect: 'be1 unhealthy' },
  members: ['be1', 'be2', 'be3'],
  tools: ['nginx', 'iptables'],
  async build(ctx) {
    for (const m of ['be1', 'be2', 'be3']) await ctx.nginx(m);
    await ctx.exec('be1', [
      'iptables',
      '-A',
      'INPUT',
      '-s',
      ctx.lb.address,
      '-p',
      'tcp',
      '--dport',
      '80',
      '-j',
      'DROP',
    ]);
    return {
      inventory: {
        listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool_id: 'web-pool' }],
        pools: [
          {
            id: 'web-pool',
            protocol: 'HTTP',
            healthmonitor: quickHttpCheck,
            members: ['be1', 'be2', 'be3'].map((m) => ctx.member(m, 80)),
          },
        ],
      },
      settle: { 'web-pool': { be1: 'unhealthy', be2: 'healthy', be3: 'healthy' } },
      recordMemberStatus: true,
    };
  },
});

/** Per member: SSH connect + Σ over its steps of the slowest check of that step. */
function criticalPathMs(report) {
  const connect = Object.fromEntries(report.hosts.map((h) => [h.host, h.connectMs ?? 0]));
  const perMember = new Map();
  for (const c of report.checks) {
    const who = c.subject?.name ?? '(run)';
    const steps = perMember.get(who) ?? new Map();
    steps.set(c.step, Math.max(steps.get(c.step) ?? 0, c.durationMs));
    perMember.set(who, steps);
  }
  let worst = { member: '', ms: 0 };
  for (const [member, steps] of perMember) {
    const ms = [...steps.values()].reduce((a, b) => a + b, 0) + (connect[member] ?? 0);
    if (ms > worst.ms) worst = { member, ms };
  }
  return worst;
}

const running = await scenario.start();
const scratch = scratchDir('critical-path');
const dir = scratch.dir;
const inventory = join(dir, 'inventory.yaml');
writeFileSync(inventory, running.inventoryYaml);
const rows = [];
try {
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    let out;
    try {
      out = execFileSync(
        process.execPath,
        [
          lbdoctorBin,
          'run',
          'unhealthy-backend',
          '-i',
          inventory,
          ...running.runArgs,
          '--non-interactive',
          '-f',
          'json',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
    } catch (e) {
      out = e.stdout; // exit 1: findings (the fault), as expected
    }
    const processMs = performance.now() - started;
    const report = JSON.parse(out);
    const cp = criticalPathMs(report);
    rows.push({
      wall: report.durationMs,
      processMs,
      cp: cp.ms,
      member: cp.member,
      found: report.findings.map((f) => f.conclusion),
    });
  }
} finally {
  await running.close();
  scratch.cleanup();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`unhealthy-backend over 3 lab members (be1's firewall drops the LB), ${rounds} runs`);
for (const r of rows)
  console.log(
    `  run ${String(r.wall).padStart(5)} ms (process ${Math.round(r.processMs)} ms)  critical path ${Math.round(r.cp)} ms (${r.member})  ratio ${(r.wall / r.cp).toFixed(2)}×  [${[...new Set(r.found)].join(', ')}]`,
  );
const ratio = median(rows.map((r) => r.wall / r.cp));
console.log(`median run / critical path = ${ratio.toFixed(2)}× (goal ≤ 1.2)`);
