// The stress-test and packet-loss playbooks through the engine, with their
// real host probes evaluating captured host outputs (a named "after-burst"
// reading answered apart from the first read), the real access-control and
// connection-capacity probes, and scripted network probes (burst, ping,
// request). The same faults on real hosts are in test/lab/stress-and-packet-loss.test.ts.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/engine.js';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { BUNDLED_PLAYBOOKS, findPlaybook } from '../../../src/playbook/load.js';
import { loadProbe } from '../../../src/probes/registry.js';
import type { Observation } from '../../../src/probes/types.js';
import type { Vantage, VantageProvider } from '../../../src/runners/types.js';
import { fakeNetworkProbe, type Script } from '../../helpers/fake-probes.js';
import { fixture } from '../../unit/parsers/fixture.js';

/** Host outputs by host, then by section id (`id@reading` for a named reading). */
type Hosts = Record<string, Record<string, string | { exitCode: number; stderr: string }>>;

/** Host reads by host: each one a round trip a real run would make. */
const reads: Record<string, string[][]> = {};

function vantages(hosts: Hosts, unreachable: readonly string[] = []): VantageProvider {
  const make = (name: string): Vantage => ({
    name,
    dialer: {
      vantage: name === 'local' ? 'local' : `ssh://${name}`,
      connect: () => Promise.reject(new Error('no network')),
    },
    host: {
      host: name,
      async read(requests) {
        reads[name] = [
          ...(reads[name] ?? []),
          requests.map((r) => (r.reading ? `${r.id}@${r.reading}` : r.id)),
        ];
        return requests.map((r) => {
          const row = hosts[name]?.[r.reading ? `${r.id}@${r.reading}` : r.id];
          const base = { id: r.id, args: r.args ?? [], ...(r.reading ? { reading: r.reading } : {}) };
          if (row === undefined) return { ...base, exitCode: -1, stdout: '', stderr: 'not captured' };
          return typeof row === 'string'
            ? { ...base, exitCode: 0, stdout: row, stderr: '' }
            : { ...base, stdout: '', ...row };
        });
      },
    },
    timings: { connectMs: 1, readMs: 1 },
  });
  return {
    local: () => make('local'),
    forHost: async (name) => {
      if (unreachable.includes(name)) throw new Error(`${name}: connect ETIMEDOUT`);
      return make(name);
    },
    close: async () => {},
  };
}

async function run(
  id: string,
  inventoryYaml: string,
  o: {
    hosts?: Hosts;
    unreachable?: string[];
    network?: Record<string, Script>;
    set?: Record<string, string>;
    inputs?: Record<string, string>;
  } = {},
): Promise<RunResult> {
  const { playbook } = await findPlaybook(id, [BUNDLED_PLAYBOOKS]);
  const fakes = Object.entries(o.network ?? {}).map(([kind, script]) => fakeNetworkProbe(kind, script));
  return runPlaybook({
    playbook,
    inventory: parseInventory(inventoryYaml),
    loadProbe: async (kind) => fakes.find((f) => f.kind === kind) ?? loadProbe(kind),
    vantages: vantages(o.hosts ?? {}, o.unreachable),
    facts: { set: new Map(Object.entries(o.set ?? {})), answers: {} },
    ...(o.inputs ? { inputs: o.inputs } : {}),
    timeoutMs: 2000,
    toolVersion: 'test',
  });
}

const codes = (r: RunResult) => r.findings.map((f) => `${f.severity} ${f.conclusion}`).sort();

// ── stress-test ─────────────────────────────────────────────────────────────

const stressInventory = `
loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: p}]
pools:
  - id: p
    protocol: HTTP
    members: [{name: be1, address: 10.0.1.1, protocol_port: 80}]
hosts:
  be1: {ssh: "ssh://root@10.0.1.1"}
`;

