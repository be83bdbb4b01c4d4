// Host scenarios for real: each one starts (lab namespaces, the reference LB
// inside the `lb` host, nginx/sshd/tcpd on the members), its fault is checked
// from the outside (the operator's machine, the member itself, the lb host,
// the LB's admin status, the sysctl or rule read back), and closing removes
// every namespace. Then `lbdoctor lab up/status/down` on one of them through
// the CLI. Needs root, `ip netns`, sshd, nginx, iptables, tcpd and ping (CI
// installs them); skipped with the reason printed otherwise.
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { maskedNetnsArgv, removeLabById } from '../../src/lab/netns.js';
import type { MemberInput } from '../../src/lab/scenarios/define.js';
import {
  defineHostScenario,
  type HostScenarioBuild,
  hostScenarioSupport,
  LB_HOST,
  labMemberHealth,
} from '../../src/lab/scenarios/define-host.js';
import { wrongNextHop } from '../../src/lab/scenarios/host-unhealthy.js';
import { findScenario, type RunningScenario } from '../../src/lab/scenarios/index.js';
import { udpProbe } from '../../src/probes/udp.js';
import { localDialer } from '../../src/transport/dialers/local.js';
import { lbdoctor } from '../helpers/cli.js';

const support = await hostScenarioSupport(['nginx', 'iptables', 'tcpd', 'ping', 'sysctl']);
const why = support.ok ? undefined : support.reason;
if (why) console.warn(`skipping the host scenario lab tests: ${why}`);

const root = join(import.meta.dirname, '..', '..');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs argv on a lab host of the scenario (in its namespace, start-up files masked). */
async function on(running: RunningScenario, host: string, argv: string[]) {
  const h = running.hosts?.find((x) => x.name === host);
  if (!h) throw new Error(`no lab host ${host}`);
  const [cmd, ...args] = maskedNetnsArgv(h.ns, argv);
  const r = await execa(cmd!, args, { reject: false, timeout: 20_000, stdin: 'ignore' });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** An HTTP GET from a lab host, printed as "status body" or "error CODE". */
async function getFrom(running: RunningScenario, host: string, url: string): Promise<string> {
  const script = `
    const req = require('node:http').get(process.argv[1], { timeout: 2500 }, (res) => {
      let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => console.log(res.statusCode + ' ' + b.trim()));
    });
    req.on('timeout', () => { console.log('error ETIMEDOUT'); process.exit(0); });
    req.on('error', (e) => console.log('error ' + (e.code || e.message)));`;
  return (await on(running, host, [process.execPath, '-e', script, url])).stdout.trim();
}

function address(running: RunningScenario, host: string): string {
  const h = running.hosts?.find((x) => x.name === host);
  if (!h) throw new Error(`no lab host ${host}`);
  return h.address;
}

async function namespaces(): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  return String(r.stdout)
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Starts a scenario; on close, checks every namespace it made is gone. */
async function up(id: string): Promise<RunningScenario> {
  const running = await findScenario(id).start();
  const mine = (running.hosts ?? []).map((h) => h.ns);
  onTestFinished(async () => {
    await running.close();
    const left = (await namespaces()).filter((n) => mine.includes(n));
    expect(left, 'namespaces left after close').toEqual([]);
  });
  expect(mine.length).toBeGreaterThan(1);
  expect(await namespaces()).toEqual(expect.arrayContaining(mine));
  return running;
}

async function health(running: RunningScenario, pool: string) {
  const tree = await labMemberHealth(running);
  return tree[pool] ?? {};
}

function inventoryMembers(running: RunningScenario) {
  return running.inventory.loadbalancers[0]!.pools.flatMap((p) => p.members);
}

/** One datagram from the operator: "reply", "refused" (ICMP port unreachable) or "silence". */
function udpOnce(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: string) => {
      clearTimeout(t);
      s.close();
      resolve(v);
    };
    const t = setTimeout(() => done('silence'), 1500);
    s.on('message', (m) => done(`reply ${m.toString()}`));
    s.on('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ECONNREFUSED' ? 'refused' : `error ${e.code}`),
    );
    s.connect(port, host, () => s.send('hello'));
  });
}

