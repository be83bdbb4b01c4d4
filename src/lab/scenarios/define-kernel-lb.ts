// Two Layer-4 "load balancers" made of the kernel itself, for FAQ 1.3: each is
// a lab host whose iptables DNATs TCP port 80 to one member, be1. With
// Transfer Client IP on they only DNAT, so be1 sees the client's own address
// and port; off, they also MASQUERADE (fullNAT), so be1 sees the load
// balancer. be1 runs a real nginx and sends every reply back through the load
// balancer its connection came in on (the first packet's MAC → connmark →
// policy route), as a cloud backend does. A client host opens one connection
// to each VIP from the source ports a scenario gives and keeps them open, so
// the sockets and counters are there when lbdoctor reads them over SSH.
// No reference LB runs: the inventory lists both load balancers
// (`loadbalancers: [...]`), be1 and the client with their SSH access.
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { ExitCode, LbdError } from '../../errors.js';
import { parseInventory } from '../../model/load-inventory.js';
import { type HostProcess, spawnInHost } from '../host-processes.js';
import { createLab, type ExecResult, type LabHost, maskedNetnsArgv, sweepStaleLabs } from '../netns.js';
import { startNginxProcess } from '../nginx.js';
import { type LabSshd, startLabSshd } from '../sshd.js';
import { hostScenarioSupport } from './define-host.js';
import type { RunningScenario, Scenario } from './types.js';

const LBS = ['lb1', 'lb2'] as const;
const MEMBER = 'be1';
const CLIENT = 'client';
const PORT = 80;

/** Runs a command line (split on spaces, no shell: every word here is plain) on a lab host; throws unless it exits 0. */
type Run = (h: LabHost, line: string) => Promise<ExecResult>;

export interface KernelLbScenarioDefinition
  extends Omit<Scenario, 'start' | 'prepare' | 'support' | 'symptom'> {
  /** Transfer Client IP on both listeners: DNAT only (on) or DNAT + MASQUERADE (off). */
  transparentClientIp: boolean;
  /** The client's source port towards lb1 and towards lb2. */
  clientPorts: readonly [number, number];
  /** Whether the inventory gives SSH access to the member (default true); the client always has it. */
  memberSsh?: boolean;
}

/**
 * Connects to each VIP:80 from its source port (libuv binds with SO_REUSEADDR,
 * so one port can reach two peers), sends a keep-alive request, reports
 * "VIP answered" or "VIP no answer" after 3 s and keeps every socket open.
 */
const CLIENT_SCRIPT = `
const net = require('node:net');
const [vips, ports] = [process.argv[1].split(','), process.argv[2].split(',').map(Number)];
const sockets = [];
(async () => {
  for (let i = 0; i < vips.length; i++) {
    const said = await new Promise((resolve) => {
      const s = net.connect({ host: vips[i], port: ${PORT}, localPort: ports[i] });
      sockets.push(s);
      const timer = setTimeout(() => resolve('no answer'), 3000);
      s.on('connect', () => s.write('GET / HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n'));
      s.once('data', () => { clearTimeout(timer); resolve('answered'); });
      s.on('error', (e) => { clearTimeout(timer); resolve('error ' + e.code); });
    });
    console.log(vips[i] + ':' + ${PORT} + ' from port ' + ports[i] + ' ' + said);
  }
  console.log('ready');
})();
`;

export function defineKernelLbScenario(def: KernelLbScenarioDefinition): Scenario {
  const { transparentClientIp: _t, clientPorts: _p, memberSsh: _s, ...meta } = def;
  const same = def.clientPorts[0] === def.clientPorts[1];
  const scenario: Scenario = {
    ...meta,
    symptom: {
      listener: 'tcp-80',
      path: '/',
      expect:
        same && def.transparentClientIp
          ? 'the client gets an answer through lb1; through lb2, from the same source port, the connection times out'
          : 'the client gets an answer through both load balancers',
    },
    support: () => hostScenarioSupport(['nginx', 'iptables']),
    prepare: async () => {
      const up = await bringUp(def);
      return { id: def.id, inventory: up.inventory, inventoryYaml: up.inventoryYaml, close: up.close };
    },
    start: async () => bringUp(def),
  };
  return scenario;
}

