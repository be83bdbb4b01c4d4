// Lab hosts: Linux network namespaces on a private bridge, so tests and people
// get real hosts (own addresses, routes, sysctls, firewall, sshd) without VMs.
// Nothing here reaches outside the lab: the bridge has no NAT and an nftables
// table drops any forwarding between the bridge and other interfaces.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { LbdError } from '../errors.js';
import { cidrContains, isValidCidr } from '../model/net.js';

export type LabSupport = { ok: true } | { ok: false; reason: string };

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  input?: string;
  timeoutMs?: number;
}

export interface LabHost {
  readonly name: string;
  /** Network namespace name: `lbd-<runid>-<name>`. */
  readonly ns: string;
  readonly address: string;
  /** Runs argv inside the namespace (root's ~/.bashrc and ~/.profile masked, see maskedNetnsArgv). */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

export interface Lab {
  readonly id: string;
  /** e.g. `10.93.17.0/24`. */
  readonly subnet: string;
  /** Bridge interface in the root namespace, e.g. `lbda1b2c3`. */
  readonly bridge: string;
  /** The bridge address (.1): every host's default route points here. */
  readonly gateway: string;
  readonly hosts: Record<string, LabHost>;
  /** A private directory for this lab's keys and configs; removed at teardown. */
  readonly dir: string;
  /** Removes namespaces (killing what runs in them), the bridge, the firewall table, the dir. Idempotent. */
  teardown(): Promise<void>;
}

export interface CreateLabOptions {
  hosts: readonly string[];
  /** A /24 such as `10.77.3.0/24`; chosen at random (avoiding routes in use) when absent. */
  subnet?: string;
  /**
   * Keep the lab after this process exits (`lbdoctor lab hosts up`): the sweep
   * then leaves it alone until `lab hosts down`.
   */
  persistent?: boolean;
}

/** What a sweep needs to remove a lab whose owner died. */
interface LabState {
  id: string;
  pid: number;
  persistent: boolean;
  bridge: string;
  subnet: string;
  namespaces: string[];
  dir: string;
  createdAt: string;
}

const STATE_DIR = '/run/lbdoctor/labs';
const HOST_NAME = /^[a-z][a-z0-9]{0,15}$/;
const NFT_FAMILY = 'inet';

/** Files masked in every lab process: root's ~/.bashrc here runs a slow pyenv rehash on each SSH session. */
const MASKED_FILES = ['/root/.bashrc', '/root/.profile', '/root/.bash_profile', '/root/.bash_login'];

/**
 * argv that runs `argv` inside namespace `ns` in a private mount namespace with
 * root's shell start-up files bind-mounted over by /dev/null, plus any extra
 * `binds` ([source, target]: seen only by this process tree, e.g. a lab-only
 * /etc/shadow). Everything is a positional parameter of a fixed script:
 * nothing is interpolated.
 */
export function maskedNetnsArgv(
  ns: string,
  argv: readonly string[],
  binds: ReadonlyArray<readonly [string, string]> = [],
): string[] {
  const masks = MASKED_FILES.map((f) => `[ -e ${f} ] && mount --bind /dev/null ${f};`).join(' ');
  const script = [
    masks,
    'ns="$1"; n="$2"; shift 2;',
    'while [ "$n" -gt 0 ]; do mount --bind "$1" "$2" || exit 125; shift 2; n=$((n - 1)); done;',
    'exec ip netns exec "$ns" "$@"',
  ].join(' ');
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script,
    'lbd-netns',
    ns,
    String(binds.length),
    ...binds.flat(),
    ...argv,
  ];
}

