// `lbdoctor lab hosts up|down|status`: lab hosts for people (not only tests).
// `up` builds the namespaces, starts one sshd per host (outliving this
// process), and writes what a run needs into a state directory: an inventory
// whose `hosts` reach them, known_hosts with their keys, an ssh_config and the
// client key.
import { hang, hangCommand, REPORT_WIDTH } from '../reporters/wrap.js';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ExitCode, InputError, LbdError } from '../errors.js';
import { parseInventory } from '../model/load-inventory.js';
import { createLab, labSupport, listLabs, removeLabById, sweepStaleLabs } from './netns.js';
import { startLabSshd } from './sshd.js';

export const DEFAULT_HOSTS_STATE_DIR = '/run/lbdoctor/lab-hosts';
export const DEFAULT_LAB_HOSTS = ['client', 'lb', 'be1', 'be2', 'be3'];

export interface LabHostsState {
  id: string;
  subnet: string;
  gateway: string;
  bridge: string;
  hosts: Array<{ name: string; ns: string; address: string; hostKeyFingerprint: string }>;
  files: { inventory: string; knownHosts: string; sshConfig: string; identity: string };
  createdAt: string;
}

function stateFile(dir: string): string {
  return join(dir, 'lab-hosts.json');
}

async function readState(dir: string): Promise<LabHostsState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(dir), 'utf8')) as LabHostsState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${stateFile(dir)}: ${(e as Error).message}`, [
      { file: stateFile(dir), message: 'unreadable' },
    ]);
  }
}

export async function requireLabSupport(): Promise<void> {
  const s = await labSupport();
  if (!s.ok) {
    throw new LbdError('LBD_ERR_PERMISSION', `lab hosts cannot be built here: ${s.reason}`, {
      hint: 'Run as root on Linux (sudo lbdoctor lab hosts up).',
      exitCode: ExitCode.badInput,
    });
  }
}

/** Parses `--hosts be1,be2`: names are kept short (they become interface-safe namespace names). */
export function parseHostList(text: string | undefined): string[] {
  if (text === undefined) return DEFAULT_LAB_HOSTS;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !/^[a-z][a-z0-9]{0,15}$/.test(n));
  if (names.length === 0 || bad.length > 0) {
    throw new InputError(`invalid --hosts "${text}"`, [
      {
        field: '--hosts',
        message: bad.length ? `invalid names: ${bad.join(', ')}` : 'no names',
        expected: 'comma-separated names like be1,be2 (a-z, 0-9, ≤ 16)',
      },
    ]);
  }
  if (new Set(names).size !== names.length) throw new InputError(`--hosts repeats a name: "${text}"`);
  return names;
}

export async function labHostsUp(options: { hosts: string[]; stateDir: string }): Promise<LabHostsState> {
  await requireLabSupport();
  const dir = resolve(options.stateDir);
  const existing = await readState(dir);
  if (existing && (await listLabs()).some((l) => l.id === existing.id)) {
    throw new InputError(
      `lab hosts ${existing.id} are already up (state in ${dir})`,
      [],
      'Run `lbdoctor lab hosts down` first, or pass another --state directory.',
    );
  }
  await sweepStaleLabs();
  const lab = await createLab({ hosts: options.hosts, persistent: true });
  try {
    const sshds = await Promise.all(
      options.hosts.map((n) => startLabSshd(lab, lab.hosts[n]!, { detached: true })),
    );
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const identity = join(dir, 'id_ed25519');
    await copyFile(sshds[0]!.clientKeyPath, identity);
    await copyFile(`${sshds[0]!.clientKeyPath}.pub`, `${identity}.pub`);
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `${sshds.map((s) => s.knownHostsLine).join('\n')}\n`, { mode: 0o600 });
    const sshConfig = join(dir, 'ssh_config');
    await writeFile(
      sshConfig,
      sshds
        .map((s) =>
          [
            `Host ${s.host}`,
            `  HostName ${s.address}`,
            '  User root',
            `  IdentityFile ${identity}`,
            '  IdentitiesOnly yes',
            `  UserKnownHostsFile ${knownHosts}`,
            '  StrictHostKeyChecking yes',
            '',
          ].join('\n'),
        )
        .join('\n'),
    );
    const inventoryText = `# Lab hosts ${lab.id} (${lab.subnet}), written by \`lbdoctor lab hosts up\`.\n${stringify(
      {
        loadbalancer: { name: `lab-${lab.id}`, type: 'shared', vip_address: lab.gateway },
        pools: [
          {
            id: 'lab-pool',
            protocol: 'TCP',
            members: sshds.map((s) => ({ name: s.host, address: s.address, protocol_port: 22 })),
          },
        ],
        hosts: Object.fromEntries(
          sshds.map((s) => [s.host, { ssh: `ssh://root@${s.address}:22`, identity_file: identity }]),
        ),
      },
    )}`;
    // What we write must load: a broken generated inventory would fail far from here.
    parseInventory(inventoryText, 'lab inventory');
    const inventory = join(dir, 'inventory.yaml');
    await writeFile(inventory, inventoryText);
    const state: LabHostsState = {
      id: lab.id,
      subnet: lab.subnet,
      gateway: lab.gateway,
      bridge: lab.bridge,
      hosts: sshds.map((s) => ({
        name: s.host,
        ns: lab.hosts[s.host]!.ns,
        address: s.address,
        hostKeyFingerprint: s.hostKeyFingerprint,
      })),
      files: { inventory, knownHosts, sshConfig, identity },
      createdAt: new Date().toISOString(),
    };
    await writeFile(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } catch (e) {
    await lab.teardown();
    throw e;
  }
}

export async function labHostsDown(options: { stateDir: string }): Promise<{ id: string } | undefined> {
  const dir = resolve(options.stateDir);
  const state = await readState(dir);
  if (!state) return undefined;
  await requireLabSupport();
  await removeLabById(state.id);
  await rm(dir, { recursive: true, force: true });
  return { id: state.id };
}

function sshAnswers(address: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host: address, port: 22 });
    const t = setTimeout(() => finish(false), timeoutMs);
    function finish(ok: boolean) {
      clearTimeout(t);
      s.destroy();
      done(ok);
    }
    s.once('data', (d: Buffer) => finish(d.toString().startsWith('SSH-')));
    s.once('error', () => finish(false));
  });
}

export async function labHostsStatus(options: { stateDir: string }): Promise<
  | { up: false }
  | {
      up: true;
      state: LabHostsState;
      present: boolean;
      hosts: Array<{ name: string; address: string; ssh: boolean }>;
    }
> {
  const state = await readState(resolve(options.stateDir));
  if (!state) return { up: false };
  const present = (await listLabs()).some((l) => l.id === state.id);
  const hosts = await Promise.all(
    state.hosts.map(async (h) => ({
      name: h.name,
      address: h.address,
      ssh: present && (await sshAnswers(h.address)),
    })),
  );
  return { up: true, state, present, hosts };
}

export function describeUsage(state: LabHostsState): string {
  // Fitted to 80 columns like `lab up`: commands wrap with a trailing backslash, paths are never broken.
  const w = REPORT_WIDTH;
  const first = state.hosts[0]?.name ?? 'be1';
  return [
    ...hang('', `lab hosts ${state.id} up on ${state.subnet} (gateway ${state.gateway}):`, w, 2),
    ...state.hosts.flatMap((h) => [
      `  ${h.name.padEnd(8)} ${h.address.padEnd(15)} ${h.ns}`,
      ...hang('    ', `host key ${h.hostKeyFingerprint}`, w, 6, false),
    ]),
    '',
    ...hang('', `inventory:   ${state.files.inventory}`, w, 13, false),
    ...hang('', `known_hosts: ${state.files.knownHosts}`, w, 13, false),
    ...hang('', `ssh config:  ${state.files.sshConfig}`, w, 13, false),
    ...hang('', `key:         ${state.files.identity}`, w, 13, false),
    '',
    'Use them:',
    ...hangCommand('  $ ', `ssh -F ${state.files.sshConfig} ${first}`, w),
    '  a shell on the host itself (inject faults here):',
    ...hangCommand('  $ ', `ip netns exec ${state.hosts[0]?.ns ?? ''} sh`, w),
    ...hangCommand(
      '  $ ',
      `lbdoctor probe … --host ${first} -i ${state.files.inventory} --known-hosts ${state.files.knownHosts}`,
      w,
    ),
    ...hangCommand('  $ ', 'lbdoctor lab hosts down', w),
  ].join('\n');
}