/** A real /proc/net/netstat capture (70 overflows) and the same with the counters at 0: before the burst. */
const after = fixture('netns-proc-net-netstat.txt');
const before = after.replace(/^(TcpExt: \d[\d ]*)$/m, (line) => line.replace(/\d+/g, '0'));
const member = (counters: Hosts[string], sysctl = fixture('netns-sysctl.txt')) => ({
  be1: {
    sysctl,
    loadavg: '0.20 0.10 0.05 1/100 42\n',
    cpus: '2\n',
    meminfo: fixture('meminfo.debian.txt'),
    // be1 holds 5 connections on port 80 from 10.251.78.2 and 2 from 10.251.78.30 (captured in namespaces).
    'tcp-sockets': fixture('netns-ss-tan.established.txt'),
    ...counters,
  },
});
const burstOk: Script = () => ({
  outcome: 'pass',
  summary: '300 connections at once: 300 open',
  data: { attempted: 300, opened: 300, failed: 0, retransmitted: 0, states: { open: 300 } },
});

describe('stress-test', () => {
  it('counters that grow during the burst: backlog-overflow, with somaxconn and both readings', async () => {
    const r = await run('stress-test', stressInventory, {
      hosts: member({ 'net-counters': before, 'net-counters@after-burst': after }),
      network: {
        'tcp-burst': () => ({
          outcome: 'fail',
          summary: '300 connections at once: 300 open (280 only after a resent SYN)',
          data: { attempted: 300, opened: 300, failed: 0, retransmitted: 280, states: { open: 300 } },
        }),
      },
    });
    expect(codes(r)).toEqual(['error backlog-overflow']);
    // One read of the member before the burst (every section the walk needs but the named reading), and one
    // after it that adds the named reading (the batched reader then asks the host only for that one).
    expect(reads.be1?.slice(-2)).toEqual([
      ['tcp-sockets', 'net-counters', 'sysctl', 'loadavg', 'cpus', 'meminfo'],
      ['tcp-sockets', 'net-counters', 'sysctl', 'loadavg', 'cpus', 'meminfo', 'net-counters@after-burst'],
    ]);
    const f = r.findings[0]!;
    expect(f.title).toBe("be1's listen queue overflowed under the burst (somaxconn 4)");
    expect(f.cause).toContain('ListenOverflows went from 0 to 70');
    expect(f.evidence).toContain('after: ListenOverflows 70, ListenDrops 70 since boot (somaxconn 4)');
  });

  it('counters high since boot but still during the burst: the member holds (info), with FAQ 6.11 linked', async () => {
    const r = await run('stress-test', stressInventory, {
      hosts: member({ 'net-counters': after, 'net-counters@after-burst': after }),
      network: { 'tcp-burst': burstOk },
    });
    expect(codes(r)).toEqual(['info member-holds']);
    expect(r.findings[0]!.explain).toEqual(['active-connections']);
  });

  it('a member whose CPUs are saturated (FAQ 1.10 step 1): a warning beside the queue verdict', async () => {
    const hosts = member({ 'net-counters': before, 'net-counters@after-burst': before });
    hosts.be1!.loadavg = '7.92 6.10 5.33 3/200 999\n';
    const r = await run('stress-test', stressInventory, { hosts, network: { 'tcp-burst': burstOk } });
    expect(codes(r)).toEqual(['info member-holds', 'warn backend-cpu-saturated']);
    expect(r.findings.find((f) => f.severity === 'warn')!.cause).toContain(
      'load 7.92 is 3.96 per CPU on 2 CPU(s)',
    );
  });

  it('a somaxconn that is not a number: an error finding with the reason, not a guess', async () => {
    const r = await run('stress-test', stressInventory, {
      hosts: member(
        { 'net-counters': before, 'net-counters@after-burst': after },
        'net.core.somaxconn = lots\nnet.ipv4.tcp_max_syn_backlog = 8\n',
      ),
      network: { 'tcp-burst': burstOk },
    });
    expect(codes(r)).toEqual(['error member-unreadable']);
    expect(r.findings[0]!.cause).toContain('net.core.somaxconn is "lots", not a whole number');
  });

  it('a member without /proc/net/netstat, and one SSH cannot reach: error findings, never a crash', async () => {
    const noCounters = await run('stress-test', stressInventory, {
      hosts: member({
        'net-counters': { exitCode: 1, stderr: 'cat: /proc/net/netstat: No such file or directory' },
      }),
      network: { 'tcp-burst': burstOk },
    });
    expect(codes(noCounters)).toEqual(['error member-unreadable']);
    const down = await run('stress-test', stressInventory, {
      unreachable: ['be1'],
      network: { 'tcp-burst': burstOk },
    });
    expect(codes(down)).toEqual(['error member-unreadable']);
    expect(down.findings[0]!.cause).toContain('ETIMEDOUT');
  });

  it('too few members for --input concurrency (FAQ 1.10 step 5), and a saturated EIP (asked)', async () => {
    const r = await run('stress-test', stressInventory, {
      hosts: member({ 'net-counters': before, 'net-counters@after-burst': before }),
      network: { 'tcp-burst': burstOk },
      inputs: { concurrency: '150000' },
      set: { eip_bandwidth_saturated: 'true' },
    });
    expect(codes(r)).toEqual(['error bandwidth-saturated', 'error too-few-members']);
    const few = r.findings.find((f) => f.conclusion === 'too-few-members')!;
    expect(few.cause).toContain(
      '60,000 × 1 member(s) = 60,000 concurrent connections, below the 150,000 required',
    );
    expect(few.fix[0]).toContain('3 are needed');
  });

  it("Cloud Eye's active connections differ (asked, FAQ 6.11): unrelated behind HTTP, a warning behind UDP", async () => {
    const hosts = member({ 'net-counters': before, 'net-counters@after-burst': before });
    const set = { active_connections_differ: 'true' };
    const l7 = await run('stress-test', stressInventory, { hosts, network: { 'tcp-burst': burstOk }, set });
    expect(codes(l7)).toEqual(['info l7-connections-unrelated']);
    const l4 = await run(
      'stress-test',
      stressInventory.replace('protocol: HTTP, protocol_port: 80', 'protocol: UDP, protocol_port: 80'),
      {
        hosts,
        network: { 'tcp-burst': burstOk },
        set,
      },
    );
    expect(codes(l4)).toEqual(['warn l4-connections-differ']);
    expect(l4.findings[0]!.explain).toEqual(['active-connections']);
    // Behind TCP the members are counted instead: the yes/no is not enough, Cloud Eye's figure is asked for.
    const tcp = await run(
      'stress-test',
      stressInventory.replace('protocol: HTTP, protocol_port: 80', 'protocol: TCP, protocol_port: 80'),
      { hosts, network: { 'tcp-burst': burstOk }, set },
    );
    expect(codes(tcp)).toEqual(['warn connections-not-given']);
  });

  describe("Cloud Eye's active connections against the members' count behind TCP (FAQ 6.11)", () => {
    const tcpInventory = stressInventory.replace(
      'protocol: HTTP, protocol_port: 80',
      'protocol: TCP, protocol_port: 80',
    );
    const hosts = member({ 'net-counters': before, 'net-counters@after-burst': before });
    const network = { 'tcp-burst': burstOk };
    const minute = (offset = 0) => new Date(Date.now() + offset * 60_000).toISOString().slice(11, 16);
    const cloudEye = (n: number, at = minute()) => ({
      cloud_eye_active_connections: String(n),
      cloud_eye_minute: at,
    });

    it('the sum matches Cloud Eye (range known: only its 5 connections count): info', async () => {
      const r = await run('stress-test', tcpInventory, {
        hosts,
        network,
        set: { lb_backend_range: '10.251.78.2/32', ...cloudEye(5) },
      });
      expect(codes(r)).toEqual(['info l4-connections-match']);
      expect(r.findings[0]!.evidence).toContain(
        "members: 7 established, 5 from the load balancer's range 10.251.78.2/32",
      );
    });

    it('the members hold fewer than Cloud Eye counts: a warning that says what to check', async () => {
      const r = await run('stress-test', tcpInventory, {
        hosts,
        network,
        set: { lb_backend_range: '10.251.78.2/32', ...cloudEye(40) },
      });
      expect(codes(r)).toEqual(['warn l4-connections-fewer']);
      expect(r.findings[0]!.cause).toContain(
        'the members hold 35 fewer than Cloud Eye counts (more than ±4)',
      );
      expect(r.findings[0]!.fix.join(' ')).toContain('idle timeout');
    });

    it('the range not known: every peer counts (7), and more than Cloud Eye is a difference, not a match', async () => {
      const r = await run('stress-test', tcpInventory, { hosts, network, set: cloudEye(2) });
      expect(codes(r)).toEqual(['warn l4-connections-differ']);
      expect(r.findings[0]!.cause).toContain('the members hold 5 more than Cloud Eye counts');
    });

    it("Cloud Eye's figure not given: not compared, and the report says so", async () => {
      const r = await run('stress-test', tcpInventory, { hosts, network });
      expect(codes(r)).toEqual(['warn connections-not-given']);
      expect(r.findings[0]!.cause).toContain('The members hold 7 established connection(s)');
    });

    it('a figure from another time, or a member whose sockets cannot be read: an error, never a match', async () => {
      const stale = await run('stress-test', tcpInventory, { hosts, network, set: cloudEye(7, minute(-30)) });
      expect(codes(stale)).toEqual(['error connections-not-compared']);
      // 31 when the run reads the members in the next minute.
      expect(stale.findings[0]!.cause).toMatch(/\b3[01] minutes apart/);
      const noSs = member({
        'net-counters': before,
        'net-counters@after-burst': before,
        'tcp-sockets': { exitCode: 127, stderr: 'sh: netstat: not found' },
      });
      const unread = await run('stress-test', tcpInventory, { hosts: noSs, network, set: cloudEye(0) });
      expect(codes(unread)).toEqual(['error connections-not-compared']);
      expect(unread.findings[0]!.cause).toContain('1 member(s) could not be read');
    });

    it("client addresses kept (transparent client IP): every peer is the load balancer's, the range is not used", async () => {
      const kept = tcpInventory.replace(
        'protocol: TCP, protocol_port: 80,',
        'protocol: TCP, protocol_port: 80, transparent_client_ip_enable: true,',
      );
      expect(kept).toContain('transparent_client_ip_enable: true');
      const r = await run('stress-test', kept, {
        hosts,
        network,
        set: { lb_backend_range: '10.251.78.2/32', ...cloudEye(7) },
      });
      expect(codes(r)).toEqual(['info l4-connections-match']);
      expect(r.findings[0]!.evidence).toContain(
        "members: 7 established, 0 from the load balancer's range (not known)",
      );
    });

    it("sums the pool's members: two members with 5 each match Cloud Eye's 10, and fall short of 20", async () => {
      const twoMembers = tcpInventory
        .replace(
          'members: [{name: be1, address: 10.0.1.1, protocol_port: 80}]',
          'members: [{name: be1, address: 10.0.1.1, protocol_port: 80}, {name: be2, address: 10.0.1.2, protocol_port: 80}]',
        )
        .replace(
          'be1: {ssh: "ssh://root@10.0.1.1"}',
          'be1: {ssh: "ssh://root@10.0.1.1"}\n  be2: {ssh: "ssh://root@10.0.1.2"}',
        );
      const both = { ...hosts, be2: hosts.be1! };
      const set = { lb_backend_range: '10.251.78.2/32' };
      const match = await run('stress-test', twoMembers, {
        hosts: both,
        network,
        set: { ...set, ...cloudEye(10) },
      });
      // The comparison is about the pool: one finding, about the listener, though both member walks reach it.
      expect(codes(match)).toEqual(['info l4-connections-match']);
      expect(match.findings[0]!.subject).toMatchObject({ kind: 'listener', name: 'web' });
      expect(match.findings[0]!.evidence[0]).toContain('Cloud Eye 10 at');
      expect(match.findings[0]!.evidence[0]).toContain('the members 10: they match');
      // Each member was still burst and read on its own.
      const bursts = match.checks.filter((c) => c.step === 'burst').map((c) => c.subject?.name);
      expect(bursts.sort()).toEqual(['be1', 'be2']);
      const short = await run('stress-test', twoMembers, {
        hosts: both,
        network,
        set: { ...set, ...cloudEye(20) },
      });
      expect(codes(short)).toEqual(['warn l4-connections-fewer']);
    });

    it('more connections from the load balancer than one member port takes (FAQ 1.10 step 5): a warning', async () => {
      const r = await run('stress-test', tcpInventory, {
        hosts,
        network,
        inputs: { member_connections: '4' },
        set: { lb_backend_range: '10.251.78.2/32', ...cloudEye(5) },
      });
      expect(codes(r)).toEqual(['info l4-connections-match', 'warn member-port-full']);
    });
  });

  it('a burst that could not be sent is an error finding', async () => {
    const r = await run('stress-test', stressInventory, {
      hosts: member({ 'net-counters': before, 'net-counters@after-burst': before }),
      network: {
        'tcp-burst': () => ({ outcome: 'error', reason: 'no route', summary: 'no route to 10.0.1.1' }),
      },
    });
    expect(codes(r)).toEqual(['error burst-not-sent']);
  });
});