export async function labSupport(): Promise<LabSupport> {
  if (process.platform !== 'linux')
    return { ok: false, reason: `lab hosts need Linux (this is ${process.platform})` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { ok: false, reason: 'lab hosts need root (network namespaces, bridges, mounts)' };
  }
  const probe = `lbd-probe-${randomBytes(3).toString('hex')}`;
  const add = await execa('ip', ['netns', 'add', probe], { reject: false, timeout: 10_000 });
  if (add.exitCode !== 0) {
    return {
      ok: false,
      reason: `\`ip netns add\` does not work here: ${String(add.stderr || add.message).trim()}`,
    };
  }
  await execa('ip', ['netns', 'del', probe], { reject: false, timeout: 10_000 });
  const unshare = await execa('unshare', ['--mount', 'true'], { reject: false, timeout: 10_000 });
  if (unshare.exitCode !== 0) {
    return { ok: false, reason: `\`unshare --mount\` does not work here: ${String(unshare.stderr).trim()}` };
  }
  // The no-way-out rule is an nftables table: without nftables the lab would not be isolated.
  const nft = await execa('nft', ['list', 'tables'], { reject: false, timeout: 10_000 });
  if (nft.exitCode !== 0) {
    return {
      ok: false,
      reason: `nftables does not work here (needed to isolate the lab): ${String(nft.stderr || nft.message).trim()}`,
    };
  }
  return { ok: true };
}

async function ip(args: readonly string[], input?: string): Promise<void> {
  const r = await execa('ip', args, {
    reject: false,
    timeout: 30_000,
    ...(input === undefined ? {} : { input }),
  });
  if (r.exitCode !== 0) {
    throw new LbdError(
      'LBD_ERR_INTERNAL',
      `lab: \`ip ${args.join(' ')}\` failed: ${String(r.stderr).trim()}`,
      {
        hint: 'Run `lbdoctor lab hosts down` (or remove stale `lbd-*` namespaces) and retry.',
      },
    );
  }
}

/** IPv4 networks already routed or addressed here, to keep a random lab subnet clear of them. */
async function usedIpv4Networks(): Promise<string[]> {
  const r = await execa('ip', ['-4', '-j', 'route', 'show', 'table', 'all'], {
    reject: false,
    timeout: 10_000,
  });
  if (r.exitCode !== 0) return [];
  const routes = JSON.parse(String(r.stdout) || '[]') as Array<{ dst?: string }>;
  return routes
    .map((x) => x.dst ?? '')
    .filter((d) => d !== '' && d !== 'default')
    .map((d) => (d.includes('/') ? d : `${d}/32`));
}

async function pickSubnet(): Promise<string> {
  const used = await usedIpv4Networks();
  for (let attempt = 0; attempt < 100; attempt++) {
    const [a, b] = randomBytes(2);
    const second = 16 + ((a ?? 0) % 224);
    const third = 1 + ((b ?? 0) % 254);
    const base = `10.${second}.${third}`;
    const clash = used.some(
      (net) => cidrContains(net, `${base}.1`) || cidrContains(`${base}.0/24`, net.split('/')[0]!),
    );
    if (!clash) return `${base}.0/24`;
  }
  throw new LbdError('LBD_ERR_INTERNAL', 'lab: no free 10.x.y.0/24 subnet found', {
    hint: 'Pass a subnet explicitly.',
  });
}

function addressIn(subnet: string, index: number): string {
  const base = subnet.split('/')[0]!.split('.').slice(0, 3).join('.');
  return `${base}.${index}`;
}

async function runIn(ns: string, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new LbdError('LBD_ERR_INTERNAL', 'lab: exec needs a command');
  const [cmd, ...args] = maskedNetnsArgv(ns, argv);
  const r = await execa(cmd!, args, {
    reject: false,
    timeout: opts.timeoutMs ?? 30_000,
    stripFinalNewline: false,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
  });
  return {
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? '') + (r.timedOut ? `\n(timed out after ${opts.timeoutMs ?? 30_000} ms)` : ''),
    exitCode: typeof r.exitCode === 'number' ? r.exitCode : 124,
  };
}

