// A fan-out that ends up with nothing to walk: the reason in the report must
// tell an inventory with no members from one whose members `where:` filtered
// out, or a person at 3 a.m. goes looking for members that are there.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

// Connects to each member of a TCP pool. The probe never runs here: the
// inventory's pool is HTTP, so where: filters every member out before it.
const PLAYBOOK = `id: tcp-members
title: Do the TCP members accept connections?
faq: ["1.2"]
start: members
steps:
  members:
    kind: probe
    title: connect to each TCP member
    foreach: members
    where: {path: pool.protocol, equals: TCP}
    probe: tcp
    with: {host: "{{ member.address }}", port: "{{ member.protocol_port }}"}
    branches: [{when: {outcome: pass}, goto: open}, {when: {outcome: fail}, goto: closed}]
  open: {kind: conclude, title: open, severity: info, cause: "it accepted a connection"}
  closed: {kind: conclude, title: closed, severity: error, cause: "{{ steps.members.summary }}"}
`;

/** One HTTP listener whose pool has these members (127.0.0.1, ports that are never dialled). */
function inventory(members: number): string {
  const list = Array.from(
    { length: members },
    (_, i) => `      - {name: be${i + 1}, address: 127.0.0.1, protocol_port: ${18091 + i}}`,
  );
  return `loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
listeners:
  - {name: web, protocol: HTTP, protocol_port: 18080, default_pool_id: web-pool}
pools:
  - id: web-pool
    protocol: HTTP
    members:${members ? `\n${list.join('\n')}` : ' []'}
`;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-fan-out-'));
  await mkdir(join(dir, 'playbooks'));
  await writeFile(join(dir, 'playbooks', 'tcp-members.yaml'), PLAYBOOK);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(members: number, format: 'json' | 'text') {
  const file = join(dir, `inventory-${members}.yaml`);
  await writeFile(file, inventory(members));
  const args = ['run', 'tcp-members', '--playbooks', join(dir, 'playbooks'), '--inventory', file];
  return lbdoctor([...args, '--non-interactive', '--format', format]);
}

async function reasons(members: number): Promise<string[]> {
  const r = await run(members, 'json');
  expect(r.code, r.stderr).toBe(3);
  const report = JSON.parse(r.stdout);
  expect(report.verdict).toBe('inconclusive');
  expect(report.findings).toEqual([]);
  return report.inconclusive.map((i: { reason: string }) => i.reason);
}

describe('lbdoctor run: a fan-out whose where: leaves nothing', () => {
  it('says how many members there were and the condition none of them met', async () => {
    expect(await reasons(3)).toEqual(["3 members here; none meets the step's where: pool.protocol = TCP"]);
  });

  it('with one member, says it is there and does not meet the condition', async () => {
    expect(await reasons(1)).toEqual([
      "1 member here; it does not meet the step's where: pool.protocol = TCP",
    ]);
  });

  it('an inventory with no members still says there are none', async () => {
    expect(await reasons(0)).toEqual(['the inventory has no members to check here']);
  });

  it('the text report shows the reason whole, within 80 columns', async () => {
    const r = await run(3, 'text');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      "3 members here; none meets the step's where: pool.protocol = TCP",
    );
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