// ── packet-loss ─────────────────────────────────────────────────────────────

const lossInventory = (lb: string, extra = '') => `
loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10, ${lb}}
listeners: [{name: web, protocol: HTTP, protocol_port: 80, default_pool_id: p${extra}}]
pools:
  - id: p
    protocol: HTTP
    members: [{name: be1, address: 10.0.1.1, protocol_port: 80}]
client: {address: 203.0.113.7}
`;
const answers: Record<string, Script> = {
  ping: () => ({ outcome: 'pass', summary: '3/3 replies' }),
  http: () => ({ outcome: 'pass', summary: '200 OK', data: { status: 200 } }),
};

describe('packet-loss', () => {
  it('a blacklist that holds the client: client-blocked, with the entry that matched (CIDR maths)', async () => {
    const r = await run(
      'packet-loss',
      lossInventory('eip: 198.51.100.1', ', ipgroup: {type: black, ip_list: [10.0.0.0/8, 203.0.113.0/24]}'),
      { network: answers },
    );
    expect(codes(r)).toEqual(['error client-blocked']);
    expect(r.findings[0]!.cause).toContain('matched by 203.0.113.0/24');
    expect(r.findings[0]!.explain).toEqual(['whitelist-scope']);
  });

  it('--input client_ip outside the whitelist wins over the inventory client', async () => {
    const inv = lossInventory('eip: 198.51.100.1', ', ipgroup: {type: white, ip_list: [203.0.113.0/24]}');
    expect(codes(await run('packet-loss', inv, { network: answers }))).toEqual(['info no-loss-found']);
    const r = await run('packet-loss', inv, { network: answers, inputs: { client_ip: '192.0.2.9' } });
    expect(codes(r)).toEqual(['error client-blocked']);
  });

  it('public, 2 AZs, 1 IP member: 200,000 against a 300,000 specification (FAQ 1.1 formula)', async () => {
    const r = await run(
      'packet-loss',
      lossInventory('eip: 198.51.100.1, ip_target_enable: true, availability_zones: [az1, az2]'),
      {
        network: answers,
        set: { spec_max_connections: '300000' },
      },
    );
    expect(codes(r)).toEqual(['error capacity-below-spec']);
    expect(r.findings[0]!.cause).toContain('100,000 × 1 member(s) × 2 AZs = 200,000');
    const enough = await run(
      'packet-loss',
      lossInventory('eip: 198.51.100.1, ip_target_enable: true, availability_zones: [az1, az2]'),
      {
        network: answers,
        set: { spec_max_connections: '200000' },
      },
    );
    expect(codes(enough)).toEqual(['info no-loss-found']);
  });

  it('public without AZs in the inventory: the AZ count is asked, never guessed', async () => {
    const inv = lossInventory('eip: 198.51.100.1, ip_target_enable: true');
    const unknown = await run('packet-loss', inv, {
      network: answers,
      set: { spec_max_connections: '300000' },
    });
    expect(codes(unknown)).toEqual(['warn capacity-not-compared']);
    const asked = await run('packet-loss', inv, {
      network: answers,
      set: { spec_max_connections: '300000', az_count: '3' },
    });
    expect(codes(asked)).toEqual(['info no-loss-found']);
  });

  it('ping answered, the request not: ping-only; neither: listener-unreachable', async () => {
    const failing: Script = (): Partial<Observation> & Pick<Observation, 'outcome'> => ({
      outcome: 'fail',
      summary: '503 Service Unavailable',
      data: { status: 503, routerCode: '50000' },
    });
    const r = await run('packet-loss', lossInventory('eip: 198.51.100.1'), {
      network: { ...answers, http: failing },
    });
    expect(codes(r)).toEqual(['error ping-only']);
    expect(r.findings[0]!.evidence).toContain('x-router-code: 50000');
    const none = await run('packet-loss', lossInventory('eip: 198.51.100.1'), {
      network: {
        ping: () => ({ outcome: 'fail', summary: '0/3 replies' }),
        http: () => ({ outcome: 'error', reason: 'timeout', summary: 'timeout' }),
      },
    });
    expect(codes(none)).toEqual(['error listener-unreachable']);
  });
});
