// Host scenarios: the same Scenario contract as defineScenario, but the faults
// live on real hosts. Topology: createLab({hosts: ['lb', ...members]}) on a
// private bridge. The reference load balancer runs as a child process inside
// the `lb` namespace (`node bin/lbdoctor.js reference serve`), so its health
// checks and the traffic it proxies come from the lb host's address; the
// operator (this process, the root namespace) reaches the lab from the bridge
// address (the gateway, .1). Members run real nginx, a real sshd (the
// playbooks read them over SSH, host keys checked), and whatever a scenario's
// build starts or breaks with real tools (iptables, sysctl, ip route,
// /etc/netns/NAME/hosts.deny, tcpd).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { ExitCode, LbdError } from '../../errors.js';
import type { Inventory } from '../../model/inventory.js';
import { parseInventory } from '../../model/load-inventory.js';
import type { ReferenceLogger } from '../../reference/types.js';
import {
  type HostProcess,
  spawnInHost,
  startCpuHog,
  startSlowAcceptor,
  startUdpEcho,
  startWrappedHttp,
  tcpdMissing,
  type WrappedHttpOptions,
} from '../host-processes.js';
import {
  createLab,
  type ExecOptions,
  type ExecResult,
  type Lab,
  type LabHost,
  type LabSupport,
  labSupport,
  maskedNetnsArgv,
  sweepStaleLabs,
} from '../netns.js';
import { APACHE, apacheMissing, startApacheProcess, writeDebianApacheTree } from '../apache.js';
import { NGINX, nginxMissing, startNginxProcess } from '../nginx.js';
import { type LabSshd, startLabSshd } from '../sshd.js';
import type { InventoryFileInput, MemberInput } from './define.js';
import type {
  LabHostInfo,
  LabListener,
  PreparedScenario,
  RunningScenario,
  Scenario,
  ScenarioStartOptions,
} from './types.js';

type SingleInventoryInput = Extract<InventoryFileInput, { loadbalancer: unknown }>;
export type HealthWanted = 'healthy' | 'unhealthy';

/** The lab host the reference load balancer runs on. */
export const LB_HOST = 'lb';
/** The reference LB's admin port on the lb host's address. */
export const LAB_ADMIN_PORT = 8404;

export interface LabBackend {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** nginx: its configuration file (what a real-IP or keep-alive read on the host should be pointed at). */
  readonly config?: string;
}

/** See HostBuildContext.apache. */
export interface LabApacheOptions {
  /** Port Apache listens on (ports.conf). Default 80. */
  port?: number;
  modules?: readonly string[];
  conf?: Readonly<Record<string, string>>;
}

export interface LabNginxOptions {
  /** Port nginx listens on (all addresses). Default 80. */
  port?: number;
  /**
   * The server block's body after `listen`. Default: `location = /health
   * { return 200 "ok\n"; }` and `location / { return 200 "<host>\n"; }`,
   * with an `X-Backend: <host>` header on every answer.
   */
  locations?: string;
  /** nginx's worker_connections (default 256). */
  workerConnections?: number;
}