describe.skipIf(why !== undefined)('host scenarios on lab hosts', { timeout: 90_000 }, () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (the reference LB runs from it)');
  });

  it('firewall-drops-lb: be1 drops the lb host only; the operator and be1 itself get in', async () => {
    const running = await up('firewall-drops-lb');
    const lb = address(running, LB_HOST);
    const be1 = address(running, 'be1');
    const gw = running.inventory.loadbalancers[0]!.loadbalancer;
    expect(gw).toMatchObject({ type: 'dedicated', vip_address: lb });
    expect(gw.vip_subnet_cidr).toMatch(/^10\.\d+\.\d+\.0\/24$/);
    const rules = await on(running, 'be1', ['iptables', '-S', 'INPUT']);
    expect(rules.stdout).toContain(`-A INPUT -s ${lb}/32 -p tcp -m tcp --dport 80 -j DROP`);
    expect(await health(running, 'web-pool')).toMatchObject({
      be1: { healthy: false },
      be2: { healthy: true },
    });
    // The operator (the bridge address) and be1 itself are not dropped; the lb host is.
    expect((await get(`http://${be1}/`)).body).toBe('be1\n');
    expect(await getFrom(running, 'be1', `http://${be1}/health`)).toBe('200 ok');
    expect(await getFrom(running, LB_HOST, `http://${be1}/health`)).toBe('error ETIMEDOUT');
    // Traffic through the load balancer only reaches be2.
    const web = running.listeners.find((l) => l.name === 'web')!;
    expect(web.address).toBe(lb);
    for (let i = 0; i < 3; i++) expect((await get(`${web.url}/`)).headers['x-backend']).toBe('be2');
    // The console's view, and SSH to every member with its host key.
    expect(inventoryMembers(running).map((m) => [m.name, m.operating_status])).toEqual([
      ['be1', 'OFFLINE'],
      ['be2', 'ONLINE'],
    ]);
    expect(running.inventory.hosts.be1).toMatchObject({ ssh: `ssh://root@${be1}` });
    expect(running.runArgs?.[0]).toBe('--known-hosts');
    const knownHosts = readFileSync(running.runArgs![1]!, 'utf8');
    expect(knownHosts).toContain(`${be1} ssh-ed25519 `);
    expect(running.inventoryYaml).toContain(`--known-hosts ${running.runArgs![1]}`);
  });

  it('hosts-deny-lb: tcpd refuses the lb host by /etc/hosts.deny; the operator gets an answer', async () => {
    const running = await up('hosts-deny-lb');
    const lb = address(running, LB_HOST);
    const be1 = address(running, 'be1');
    const deny = await on(running, 'be1', ['cat', '/etc/hosts.deny']);
    expect(deny.stdout.split('\n')).toContain(`ALL: ${lb}`);
    // The root namespace's own file is untouched.
    expect(readFileSync('/etc/hosts.deny', 'utf8')).not.toContain(lb);
    expect(await health(running, 'web-pool')).toMatchObject({
      be1: { healthy: false },
      be2: { healthy: true },
    });
    const fromOperator = await get(`http://${be1}/`);
    expect(fromOperator.body).toBe('be1\n');
    expect(fromOperator.headers['x-backend']).toBe('be1');
    expect(await getFrom(running, 'be1', `http://${be1}/health`)).toBe('200 ok');
    // Accepted by the kernel, then held and closed by tcpd without a byte.
    expect(await getFrom(running, LB_HOST, `http://${be1}/health`)).toMatch(/^error (ETIMEDOUT|ECONNRESET)/);
    expect(inventoryMembers(running).find((m) => m.name === 'be1')?.operating_status).toBe('OFFLINE');
  });

  it('route-not-via-gateway: be1 routes the lb range via a wrong next hop; the gateway (operator) stays on-link', async () => {
    const running = await up('route-not-via-gateway');
    const lb = address(running, LB_HOST);
    const be1 = address(running, 'be1');
    const subnet = running.inventory.loadbalancers[0]!.loadbalancer.vip_subnet_cidr!;
    const hop = wrongNextHop(subnet);
    const routes = (await on(running, 'be1', ['ip', '-4', 'route', 'show'])).stdout;
    const gateway = subnet.replace(/\.0\/24$/, '.1');
    expect(routes).toContain(`default via ${gateway} dev eth0`);
    expect(routes).toContain(`${subnet} via ${hop} dev eth0 onlink`);
    expect(routes).toContain(`${gateway} dev eth0 scope link`);
    expect(routes).not.toContain('proto kernel');
    // The kernel really sends replies for the lb host to the wrong hop, and the operator's on-link.
    expect((await on(running, 'be1', ['ip', 'route', 'get', lb])).stdout).toContain(`via ${hop} dev eth0`);
    expect((await on(running, 'be1', ['ip', 'route', 'get', gateway])).stdout).not.toContain('via');
    expect(await health(running, 'web-pool')).toMatchObject({
      be1: { healthy: false },
      be2: { healthy: true },
    });
    expect((await get(`http://${be1}/health`)).status).toBe(200);
    expect(await getFrom(running, 'be1', `http://${be1}/health`)).toBe('200 ok');
    expect(await getFrom(running, LB_HOST, `http://${be1}/health`)).toBe('error ETIMEDOUT');
  });

  it('nginx-port-not-listening: be1 refuses port 80, its nginx answers on 8080', async () => {
    const running = await up('nginx-port-not-listening');
    const be1 = address(running, 'be1');
    await expect(get(`http://${be1}:80/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await get(`http://${be1}:8080/`)).body).toBe('be1\n');
    const pool = await health(running, 'web-pool');
    expect(pool.be1?.healthy).toBe(false);
    expect(pool.be1?.reason).toMatch(/refused/i);
    expect(pool.be2?.healthy).toBe(true);
    expect(running.listeners[0]).toMatchObject({ protocol: 'TCP', port: 80 });
  });

  it('healthy-hosts: both members healthy, both answer through the load balancer', async () => {
    const running = await up('healthy-hosts');
    expect(await health(running, 'web-pool')).toMatchObject({
      be1: { healthy: true },
      be2: { healthy: true },
    });
    const web = running.listeners.find((l) => l.name === 'web')!;
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(String((await get(`${web.url}/`)).headers['x-backend']));
    expect([...seen].sort()).toEqual(['be1', 'be2']);
    expect(inventoryMembers(running).map((m) => m.operating_status)).toEqual(['ONLINE', 'ONLINE']);
  });

  it('udp-echo-ignored: be1 echoes UDP but ignores ping; the UDP check fails at its echo step', async () => {
    const running = await up('udp-echo-ignored');
    const be1 = address(running, 'be1');
    expect((await on(running, 'be1', ['sysctl', '-n', 'net.ipv4.icmp_echo_ignore_all'])).stdout.trim()).toBe(
      '1',
    );
    expect(await udpOnce(be1, 53)).toBe('reply hello');
    const ping = await execa('ping', ['-n', '-c', '1', '-W', '1', be1], { reject: false });
    expect(ping.exitCode).toBe(1);
    const pool = await health(running, 'udp-pool');
    expect(pool.be1?.healthy).toBe(false);
    expect(pool.be1?.reason).toMatch(/ICMP echo/);
    expect(inventoryMembers(running)[0]?.operating_status).toBe('OFFLINE');
  });

  it('udp-ratelimited: nothing listens on be1:53, yet the LB calls it healthy; port unreachables are rate limited', async () => {
    const running = await up('udp-ratelimited');
    const be1 = address(running, 'be1');
    expect((await on(running, 'be1', ['sysctl', '-n', 'net.ipv4.icmp_ratemask'])).stdout.trim()).toBe('6168');
    const listening = await on(running, 'be1', ['ss', '-Huln', 'sport', '= :53']);
    expect(listening.stdout.trim()).toBe('');
    expect((await health(running, 'udp-pool')).be1?.healthy).toBe(true);
    expect(inventoryMembers(running)[0]?.operating_status).toBe('ONLINE');
    // A burst from the operator: far fewer port unreachables than datagrams.
    const obs = await udpProbe.run(
      udpProbe.params.parse({ host: be1, port: 53, burst: 60, intervalMs: 5, waitMs: 300 }),
      { signal: AbortSignal.timeout(10_000), timeoutMs: 5000, dialer: localDialer },
    );
    expect(obs.data.state).toBe('closed');
    expect(obs.data.rateLimited).toBe(true);
  });
});

