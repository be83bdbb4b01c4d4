// Every host probe against a real host: a network namespace from the lab,
// read through NetnsRunner and one batched `sh -s` per probe, with each fault
// injected inside the namespace (FAQ 2.1/2.2 backend checks, FAQ 2.4 ICMP).
// Needs root and `ip netns`; skipped with the reason printed otherwise.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab, type LabHost, labSupport } from '../../src/lab/netns.js';
import { type HostProbeKind, hostProbes } from '../../src/probes/host-registry.js';
import type { HostProbe, Observation } from '../../src/probes/types.js';
import { createBatchReader, createEvidenceReader, saveEvidence } from '../../src/runners/batch.js';
import { NetnsRunner } from '../../src/runners/local.js';
import { expectDataMatchesContract } from '../helpers/contracts.js';

const support = await labSupport();
if (!support.ok) console.warn(`skipping host probe lab tests: ${support.reason}`);

const LB = '100.125.0.0/16';

describe.skipIf(!support.ok)('host probes in a lab namespace', () => {
  let lab: Lab | undefined;
  let be: LabHost;
  const children: ResultPromise[] = [];

  /** One probe, one batched read, as a run does it. */
  async function probe(kind: HostProbeKind, params: unknown): Promise<Observation> {
    const p = (await hostProbes[kind]()) as HostProbe<unknown>;
    const parsed = p.params.parse(params);
    const reader = createBatchReader(new NetnsRunner(be.ns), { host: be.name, timeoutMs: 20_000 });
    const outputs = await reader.read(p.sections(parsed), AbortSignal.timeout(20_000));
    // Real host output must fit the probe's contract too (src/probes/contracts).
    return expectDataMatchesContract(kind, p.evaluate(parsed, outputs));
  }

  async function sh(argv: string[]): Promise<string> {
    const r = await be.exec(argv, { timeoutMs: 20_000 });
    if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} in ${be.ns}: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts a node process inside the namespace and waits until it prints "ready"; killed in afterAll. */
  async function nodeIn(script: string): Promise<void> {
    const child = execa('ip', ['netns', 'exec', be.ns, process.execPath, '-e', script], {
      reject: false,
      timeout: 60_000,
      buffer: false,
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('helper process did not start')), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => reject(new Error('helper process exited early')));
    });
    // Not returning the child: an execa result is a thenable and would wait for the exit.
  }

  beforeAll(async () => {
    lab = await createLab({ hosts: ['be1'] });
    be = lab.hosts.be1!;
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await lab?.teardown();
  }, 60_000);

  it('route: via the lab gateway passes; a default route off the gateway fails (FAQ 2.1 figure 2-6)', async () => {
    const ok = await probe('route', { gateway: lab!.gateway, interface: 'eth0' });
    expect(ok.outcome).toBe('pass');
    const wrong = lab!.gateway.replace(/\.1$/, '.134');
    await sh(['ip', 'route', 'replace', 'default', 'via', wrong, 'dev', 'eth0']);
    try {
      const bad = await probe('route', { gateway: lab!.gateway });
      expect(bad.outcome).toBe('fail');
      expect(bad.summary).toContain(`goes via ${wrong}, not the subnet gateway ${lab!.gateway}`);
      await sh(['ip', 'route', 'del', 'default']);
      expect((await probe('route', {})).summary).toContain('no default route');
    } finally {
      await sh(['ip', 'route', 'replace', 'default', 'via', lab!.gateway]);
    }
  }, 30_000);

  it('interface-address: the member address is on eth0; a removed address fails', async () => {
    expect((await probe('interface-address', { address: be.address, interface: 'eth0' })).outcome).toBe(
      'pass',
    );
    const extra = be.address.replace(/\.\d+$/, '.250');
    expect((await probe('interface-address', { address: extra })).outcome).toBe('fail');
  }, 30_000);

  it('icmp-settings: defaults rate limit port unreachables (6168); 6160 passes; echo ignored fails (FAQ 2.4)', async () => {
    const dflt = await probe('icmp-settings', {});
    expect(dflt.outcome).toBe('fail');
    expect(dflt.data).toMatchObject({
      icmp_ratemask: 6168,
      portUnreachableRateLimited: true,
      suggestedRatemask: 6160,
    });
    await sh(['sysctl', '-q', '-w', 'net.ipv4.icmp_ratemask=6160']);
    expect((await probe('icmp-settings', {})).outcome).toBe('pass');
    await sh(['sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1']);
    const echo = await probe('icmp-settings', {});
    expect(echo.outcome).toBe('fail');
    expect(echo.summary).toContain('icmp_echo_ignore_all = 1');
    await sh(['sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=0', 'net.ipv4.icmp_ratemask=6168']);
  }, 30_000);

  it('sysctl: compares values and says which key is missing', async () => {
    await sh(['sysctl', '-q', '-w', 'net.core.somaxconn=64']);
    const bad = await probe('sysctl', {
      keys: ['net.core.somaxconn'],
      expect: { 'net.core.somaxconn': 4096 },
    });
    expect(bad).toMatchObject({ outcome: 'fail', actual: 'net.core.somaxconn = 64' });
    const missing = await probe('sysctl', {
      keys: ['net.core.somaxconn'],
      expect: { 'net.ipv4.no_such_key': 1 },
    });
    expect(missing.outcome).toBe('error');
    expect(missing.reason).toContain('net.ipv4.no_such_key');
    await sh(['sysctl', '-q', '-w', 'net.core.somaxconn=4096']);
  }, 30_000);

  it('firewall: no rules accept; an iptables DROP of the LB range fails with the rule; nft reject too; unknown matches cannot tell', async () => {
    const clean = await probe('firewall', { source: LB, port: 8080 });
    expect(clean.outcome).toBe('pass');
    await sh(['iptables', '-A', 'INPUT', '-s', LB, '-p', 'tcp', '--dport', '8080', '-j', 'DROP']);
    try {
      const dropped = await probe('firewall', { source: LB, port: 8080 });
      expect(dropped.outcome).toBe('fail');
      expect(dropped.summary).toContain('-A INPUT -s 100.125.0.0/16 -p tcp -m tcp --dport 8080 -j DROP');
      expect((await probe('firewall', { source: '10.0.0.0/8', port: 8080 })).outcome).toBe('pass');
      await sh(['nft', 'add', 'table', 'inet', 'lbdtest']);
      await sh([
        'nft',
        'add',
        'chain',
        'inet',
        'lbdtest',
        'input',
        '{ type filter hook input priority 0; policy accept; }',
      ]);
      await sh([
        'nft',
        'add',
        'rule',
        'inet',
        'lbdtest',
        'input',
        'ip',
        'saddr',
        LB,
        'udp',
        'dport',
        '5000',
        'reject',
      ]);
      const rejected = await probe('firewall', { source: LB, port: 5000, protocol: 'udp' });
      expect(rejected.outcome).toBe('fail');
      expect(rejected.actual).toBe('rejected');
      expect(rejected.summary).toContain('udp dport 5000 reject');
      await sh([
        'iptables',
        '-I',
        'INPUT',
        '-p',
        'tcp',
        '--dport',
        '9000',
        '-m',
        'recent',
        '--rcheck',
        '-j',
        'DROP',
      ]);
      const unsure = await probe('firewall', { source: LB, port: 9000 });
      expect(unsure.outcome).toBe('error');
      expect(unsure.reason).toContain('recent');
    } finally {
      await sh(['iptables', '-F', 'INPUT']);
      await be.exec(['nft', 'delete', 'table', 'inet', 'lbdtest']);
    }
  }, 30_000);

  it('hosts-deny: an entry in /etc/netns/NAME/hosts.deny denies the LB range', async () => {
    expect((await probe('hosts-deny', { client: LB })).outcome).toBe('pass');
    const dir = join('/etc/netns', be.ns);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'hosts.deny'), '# lbdoctor lab\nsshd: 100.125. 10.0.0.0/255.0.0.0\n');
    try {
      const denied = await probe('hosts-deny', { client: LB, daemon: 'sshd' });
      expect(denied.outcome).toBe('fail');
      expect(denied.summary).toContain('/etc/hosts.deny:2 "sshd: 100.125. 10.0.0.0/255.0.0.0"');
      expect((await probe('hosts-deny', { client: LB, daemon: 'nginx' })).outcome).toBe('pass');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('listening: nothing on the port fails; loopback-only fails; a wildcard listener passes', async () => {
    const none = await probe('listening', { port: 8080 });
    expect(none.outcome).toBe('fail');
    expect(none.summary).toContain('nothing listens on tcp/8080');
    await nodeIn(
      "const n=require('net');let k=0;const up=()=>{if(++k===2)console.log('ready')};n.createServer().listen(8080,'127.0.0.1',up);n.createServer().listen(8081,'0.0.0.0',up);setTimeout(()=>{},60000)",
    );
    const loop = await probe('listening', { port: 8080 });
    expect(loop.outcome).toBe('fail');
    expect(loop.summary).toContain('loopback only');
    // The process name is what the kernel reports: "node" on Node 20/22, "MainThread" on Node 24.
    expect(loop.summary).toMatch(/127\.0\.0\.1:8080 \([\w.-]+\/\d+\)/);
    const wrongPort = await probe('listening', { port: 80 });
    expect(wrongPort.summary).toMatch(/listening tcp ports: 8080, 8081/);
    expect((await probe('listening', { port: 8081, address: be.address })).outcome).toBe('pass');
  }, 30_000);

  it('listen-overflows: a slow acceptor behind a small backlog overflows its queue', async () => {
    expect((await probe('listen-overflows', {})).outcome).toBe('pass');
    await sh(['sysctl', '-q', '-w', 'net.core.somaxconn=4']);
    // The server blocks its event loop right after listening: the kernel queues, nobody accepts.
    await nodeIn(
      // stdout to a pipe is synchronous on Linux: "ready" is out before the loop blocks, with no window to accept in.
      "const n=require('net');n.createServer().listen({port:9090,host:'127.0.0.1',backlog:1},()=>{console.log('ready');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,30000)})",
    );
    await execa(
      'ip',
      [
        'netns',
        'exec',
        be.ns,
        process.execPath,
        '-e',
        // Waves of connections for 2 s: even on a loaded machine the full queue is hit many times.
        "const n=require('net');const w=()=>{for(let i=0;i<20;i++){const s=n.connect(9090,'127.0.0.1');s.on('error',()=>{})}};w();const t=setInterval(w,100);setTimeout(()=>{clearInterval(t);process.exit(0)},2000)",
      ],
      { timeout: 20_000 },
    );
    const obs = await probe('listen-overflows', {});
    expect(obs.outcome).toBe('fail');
    expect(obs.data.listenOverflows).toBeGreaterThan(0);
    expect(obs.data.somaxconn).toBe('4');
    await sh(['sysctl', '-q', '-w', 'net.core.somaxconn=4096']);
  }, 40_000);

  it('ephemeral-ports: a TIME_WAIT pile-up against a narrow port range fails', async () => {
    await sh(['sysctl', '-q', '-w', 'net.ipv4.ip_local_port_range=40000 40099']);
    expect((await probe('ephemeral-ports', {})).outcome).toBe('pass');
    // The client closes first, so each of its sockets stays in TIME_WAIT.
    await execa(
      'ip',
      [
        'netns',
        'exec',
        be.ns,
        process.execPath,
        '-e',
        "const n=require('net');const srv=n.createServer(s=>s.on('end',()=>s.end())).listen(7070,'127.0.0.1',async()=>{for(let i=0;i<70;i++){await new Promise(r=>{const c=n.connect(7070,'127.0.0.1',()=>c.end());c.on('close',r);c.on('error',r)})}srv.close()})",
      ],
      { timeout: 20_000 },
    );
    const obs = await probe('ephemeral-ports', {});
    expect(obs.outcome).toBe('fail');
    expect(obs.data.timeWait).toBeGreaterThanOrEqual(50);
    expect(obs.data.portRange).toEqual({ low: 40000, high: 40099, size: 100 });
  }, 30_000);

  it('real-ip-config: nginx config bind-mounted from /etc/netns/NAME/nginx', async () => {
    const dir = join('/etc/netns', be.ns, 'nginx');
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(join(dir, 'nginx.conf'), 'http { server { listen 80; } }\n');
      const missing = await probe('real-ip-config', { server: 'nginx', path: '/etc/nginx/nginx.conf' });
      expect(missing.outcome).toBe('fail');
      await writeFile(
        join(dir, 'nginx.conf'),
        'http { server { listen 80; set_real_ip_from 100.125.0.0/16; real_ip_header X-Forwarded-For; } }\n',
      );
      expect(
        (await probe('real-ip-config', { server: 'nginx', path: '/etc/nginx/nginx.conf' })).outcome,
      ).toBe('pass');
    } finally {
      await rm(join('/etc/netns', be.ns), { recursive: true, force: true });
    }
  }, 30_000);

  it('access-log-tail: reads the last lines; a missing log is an error, not a crash', async () => {
    const log = join(lab!.dir, 'app-access.log');
    await writeFile(log, `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n`);
    const obs = await probe('access-log-tail', { path: log, lines: 5 });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.lines).toEqual(['line 25', 'line 26', 'line 27', 'line 28', 'line 29']);
    const gone = await probe('access-log-tail', { path: join(lab!.dir, 'gone-access.log') });
    expect(gone.outcome).toBe('error');
    expect(gone.reason).toContain('No such file');
  }, 30_000);

  it('load: reads load, CPUs and memory; a threshold below the current load fails', async () => {
    const obs = await probe('load', {});
    expect(['pass', 'fail']).toContain(obs.outcome);
    expect(obs.data.cpus).toBeGreaterThan(0);
    const strict = await probe('load', { minAvailableMemoryPercent: 100 });
    expect(strict.outcome).toBe('fail');
    expect(strict.summary).toContain('memory available');
  }, 30_000);

  it('conntrack: reads the statistics, or says connection tracking is not in use', async () => {
    const obs = await probe('conntrack', {});
    expect(['pass', 'skip']).toContain(obs.outcome);
  }, 30_000);

  it('kernel-module: toa absent fails, read from /proc/modules or, without it, /sys/module', async () => {
    const obs = await probe('kernel-module', { name: 'toa' });
    expect(obs.outcome).toBe('fail');
    expect(obs.actual).toBe('absent');
    expect(obs.data.source).toBe(existsSync('/proc/modules') ? '/proc/modules' : '/sys/module');
  }, 30_000);

  it('one batched read for every host probe; saved evidence replays offline to the same observations', async () => {
    const plan: [HostProbeKind, unknown][] = [
      ['route', { gateway: lab!.gateway }],
      ['icmp-settings', {}],
      ['firewall', { port: 8080 }],
      ['hosts-deny', {}],
      ['listening', { port: 22 }],
      ['listen-overflows', {}],
      ['ephemeral-ports', {}],
      ['load', {}],
      ['conntrack', {}],
      ['kernel-module', {}],
    ];
    const probes = await Promise.all(
      plan.map(async ([k, params]) => {
        const p = (await hostProbes[k]()) as HostProbe<unknown>;
        return { p, params: p.params.parse(params) };
      }),
    );
    let calls = 0;
    const runner = new NetnsRunner(be.ns);
    const counting = {
      name: runner.name,
      run: (argv: readonly string[], o: Parameters<NetnsRunner['run']>[1]) => {
        calls++;
        return runner.run(argv, o);
      },
    };
    const reader = createBatchReader(counting, { host: be.name, timeoutMs: 20_000 });
    const live = await reader.read(
      probes.flatMap(({ p, params }) => p.sections(params)),
      AbortSignal.timeout(20_000),
    );
    expect(calls).toBe(1);
    const evidenceDir = join(lab!.dir, 'evidence');
    await saveEvidence(evidenceDir, be.name, reader.raw);
    const replay = await createEvidenceReader(evidenceDir, be.name);
    const offline = await replay.read(
      probes.flatMap(({ p, params }) => p.sections(params)),
      AbortSignal.timeout(5_000),
    );
    expect(offline).toEqual(live);
    for (const { p, params } of probes) expect(p.evaluate(params, offline)).toEqual(p.evaluate(params, live));
  }, 30_000);
});