/** What a host scenario's build gets: the lab, and real tools on its hosts. */
export interface HostBuildContext {
  readonly lab: Lab;
  /** The load balancer's host: its address is the VIP and the source of health checks and proxied traffic. */
  readonly lb: LabHost;
  /** The operator's machine (the root namespace): reaches the lab from the bridge address, the gateway. */
  readonly operator: { readonly address: string };
  /** A lab host by name (a member, or `lb`). */
  host(name: string): LabHost;
  /** Runs argv on the host (in its namespace); throws with its stderr unless it exits 0. */
  exec(host: string, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** `sysctl -w key=value` on the host (per-namespace keys: net.ipv4.icmp_*, net.core.somaxconn, …). */
  sysctl(host: string, values: Readonly<Record<string, string | number>>): Promise<void>;
  /**
   * Writes /etc/netns/<ns>/<file>, which every process on that host sees as
   * /etc/<file>. hosts.allow, hosts.deny and nsswitch.conf exist before any
   * process starts and are rewritten in place, so running daemons (sshd, tcpd)
   * see the change; any other file is seen by processes started after it.
   */
  writeEtc(host: string, file: string, text: string): Promise<string>;
  /** A real nginx on the host (private prefix in the lab dir), once it accepts from the operator. */
  nginx(host: string, options?: LabNginxOptions): Promise<LabBackend>;
  /** A UDP echo server on 0.0.0.0:port of the host. */
  udpEcho(host: string, port: number): Promise<LabBackend>;
  /**
   * A real Apache on the host, configured the Debian way: a copy of the stock
   * /etc/apache2 in the lab dir with `modules` enabled (a2enmod) and `conf`
   * files in conf-enabled/ (a2enconf). `config` is its apache2.conf.
   */
  apache(host: string, options: LabApacheOptions): Promise<LabBackend & { accessLog: string }>;
  /** An HTTP backend behind tcp-wrappers (the real tcpd reads the host's hosts.allow/hosts.deny). */
  wrappedHttp(host: string, options: WrappedHttpOptions): Promise<LabBackend>;
  /** `workers` busy loops on the host. */
  cpuHog(host: string, workers: number): Promise<void>;
  /** An HTTP server that spends `acceptMs` on each new connection: a slow acceptor (FAQ 1.10 step 4). */
  slowAcceptor(host: string, port: number, acceptMs: number): Promise<LabBackend>;
  /** A pool member at the host's lab address (name = host name). */
  member(host: string, port: number, extra?: Partial<MemberInput>): MemberInput;
  /**
   * Starts a long-running process on the host (a client holding connections, say), stopped with the lab;
   * resolves once its stdout prints a line matching `ready`.
   */
  spawn(host: string, argv: readonly string[], ready: RegExp): Promise<HostProcess>;
}

export interface HostScenarioBuild {
  /**
   * Listeners and pools (single load balancer form). `loadbalancer` defaults
   * to a dedicated one whose VIP is the lb host in the lab subnet; `hosts`
   * (SSH to every member) and `reference` (listeners and admin on the lb
   * host's address) are filled in; `reference` fields given here win.
   */
  inventory: Omit<SingleInventoryInput, 'loadbalancer' | 'hosts'> & {
    loadbalancer?: Partial<SingleInventoryInput['loadbalancer']>;
  };
  /**
   * The reference LB's verdicts that mean the fault is in place: per pool,
   * every member, or per member name (members not named are not waited for).
   */
  settle?: Readonly<Record<string, HealthWanted | Readonly<Record<string, HealthWanted>>>>;
  /**
   * Write the settled verdicts into the inventory as each member's
   * `operating_status` (ONLINE/OFFLINE), as the console would show them.
   */
  recordMemberStatus?: boolean;
  /** Traffic to run once the fault is in place. */
  warmUp?: (listeners: readonly LabListener[]) => Promise<void>;
}

export type HostScenarioDefinition = Omit<Scenario, 'start' | 'prepare' | 'support'> & {
  /** Member host names (each gets an sshd); `lb` is added. */
  members: readonly string[];
  /** Tools the build uses beyond the lab's own (ip, nft, unshare, sshd): e.g. nginx, iptables, tcpd, ping. */
  tools?: readonly string[];
  build(ctx: HostBuildContext): Promise<HostScenarioBuild>;
};

/** Files every lab host gets its own copy of before anything starts (see writeEtc). */
const ETC_PRESET: Readonly<Record<string, (host: LabHost) => string>> = {
  'hosts.allow': (h) => `# /etc/hosts.allow of lab host ${h.name} (lbdoctor)\n`,
  'hosts.deny': (h) => `# /etc/hosts.deny of lab host ${h.name} (lbdoctor)\n`,
  // Names resolve from /etc/hosts only: no DNS query leaves the lab (tcpd looks clients up).
  'nsswitch.conf': () => 'passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\n',
};

const BASE_TOOLS = ['ip', 'nft', 'unshare', '/usr/sbin/sshd', 'ssh-keygen'];

/** This package's CLI, from src/ (tests) or dist/ (installed): both three levels below the root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'lbdoctor.js');
const BUILT = join(ROOT, 'dist', 'cli', 'main.js');

function findTool(name: string): string | undefined {
  if (name === 'nginx') return NGINX;
  if (name === 'apache2') return APACHE;
  if (name.includes('/')) return existsSync(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

let baseSupport: Promise<LabSupport> | undefined;

/** Whether host scenarios needing `tools` can run here (root, `ip netns`, nftables, sshd, the tools). */
export async function hostScenarioSupport(tools: readonly string[] = []): Promise<LabSupport> {
  baseSupport ??= labSupport();
  const base = await baseSupport;
  if (!base.ok) return base;
  const missing = [...BASE_TOOLS, ...tools].filter((t) => !findTool(t));
  if (missing.length === 0) return { ok: true };
  const why = missing.map((t) =>
    t === 'nginx'
      ? nginxMissing
      : t === 'apache2'
        ? apacheMissing
        : t === 'tcpd'
          ? tcpdMissing
          : `${t} is not installed`,
  );
  return { ok: false, reason: why.join('; ') };
}

export function defineHostScenario(def: HostScenarioDefinition): Scenario {
  const { build: _build, members: _members, tools: _tools, ...meta } = def;
  return {
    ...meta,
    support: () => hostScenarioSupport(def.tools),
    prepare: async () => {
      const up = await bringUp(def);
      return up.prepared;
    },
    start: async (options) => {
      const up = await bringUp(def, options?.logger);
      try {
        return await runReference(def, up, options ?? {});
      } catch (err) {
        await up.prepared.close();
        throw wrap(def, err);
      }
    },
  };
}

function wrap(def: HostScenarioDefinition, err: unknown): Error {
  if (err instanceof LbdError) return err;
  return new LbdError('LBD_ERR_INTERNAL', `lab scenario ${def.id} did not start: ${(err as Error).message}`, {
    cause: err,
  });
}

interface UpScenario {
  lab: Lab;
  prepared: PreparedScenario;
  built: HostScenarioBuild;
  file: SingleInventoryInput;
  runArgs: string[];
  hosts: LabHostInfo[];
  /** The reference LB's child, once started (closed with the lab). */
  reference?: ChildProcess;
}

/** Lab, sshd on members, the scenario's backends and faults, the inventory: everything but the LB. */
async function bringUp(def: HostScenarioDefinition, logger?: ReferenceLogger): Promise<UpScenario> {
  const support = await hostScenarioSupport(def.tools);
  if (!support.ok) {
    throw new LbdError(
      'LBD_ERR_PERMISSION',
      `lab scenario ${def.id} runs on lab hosts, which cannot be built here: ${support.reason}`,
      {
        hint: `Run it as root on Linux with the packages .ci/run installs (sudo lbdoctor lab up --scenario ${def.id}).`,
        exitCode: ExitCode.badInput,
      },
    );
  }
  if (!existsSync(BUILT)) {
    throw new LbdError('LBD_ERR_INTERNAL', `lab scenario ${def.id}: ${BUILT} is missing`, {
      hint: 'The reference load balancer runs from the built CLI: run `npm run build` first.',
    });
  }
  // Labs whose owner died (a killed test or `lab up`) would hold their bridge and namespaces forever.
  await sweepStaleLabs().catch(() => []);
  const lab = await createLab({ hosts: [LB_HOST, ...def.members] });
  logger?.info(
    `lab hosts ${lab.id} on ${lab.subnet}: ${Object.values(lab.hosts)
      .map((h) => `${h.name} ${h.address} (${h.ns})`)
      .join(', ')}`,
  );
  const processes: HostProcess[] = [];
  const webServers: Array<{ stop(): Promise<void> }> = [];
  let closing: Promise<void> | undefined;
  const up = {} as UpScenario;
  const close = () => {
    closing ??= (async () => {
      // Gracefully first (the reference LB drains), in parallel: `lab down` waits 10 s at most.
      await Promise.allSettled([
        stopReference(up.reference),
        ...processes.map((p) => p.stop()),
        ...webServers.map((n) => n.stop()),
      ]);
      await lab.teardown();
      logger?.info(`lab hosts ${lab.id} removed`);
    })();
    return closing;
  };
  try {
    const host = (name: string): LabHost => {
      const h = lab.hosts[name];
      if (!h) throw new LbdError('LBD_ERR_INTERNAL', `lab scenario ${def.id}: no host "${name}"`);
      return h;
    };
    for (const h of Object.values(lab.hosts)) await presetEtc(h);
    const sshds: LabSshd[] = await Promise.all(def.members.map((m) => startLabSshd(lab, host(m))));
    const knownHosts = join(lab.dir, 'known_hosts');
    await writeFile(knownHosts, `${sshds.map((s) => s.knownHostsLine).join('\n')}\n`, { mode: 0o600 });
    const runArgs = ['--known-hosts', knownHosts];
    const lb = host(LB_HOST);
    const ctx: HostBuildContext = {
      lab,
      lb,
      operator: { address: lab.gateway },
      host,
      exec: async (name, argv, opts) => {
        const r = await host(name).exec(argv, opts);
        if (r.exitCode !== 0) {
          throw new LbdError(
            'LBD_ERR_INTERNAL',
            `lab scenario ${def.id}: \`${argv.join(' ')}\` on ${name} exited ${r.exitCode}: ${r.stderr.trim()}`,
          );
        }
        return r;
      },
      sysctl: async (name, values) => {
        const args = Object.entries(values).map(([k, v]) => `${k}=${v}`);
        await ctx.exec(name, ['sysctl', '-q', '-w', ...args]);
      },
      writeEtc: (name, file, text) => writeEtc(host(name), file, text),
      nginx: async (name, o = {}) => {
        const h = host(name);
        const port = o.port ?? 80;
        const locations =
          o.locations ??
          [
            `add_header X-Backend ${h.name} always;`,
            'location = /health { return 200 "ok\\n"; }',
            `location / { return 200 "${h.name}\\n"; }`,
          ].join('\n      ');
        const n = await startNginxProcess({
          prefix: join(lab.dir, `nginx-${h.name}-${port}`),
          servers: `server {\n      listen ${port};\n      ${locations}\n    }`,
          user: 'root',
          ...(o.workerConnections ? { workerConnections: o.workerConnections } : {}),
          wrap: (argv) => maskedNetnsArgv(h.ns, argv),
          waitFor: [{ host: h.address, port }],
        });
        webServers.push(n);
        return { host: h.name, address: h.address, port, config: join(n.prefix, 'nginx.conf') };
      },
      apache: async (name, o) => {
        const h = host(name);
        const port = o.port ?? 80;
        const tree = await writeDebianApacheTree({
          root: join(lab.dir, `apache-${h.name}-${port}`),
          port,
          ...(o.modules ? { modules: o.modules } : {}),
          ...(o.conf ? { conf: o.conf } : {}),
        });
        const a = await startApacheProcess({
          tree,
          wrap: (argv) => maskedNetnsArgv(h.ns, argv),
          waitFor: [{ host: h.address, port }],
        });
        webServers.push(a);
        return { host: h.name, address: h.address, port, config: tree.config, accessLog: tree.accessLog };
      },
      udpEcho: async (name, port) => {
        const h = host(name);
        processes.push(await startUdpEcho(h, port));
        return { host: h.name, address: h.address, port };
      },
      wrappedHttp: async (name, o) => {
        const h = host(name);
        processes.push(await startWrappedHttp(lab, h, o));
        return { host: h.name, address: h.address, port: o.port };
      },
      cpuHog: async (name, workers) => {
        processes.push(...(await startCpuHog(host(name), workers)));
      },
      slowAcceptor: async (name, port, acceptMs) => {
        const h = host(name);
        processes.push(await startSlowAcceptor(h, port, acceptMs));
        return { host: h.name, address: h.address, port };
      },
      spawn: async (name, argv, ready) => {
        const p = await spawnInHost(host(name), argv, { ready });
        processes.push(p);
        return p;
      },
      member: (name, port, extra = {}) => ({
        name,
        address: host(name).address,
        protocol_port: port,
        ...extra,
      }),
    };
    const built = await def.build(ctx);
    const { loadbalancer, reference: ref, ...rest } = built.inventory;
    const file: SingleInventoryInput = {
      loadbalancer: {
        name: `lab-${def.id}`,
        type: 'dedicated',
        vip_address: lb.address,
        vip_subnet_cidr: lab.subnet,
        ...loadbalancer,
      },
      ...rest,
      hosts: Object.fromEntries(
        sshds.map((s) => [s.host, { ssh: `ssh://root@${s.address}`, identity_file: s.clientKeyPath }]),
      ),
      reference: {
        bind_address: lb.address,
        admin_address: lb.address,
        admin_port: LAB_ADMIN_PORT,
        ...ref,
      },
    };
    const hosts: LabHostInfo[] = Object.values(lab.hosts).map((h) => ({
      name: h.name,
      address: h.address,
      ns: h.ns,
    }));
    const inventoryYaml = render(def, file, runArgs, lab);
    const inventory = parseInventory(inventoryYaml, `<lab scenario ${def.id}>`);
    Object.assign(up, {
      lab,
      built,
      file,
      runArgs,
      hosts,
      prepared: { id: def.id, inventory, inventoryYaml, close },
    });
    return up;
  } catch (err) {
    await close();
    throw wrap(def, err);
  }
}

function render(
  def: HostScenarioDefinition,
  file: SingleInventoryInput,
  runArgs: string[],
  lab: Lab,
): string {
  return [
    `# lbdoctor lab scenario "${def.id}": ${def.title} (FAQ ${def.faq}).`,
    `# Lab hosts ${lab.id} on ${lab.subnet}: the load balancer runs on ${lab.hosts[LB_HOST]!.address}, the operator is ${lab.gateway}.`,
    `# Diagnose: lbdoctor run ${def.playbook} --inventory THIS_FILE ${runArgs.join(' ')} (expected conclusion: ${def.conclusion})`,
    stringify(file),
  ].join('\n');
}

async function presetEtc(h: LabHost): Promise<void> {
  const dir = join('/etc/netns', h.ns);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(ETC_PRESET)) {
    // `ip netns exec` can only bind-mount over a file that exists in /etc.
    if (existsSync(join('/etc', file))) await writeFile(join(dir, file), text(h));
  }
}