async function bringUp(def: KernelLbScenarioDefinition): Promise<RunningScenario> {
  const support = await hostScenarioSupport(['nginx', 'iptables']);
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
  await sweepStaleLabs().catch(() => []);
  const lab = await createLab({ hosts: [...LBS, MEMBER, CLIENT] });
  const stops: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await Promise.allSettled(stops.map((s) => s()));
      await lab.teardown();
    })();
    return closing;
  };
  try {
    const host = (name: string) => lab.hosts[name]!;
    const run: Run = async (h, line) => {
      const r = await h.exec(line.split(' '));
      if (r.exitCode !== 0) {
        throw new LbdError(
          'LBD_ERR_INTERNAL',
          `lab scenario ${def.id}: \`${line}\` on ${h.name} exited ${r.exitCode}: ${r.stderr.trim()}`,
        );
      }
      return r;
    };
    const member = host(MEMBER);
    const nginx = await startNginxProcess({
      prefix: join(lab.dir, `nginx-${MEMBER}`),
      servers: `server {\n      listen ${PORT};\n      keepalive_timeout 300s;\n      location / { return 200 "${MEMBER}\\n"; }\n    }`,
      user: 'root',
      wrap: (argv) => maskedNetnsArgv(member.ns, argv),
      waitFor: [{ host: member.address, port: PORT }],
    });
    stops.push(() => nginx.stop());
    for (const [i, name] of LBS.entries()) await kernelBalancer(host(name), member, i + 1, def, run);
    await run(member, 'iptables -t mangle -A OUTPUT -j CONNMARK --restore-mark');
    await run(
      member,
      'sysctl -q -w net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.eth0.accept_redirects=0',
    );
    const readable = def.memberSsh === false ? [host(CLIENT)] : [member, host(CLIENT)];
    const sshds: LabSshd[] = await Promise.all(readable.map((h) => startLabSshd(lab, h)));
    stops.push(...sshds.map((s) => () => s.stop()));
    const knownHosts = join(lab.dir, 'known_hosts');
    await writeFile(knownHosts, `${sshds.map((s) => s.knownHostsLine).join('\n')}\n`, { mode: 0o600 });

    const client: HostProcess = await spawnInHost(
      host(CLIENT),
      [
        process.execPath,
        '-e',
        CLIENT_SCRIPT,
        LBS.map((n) => host(n).address).join(','),
        def.clientPorts.join(','),
      ],
      { ready: /^ready$/m, timeoutMs: 15_000 },
    );
    stops.push(() => client.stop());

    const file = {
      loadbalancers: LBS.map((name) => ({
        loadbalancer: { name: `lab-${name}`, type: 'shared', vip_address: host(name).address },
        listeners: [
          {
            name: 'tcp-80',
            protocol: 'TCP',
            protocol_port: PORT,
            default_pool_id: `${name}-pool`,
            transparent_client_ip_enable: def.transparentClientIp,
          },
        ],
        pools: [
          {
            id: `${name}-pool`,
            protocol: 'TCP',
            members: [{ name: MEMBER, address: member.address, protocol_port: PORT }],
          },
        ],
      })),
      client: { address: host(CLIENT).address },
      hosts: Object.fromEntries(
        sshds.map((s) => [s.host, { ssh: `ssh://root@${s.address}`, identity_file: s.clientKeyPath }]),
      ),
    };
    const runArgs = ['--known-hosts', knownHosts];
    const inventoryYaml = [
      `# lbdoctor lab scenario "${def.id}": ${def.title} (FAQ ${def.faq}).`,
      `# Lab hosts ${lab.id} on ${lab.subnet}: kernel load balancers ${LBS.map((n) => `${n} ${host(n).address}`).join(', ')}; ${MEMBER} ${member.address}; ${CLIENT} ${host(CLIENT).address}.`,
      `# Diagnose: lbdoctor run ${def.playbook} --inventory THIS_FILE ${runArgs.join(' ')} (expected conclusion: ${def.conclusion})`,
      stringify(file),
    ].join('\n');
    const inventory = parseInventory(inventoryYaml, `<lab scenario ${def.id}>`);
    return {
      id: def.id,
      inventory,
      inventoryYaml,
      listeners: LBS.map((name) => ({
        name: `${name}/tcp-80`,
        protocol: 'TCP' as const,
        address: host(name).address,
        port: PORT,
        url: `tcp://${host(name).address}:${PORT}`,
      })),
      admin: null,
      runArgs,
      hosts: Object.values(lab.hosts).map((h) => ({ name: h.name, address: h.address, ns: h.ns })),
      close,
    };
  } catch (err) {
    await close();
    if (err instanceof LbdError) throw err;
    throw new LbdError(
      'LBD_ERR_INTERNAL',
      `lab scenario ${def.id} did not start: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Load balancer number `n`: forwards, DNATs port 80 to the member (and
 * MASQUERADEs when Transfer Client IP is off); the member marks connections
 * that arrive from its MAC with `n` and routes their replies back through it.
 */
async function kernelBalancer(
  lb: LabHost,
  member: LabHost,
  n: number,
  def: KernelLbScenarioDefinition,
  run: Run,
): Promise<void> {
  // It forwards out of the interface the packet came in on: no ICMP redirects to the client.
  await run(
    lb,
    'sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0',
  );
  const tcp = `-p tcp --dport ${PORT}`;
  await run(lb, `iptables -t nat -A PREROUTING ${tcp} -j DNAT --to-destination ${member.address}:${PORT}`);
  if (!def.transparentClientIp)
    await run(lb, `iptables -t nat -A POSTROUTING -d ${member.address} ${tcp} -j MASQUERADE`);
  const mac = (await run(lb, 'cat /sys/class/net/eth0/address')).stdout.trim();
  await run(
    member,
    `iptables -t mangle -A PREROUTING -m conntrack --ctstate NEW -m mac --mac-source ${mac} -j CONNMARK --set-mark ${n}`,
  );
  await run(member, `ip rule add fwmark ${n} table ${100 + n}`);
  await run(member, `ip route add default via ${lb.address} table ${100 + n}`);
}
