// `lbdoctor run` as a user runs it against members reached over SSH in lab
// namespaces: host keys verified from a known_hosts file, one batched read per
// host, a fault seen on one member, an unreachable member reported as "could
// not check" (not a crash), per-host timings, and the run replayed offline
// from saved evidence. Needs root, `ip netns` and sshd; skipped with the
// reason printed otherwise (CI runs it as root).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab, labSupport } from '../../src/lab/netns.js';
import { type LabSshd, startLabSshd } from '../../src/lab/sshd.js';
import { lbdoctor } from '../helpers/cli.js';

const support = await labSupport();
const why = !support.ok
  ? support.reason
  : !existsSync('/usr/sbin/sshd')
    ? 'no /usr/sbin/sshd (openssh-server)'
    : undefined;
if (why) console.warn(`skipping the run-over-SSH lab test: ${why}`);

const PLAYBOOK = `id: member-icmp
title: Do the members answer ICMP as a UDP health check needs?
faq: ["2.4"]
start: read
steps:
  read:
    kind: checklist
    title: read each member's ICMP settings
    foreach: members
    vantage: member
    items:
      - {id: icmp, title: ICMP echo and port unreachable, probe: icmp-settings, with: {}, conclude: icmp-broken}
    next: fine
  icmp-broken: {kind: conclude, title: "{{ member.name }} answers ICMP badly", severity: error, cause: "{{ item.summary }}"}
  fine: {kind: conclude, title: "{{ member.name }} read", severity: info, cause: done}
`;

describe.skipIf(why !== undefined)('lbdoctor run over SSH on lab hosts', () => {
  let lab: Lab | undefined;
  const sshd: Record<string, LabSshd> = {};
  let dir = '';
  let inventoryFile = '';
  let knownHosts = '';

  beforeAll(async () => {
    lab = await createLab({ hosts: ['be1', 'be2', 'be3'] });
    for (const name of ['be1', 'be2']) sshd[name] = await startLabSshd(lab, lab.hosts[name]!);
    // The fault: be1 ignores ICMP echo, so ELB's UDP health check fails at its ping step (FAQ 2.4).
    await lab.hosts.be1!.exec(['sysctl', '-w', 'net.ipv4.icmp_echo_ignore_all=1']);
    await lab.hosts.be2!.exec(['sysctl', '-w', 'net.ipv4.icmp_ratemask=6160']);
    dir = await mkdtemp(join(tmpdir(), 'lbd-ssh-run-'));
    knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `${sshd.be1!.knownHostsLine}\n${sshd.be2!.knownHostsLine}\n`);
    const key = sshd.be1!.clientKeyPath;
    // be3 exists but runs no sshd: connection refused.
    const member = (n: string) =>
      `      - {name: ${n}, address: ${lab!.hosts[n]!.address}, protocol_port: 53}`;
    inventoryFile = join(dir, 'inventory.yaml');
    await writeFile(
      inventoryFile,
      `loadbalancer: {name: lab, type: shared, vip_address: ${lab.gateway}}
listeners:
  - {name: dns, protocol: UDP, protocol_port: 53, default_pool_id: p}
pools:
  - id: p
    protocol: UDP
    healthmonitor: {type: UDP_CONNECT}
    members:
${['be1', 'be2', 'be3'].map(member).join('\n')}
hosts:
  be1: {ssh: "ssh://root@${lab.hosts.be1!.address}", identity_file: ${key}}
  be2: {ssh: "ssh://root@${lab.hosts.be2!.address}", identity_file: ${key}}
  be3: {ssh: "ssh://root@${lab.hosts.be3!.address}", identity_file: ${key}}
`,
    );
    await mkdir(join(dir, 'playbooks'));
    await writeFile(join(dir, 'playbooks', 'member-icmp.yaml'), PLAYBOOK);
  });

  afterAll(async () => {
    await lab?.teardown();
  });

  const args = () => [
    'run',
    'member-icmp',
    '--playbooks',
    join(dir, 'playbooks'),
    '-i',
    inventoryFile,
    '--known-hosts',
    knownHosts,
    '--format',
    'json',
  ];

  it('finds the fault on be1, reads be2, reports be3 as not checked, with per-host timings', async () => {
    const evidence = join(dir, 'evidence');
    const r = await lbdoctor([...args(), '--save-evidence', evidence], { env: { SSH_AUTH_SOCK: '' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const found = report.findings.map(
      (f: { subject: { name: string }; conclusion: string }) => `${f.subject.name}:${f.conclusion}`,
    );
    expect(found.sort()).toEqual(['be1:fine', 'be1:icmp-broken', 'be2:fine']);
    expect(report.inconclusive.map((i: { subject: { name: string } }) => i.subject.name)).toEqual(['be3']);
    expect(report.findings.find((f: { conclusion: string }) => f.conclusion === 'icmp-broken').cause).toMatch(
      /echo/i,
    );
    const be3 = report.checks.find((c: { subject: { name: string } }) => c.subject.name === 'be3');
    expect(be3.outcome).toBe('error');
    expect(be3.observation.reason).toMatch(/refused|ECONNREFUSED/i);
    const hosts = Object.fromEntries(report.hosts.map((h: { host: string }) => [h.host, h]));
    expect(hosts.be1.connectMs).toBeGreaterThan(0);
    expect(hosts.be2.readMs).toBeGreaterThan(0);
    expect(hosts.be3.error).toMatch(/refused/i);
    expect((await readdir(evidence)).sort()).toEqual(['be1.evidence.txt', 'be2.evidence.txt']);

    // Offline replay from the saved evidence reaches the same conclusions for the hosts that were read.
    const replay = await lbdoctor([...args(), '--from-evidence', evidence]);
    const again = JSON.parse(replay.stdout);
    const replayed = again.findings.map(
      (f: { subject: { name: string }; conclusion: string }) => `${f.subject.name}:${f.conclusion}`,
    );
    expect(replayed).toEqual(expect.arrayContaining(['be1:icmp-broken', 'be2:fine']));
  });

  it('refuses a host whose key is not in known_hosts (strict by default)', async () => {
    await writeFile(knownHosts, `${sshd.be2!.knownHostsLine}\n`);
    const r = await lbdoctor(args());
    const report = JSON.parse(r.stdout);
    const be1 = report.checks.find((c: { subject: { name: string } }) => c.subject.name === 'be1');
    expect(be1.outcome).toBe('error');
    expect(be1.observation.reason).toContain(sshd.be1!.hostKeyFingerprint);
  });
});