describe.skipIf(why !== undefined)('defineHostScenario', { timeout: 90_000 }, () => {
  const meta = {
    faq: '2.1',
    playbook: 'unhealthy-backend',
    conclusion: 'host-overloaded',
    symptom: { listener: 'web', path: '/', expect: 'slow answers' },
    members: ['be1'],
    tools: ['nginx'],
  } as const;
  const webPool = (member: MemberInput): HostScenarioBuild['inventory'] => ({
    listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool_id: 'p' }],
    pools: [
      {
        id: 'p',
        protocol: 'HTTP',
        healthmonitor: { type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, url_path: '/health' },
        members: [member],
      },
    ],
  });
  /** `reference serve` processes a host scenario started (their config is in a lab dir). */
  /** Reference LB processes of one lab (other tests run labs of their own at the same time). */
  const referencePids = async (labId = '[0-9a-f]+') =>
    String(
      (
        await execa(
          'pgrep',
          ['-f', `reference serve --config /tmp/lbd-lab-${labId}-.*/reference-inventory`],
          {
            reject: false,
          },
        )
      ).stdout,
    )
      .split('\n')
      .filter(Boolean);
  /** A logger that keeps the id of the lab a scenario builds ("lab hosts ID on …"). */
  const labIdLogger = () => {
    const seen: string[] = [];
    const info = (m: string) => {
      const id = /^lab hosts ([0-9a-f]{6}) on /.exec(m)?.[1];
      if (id) seen.push(id);
    };
    return { seen, logger: { info, warn: info } };
  };
  /** That lab's namespaces still there. */
  const left = async (ids: string[]) =>
    (await namespaces()).filter((n) => ids.some((id) => n.startsWith(`lbd-${id}-`)));

  it('runs what the build starts on the member (a CPU hog); prepare() starts no load balancer', async () => {
    const scenario = defineHostScenario({
      ...meta,
      id: 'test-cpu-hog',
      title: 'be1 is busy',
      async build(ctx) {
        await ctx.nginx('be1');
        await ctx.cpuHog('be1', 1);
        await ctx.writeEtc('be1', 'hosts.allow', `ALL: ${ctx.operator.address}\n`);
        return { inventory: webPool(ctx.member('be1', 80)) };
      },
    });
    const prepared = await scenario.prepare();
    const entry = prepared.inventory.loadbalancers[0]!;
    const be1 = entry.pools[0]!.members[0]!.address;
    const ns = `lbd-${/Lab hosts ([0-9a-f]{6})/.exec(prepared.inventoryYaml)![1]}-be1`;
    try {
      const pids = String((await execa('ip', ['netns', 'pids', ns])).stdout)
        .split(/\s+/)
        .filter(Boolean);
      const cmdlines = pids.map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
        } catch {
          return '';
        }
      });
      expect(cmdlines.some((c) => c.includes('for (;;) {}'))).toBe(true);
      expect(cmdlines.some((c) => c.includes('sshd'))).toBe(true);
      expect(readFileSync(`/etc/netns/${ns}/hosts.allow`, 'utf8')).toContain('ALL: ');
      expect((await get(`http://${be1}/`)).body).toBe('be1\n');
      // No reference LB: nothing answers on the VIP.
      await expect(get(`http://${entry.loadbalancer.vip_address}/`, 2000)).rejects.toBeDefined();
    } finally {
      await prepared.close();
    }
    expect(await namespaces()).not.toContain(ns);
    expect(existsSync(`/etc/netns/${ns}`)).toBe(false);
  });

  it('tears everything down when a fault cannot be injected, naming the command', async () => {
    const { seen, logger } = labIdLogger();
    const scenario = defineHostScenario({
      ...meta,
      id: 'test-broken-build',
      title: 'a build that fails',
      async build(ctx) {
        await ctx.nginx('be1');
        await ctx.sysctl('be1', { 'net.ipv4.no_such_key': 1 });
        throw new Error('not reached');
      },
    });
    await expect(scenario.start({ logger })).rejects.toThrow(
      /sysctl -q -w net\.ipv4\.no_such_key=1` on be1 exited/,
    );
    expect(seen).toHaveLength(1);
    expect(await left(seen)).toEqual([]);
  });

  it('tears everything down (the reference LB too) when health does not settle as the fault says', async () => {
    const { seen, logger } = labIdLogger();
    const scenario = defineHostScenario({
      ...meta,
      id: 'test-never-settles',
      title: 'a healthy member the scenario wants unhealthy',
      async build(ctx) {
        await ctx.nginx('be1');
        return { inventory: webPool(ctx.member('be1', 80)), settle: { p: { be1: 'unhealthy' } } };
      },
    });
    const failed = await scenario.start({ readyTimeoutMs: 4000, logger }).then(
      () => undefined,
      (e: Error & { hint?: string }) => e,
    );
    expect(failed?.message).toContain('health checks did not settle within 4000 ms');
    expect(failed?.hint).toContain('p/be1 should be unhealthy');
    expect(seen).toHaveLength(1);
    expect(await left(seen)).toEqual([]);
    expect(await referencePids(seen[0])).toEqual([]);
  });
});

describe.skipIf(why !== undefined)(
  'lbdoctor lab up/status/down with a host scenario',
  { timeout: 120_000 },
  () => {
    let labDir = '';
    const labIds = new Set<string>();

    beforeAll(() => {
      labDir = mkdtempSync(join(tmpdir(), 'lbdoctor-host-lab-cli-'));
    });

    afterAll(async () => {
      // Whatever happened: no background process and no lab of ours outlives the test.
      for (const f of existsSync(labDir) ? ['firewall-drops-lb.json'] : []) {
        const file = join(labDir, f);
        if (!existsSync(file)) continue;
        const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      for (const id of labIds) await removeLabById(id);
      rmSync(labDir, { recursive: true, force: true });
    });

    const cli = (...args: string[]) =>
      lbdoctor(args, { env: { LBDOCTOR_LAB_DIR: labDir }, timeoutMs: 90_000 });

    it('comes up detached with the diagnose line, shows in status, and lab down removes the namespaces', async () => {
      const upResult = await cli('lab', 'up', '--scenario', 'firewall-drops-lb');
      expect(upResult.stderr).toBe('');
      expect(upResult.code).toBe(0);
      const nsNames = [...upResult.stdout.matchAll(/ip netns exec (lbd-([0-9a-f]{6})-\w+) sh/g)];
      for (const m of nsNames) labIds.add(m[2]!);
      expect(nsNames.map((m) => m[1]!.split('-')[2])).toEqual(['lb', 'be1', 'be2']);
      // The command is wrapped to 80 columns with trailing backslashes, as a shell reads it.
      const diagnose = /diagnose \(expected conclusion: host-firewall-drops-lb\):\n\s+\$ ((?:.* \\\n)*.*)/
        .exec(upResult.stdout)?.[1]
        ?.replace(/ \\\n\s*/g, ' ');
      expect(diagnose).toMatch(/^lbdoctor run unhealthy-backend --inventory \S+ --known-hosts \S+$/);
      const inventory = /inventory:\s+(\S+)/.exec(upResult.stdout)![1]!;
      const file = parse(readFileSync(inventory, 'utf8'));
      expect(file.pools[0].members.map((m: { operating_status: string }) => m.operating_status)).toEqual([
        'OFFLINE',
        'ONLINE',
      ]);
      const url = /listener web \(HTTP\):\s+(http:\/\/\S+)/.exec(upResult.stdout)![1]!;
      expect((await get(`${url}/`)).headers['x-backend']).toBe('be2');
      expect(await namespaces()).toEqual(expect.arrayContaining(nsNames.map((m) => m[1]!)));

      const status = await cli('lab', 'status');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/firewall-drops-lb: up \(pid \d+\)/);
      expect(status.stdout).toContain('lbdoctor run needs: --known-hosts ');
      expect(status.stdout).toMatch(/host be1: 10\.\d+\.\d+\.\d+ \(lbd-[0-9a-f]{6}-be1\)/);

      const down = await cli('lab', 'down', '--scenario', 'firewall-drops-lb');
      expect(down.stdout.trim()).toBe('scenario firewall-drops-lb stopped');
      const left = (await namespaces()).filter((n) => nsNames.some((m) => m[1] === n));
      expect(left).toEqual([]);
      expect((await cli('lab', 'status')).stdout).toContain('no lab scenario is up');
    });

    it('says why, with exit code 2, when it cannot build lab hosts (not root)', async () => {
      const r = await execa(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(root, 'bin', 'lbdoctor.js'),
          'lab',
          'up',
          '--scenario',
          'firewall-drops-lb',
        ],
        { reject: false, env: { LBDOCTOR_LAB_DIR: join(labDir, 'nobody'), CI: 'true', NO_COLOR: '1' } },
      );
      expect(r.exitCode).toBe(2);
      expect(String(r.stderr)).toContain('scenario firewall-drops-lb runs on lab hosts');
      expect(String(r.stderr)).toContain('need root');
    });
  },
);