function makeHost(name: string, ns: string, address: string): LabHost {
  return { name, ns, address, exec: (argv, opts) => runIn(ns, argv, opts) };
}

async function writeState(state: LabState): Promise<void> {
  await mkdir(STATE_DIR, { recursive: true });
  await writeFile(join(STATE_DIR, `${state.id}.json`), `${JSON.stringify(state, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Builds the bridge, one namespace per host, and the no-way-out firewall table. */
export async function createLab(options: CreateLabOptions): Promise<Lab> {
  const names = [...options.hosts];
  if (names.length === 0) throw new LbdError('LBD_ERR_INTERNAL', 'lab: at least one host is needed');
  if (names.length > 250) throw new LbdError('LBD_ERR_INTERNAL', 'lab: at most 250 hosts fit in a /24');
  for (const n of names) {
    if (!HOST_NAME.test(n)) {
      throw new LbdError('LBD_ERR_USAGE', `lab: host name "${n}" is not valid`, {
        problems: [
          { message: `invalid host name "${n}"`, expected: 'lowercase letters and digits, ≤ 16, e.g. be1' },
        ],
      });
    }
  }
  if (new Set(names).size !== names.length) throw new LbdError('LBD_ERR_USAGE', 'lab: host names repeat');

  if (options.subnet !== undefined && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.test(options.subnet)) {
    throw new LbdError(
      'LBD_ERR_USAGE',
      `lab: subnet "${options.subnet}" is not an IPv4 /24 like 10.77.3.0/24`,
    );
  }
  if (options.subnet !== undefined && !isValidCidr(options.subnet)) {
    throw new LbdError('LBD_ERR_USAGE', `lab: subnet "${options.subnet}" is not a valid CIDR`);
  }
  const id = randomBytes(3).toString('hex');
  const subnet = options.subnet ?? (await pickSubnet());
  const bridge = `lbd${id}`;
  const gateway = addressIn(subnet, 1);
  const dir = await mkdtemp(join(tmpdir(), `lbd-lab-${id}-`));
  const hosts: Record<string, LabHost> = {};
  names.forEach((n, i) => {
    hosts[n] = makeHost(n, `lbd-${id}-${n}`, addressIn(subnet, i + 2));
  });
  const state: LabState = {
    id,
    pid: process.pid,
    persistent: options.persistent ?? false,
    bridge,
    subnet,
    namespaces: Object.values(hosts).map((h) => h.ns),
    dir,
    createdAt: new Date().toISOString(),
  };
  // State first: if we die half-way, the sweep still knows what to remove.
  await writeState(state);

  let torn: Promise<void> | undefined;
  const lab: Lab = {
    id,
    subnet,
    bridge,
    gateway,
    hosts,
    dir,
    teardown: () => {
      torn ??= removeLab(state);
      return torn;
    },
  };

  try {
    const batch: string[] = [
      `link add ${bridge} type bridge`,
      `addr add ${gateway}/24 dev ${bridge}`,
      `link set ${bridge} up`,
    ];
    names.forEach((n, i) => {
      const h = hosts[n]!;
      const veth = `${bridge}v${i}`;
      batch.push(
        `netns add ${h.ns}`,
        `link add ${veth} type veth peer name eth0 netns ${h.ns}`,
        `link set ${veth} master ${bridge} up`,
        `-n ${h.ns} link set lo up`,
        `-n ${h.ns} addr add ${h.address}/24 dev eth0`,
        `-n ${h.ns} link set eth0 up`,
        `-n ${h.ns} route add default via ${gateway}`,
      );
    });
    // `ip -batch` has no `-n` per line; run the namespace lines through `ip -n`.
    const rootLines = batch.filter((l) => !l.startsWith('-n '));
    await ip(['-batch', '-'], `${rootLines.join('\n')}\n`);
    const perNs = new Map<string, string[]>();
    for (const l of batch.filter((x) => x.startsWith('-n '))) {
      const [, ns, ...rest] = l.split(' ');
      perNs.set(ns!, [...(perNs.get(ns!) ?? []), rest.join(' ')]);
    }
    await Promise.all(
      [...perNs].map(([ns, lines]) => ip(['-n', ns, '-batch', '-'], `${lines.join('\n')}\n`)),
    );
    await isolate(id, bridge);
  } catch (err) {
    await lab.teardown();
    throw err;
  }
  return lab;
}

/**
 * The lab must have no way out: drop anything forwarded between the bridge and
 * any other interface (the host may have ip_forward on for containers).
 */
async function isolate(id: string, bridge: string): Promise<void> {
  const table = `lbd_${id}`;
  const script = [
    `table ${NFT_FAMILY} ${table} {`,
    '  chain forward {',
    '    type filter hook forward priority -10; policy accept;',
    `    iifname "${bridge}" oifname != "${bridge}" drop`,
    `    oifname "${bridge}" iifname != "${bridge}" drop`,
    '  }',
    '}',
  ].join('\n');
  const r = await execa('nft', ['-f', '-'], { input: script, reject: false, timeout: 10_000 });
  if (r.exitCode !== 0) {
    throw new LbdError(
      'LBD_ERR_INTERNAL',
      `lab: could not install the isolation table: ${String(r.stderr).trim()}`,
      {
        hint: 'The lab needs nftables (`nft`).',
      },
    );
  }
}

async function pidsIn(ns: string): Promise<number[]> {
  const r = await execa('ip', ['netns', 'pids', ns], { reject: false, timeout: 10_000 });
  if (r.exitCode !== 0) return [];
  return String(r.stdout)
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 1);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function killAll(pids: readonly number[]): Promise<void> {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {}
  }
  const deadline = Date.now() + 2000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const p of pids.filter(alive)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {}
  }
}

async function removeLab(state: LabState): Promise<void> {
  // A namespace lives on while a process holds it: kill what runs inside first.
  const pids = (await Promise.all(state.namespaces.map(pidsIn))).flat();
  await killAll(pids);
  await Promise.all(
    state.namespaces.map(async (ns) => {
      await execa('ip', ['netns', 'del', ns], { reject: false, timeout: 10_000 });
      await rm(join('/etc/netns', ns), { recursive: true, force: true });
    }),
  );
  await execa('ip', ['link', 'del', state.bridge], { reject: false, timeout: 10_000 });
  await execa('nft', ['delete', 'table', NFT_FAMILY, `lbd_${state.id}`], { reject: false, timeout: 10_000 });
  await rm(state.dir, { recursive: true, force: true });
  await unlink(join(STATE_DIR, `${state.id}.json`)).catch(() => {});
}

async function readStates(): Promise<LabState[]> {
  if (!existsSync(STATE_DIR)) return [];
  const out: LabState[] = [];
  for (const f of await readdir(STATE_DIR)) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(await readFile(join(STATE_DIR, f), 'utf8')) as LabState);
    } catch {
      // A half-written state file from a crash: nothing we can act on.
    }
  }
  return out;
}

/** Labs recorded on this machine (live or stale), for `lab hosts status`. */
export async function listLabs(): Promise<Array<LabState & { ownerAlive: boolean }>> {
  return (await readStates()).map((s) => ({ ...s, ownerAlive: alive(s.pid) }));
}

/** Removes one recorded lab by id (used by `lab hosts down`). Returns false when unknown. */
export async function removeLabById(id: string): Promise<boolean> {
  const s = (await readStates()).find((x) => x.id === id);
  if (!s) return false;
  await removeLab(s);
  return true;
}

/** Removes labs whose owning process died without tearing down (never persistent ones). Returns their ids. */
export async function sweepStaleLabs(): Promise<string[]> {
  const stale = (await readStates()).filter((s) => !s.persistent && !alive(s.pid));
  for (const s of stale) await removeLab(s);
  return stale.map((s) => s.id);
}