async function writeEtc(h: LabHost, file: string, text: string): Promise<string> {
  if (!/^[a-zA-Z0-9._-]+$/.test(file) || file.startsWith('.')) {
    throw new LbdError('LBD_ERR_INTERNAL', `lab: /etc/netns file name "${file}" is not a plain name`);
  }
  if (!existsSync(join('/etc', file))) {
    throw new LbdError(
      'LBD_ERR_INTERNAL',
      `lab: /etc/${file} does not exist here, so /etc/netns/${h.ns}/${file} cannot stand in for it`,
    );
  }
  const path = join('/etc/netns', h.ns, file);
  await mkdir(join('/etc/netns', h.ns), { recursive: true });
  // Rewritten in place (O_TRUNC keeps the inode): bind mounts already made keep showing it.
  await writeFile(path, text);
  return path;
}

async function stopReference(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

interface StatusMember {
  name: string;
  healthy: boolean;
  reason: string;
}
interface StatusTree {
  listeners: Array<{
    name: string;
    protocol: LabListener['protocol'];
    address: string;
    port: number;
    pools: Array<{ id: string; members: StatusMember[] }>;
  }>;
}

function getJson(url: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${body.trim()}`);
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Members by pool id, from the admin status tree. */
function poolMembers(tree: StatusTree): Map<string, StatusMember[]> {
  const pools = new Map<string, StatusMember[]>();
  for (const l of tree.listeners) for (const p of l.pools) pools.set(p.id, p.members);
  return pools;
}

const NOT_YET_CHECKED = /^no health check has answered yet/;

function pendingHealth(tree: StatusTree, settle: NonNullable<HostScenarioBuild['settle']>): string[] {
  const pools = poolMembers(tree);
  const pending: string[] = [];
  for (const [poolId, want] of Object.entries(settle)) {
    const members = pools.get(poolId);
    if (!members) {
      pending.push(`${poolId}: no such pool behind a listener`);
      continue;
    }
    for (const m of members) {
      const wanted = typeof want === 'string' ? want : want[m.name];
      if (wanted === undefined) continue;
      const decided = m.healthy || !NOT_YET_CHECKED.test(m.reason);
      if (!decided || m.healthy !== (wanted === 'healthy'))
        pending.push(`${poolId}/${m.name} should be ${wanted}: ${m.reason}`);
    }
    if (typeof want !== 'string') {
      for (const name of Object.keys(want))
        if (!members.some((m) => m.name === name)) pending.push(`${poolId}: no member ${name}`);
    }
  }
  return pending;
}

function forwardLog(logger: ReferenceLogger | undefined, line: string): void {
  if (!logger || !line.trim()) return;
  // `reference serve` writes "<ISO time> <level> <message>".
  const m = /^\S+ (info|warn) (.*)$/.exec(line);
  if (m?.[1] === 'warn') logger.warn(`[lb] ${m[2]}`);
  else logger.info(`[lb] ${m?.[2] ?? line}`);
}

/** Starts `reference serve` in the lb namespace, waits for its admin port and for health to settle. */
async function runReference(
  def: HostScenarioDefinition,
  up: UpScenario,
  options: ScenarioStartOptions,
): Promise<RunningScenario> {
  const { lab, built } = up;
  const lb = lab.hosts[LB_HOST]!;
  const config = join(lab.dir, 'reference-inventory.yaml');
  await writeFile(config, up.prepared.inventoryYaml);
  const [cmd, ...args] = maskedNetnsArgv(lb.ns, [
    process.execPath,
    BIN,
    'reference',
    'serve',
    '--config',
    config,
  ]);
  const child = spawn(cmd!, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  up.reference = child;
  let tail = '';
  let partial = '';
  child.stderr?.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) forwardLog(options.logger, l);
    tail = (tail + d.toString()).slice(-4000);
  });
  const admin = `http://${lb.address}:${up.file.reference?.admin_port ?? LAB_ADMIN_PORT}`;
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let tree: StatusTree | undefined;
  let pending: string[] = ['the admin port has not answered'];
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `lab scenario ${def.id}: the reference load balancer exited (${child.exitCode ?? child.signalCode})`,
        { hint: tail.trim() || 'it printed nothing' },
      );
    }
    tree = (await getJson(`${admin}/status`, 2000).catch(() => undefined)) as StatusTree | undefined;
    if (tree) {
      pending = pendingHealth(tree, built.settle ?? {});
      if (pending.length === 0) break;
    }
    if (Date.now() > deadline) {
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `lab scenario ${def.id}: health checks did not settle within ${timeoutMs} ms`,
        { hint: `${pending.join('; ')}${tail.trim() ? `\nreference LB log:\n${tail.trim()}` : ''}` },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let inventory: Inventory = up.prepared.inventory;
  let inventoryYaml = up.prepared.inventoryYaml;
  if (built.recordMemberStatus) {
    const pools = poolMembers(tree);
    const file = structuredClone(up.file);
    for (const pool of file.pools ?? []) {
      const seen = pools.get(pool.id) ?? [];
      for (const m of pool.members ?? []) {
        const s = seen.find((x) => x.name === m.name);
        if (s) m.operating_status = s.healthy ? 'ONLINE' : 'OFFLINE';
      }
    }
    inventoryYaml = render(def, file, up.runArgs, lab);
    inventory = parseInventory(inventoryYaml, `<lab scenario ${def.id}>`);
  }
  const listeners: LabListener[] = tree.listeners.map((l) => ({
    name: l.name,
    protocol: l.protocol,
    address: l.address,
    port: l.port,
    url: `${l.protocol.toLowerCase()}://${l.address}:${l.port}`,
  }));
  await built.warmUp?.(listeners);
  return {
    id: def.id,
    inventory,
    inventoryYaml,
    listeners,
    admin: { url: admin },
    runArgs: up.runArgs,
    hosts: up.hosts,
    close: up.prepared.close,
  };
}

/** The reference LB's status tree of a running host scenario (tests, `lab status`). */
export async function labMemberHealth(
  running: Pick<RunningScenario, 'admin'>,
): Promise<Record<string, Record<string, { healthy: boolean; reason: string }>>> {
  if (!running.admin) return {};
  const tree = (await getJson(`${running.admin.url}/status`, 5000)) as StatusTree;
  const out: Record<string, Record<string, { healthy: boolean; reason: string }>> = {};
  for (const [id, members] of poolMembers(tree)) {
    out[id] = Object.fromEntries(members.map((m) => [m.name, { healthy: m.healthy, reason: m.reason }]));
  }
  return out;
}

/** Reads a file a scenario wrote under /etc/netns (tests). */
export function readEtc(h: Pick<LabHost, 'ns'>, file: string): Promise<string> {
  return readFile(join('/etc/netns', h.ns, file), 'utf8');
}
