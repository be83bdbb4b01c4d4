#!/usr/bin/env node
// One batched read per host vs one exec per section, over SSH to N lab hosts
// (network namespaces with their own sshd), and parallel-ssh (Debian pssh)
// sending the same batched script to the same hosts. Prints wall times and
// ratios; never asserts. Root only (it builds namespaces).
//
//   npm run build && sudo node bench/ssh-batch/run.mjs [--hosts 20] [--rounds 3]
//
// The sections are every read of the host allow-list (src/runners/commands.ts)
// with representative arguments: the host-probe registry is still empty, so
// "all host probes" is approximated by "every section a host probe can ask for".
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { has, repoRoot } from '../lib.mjs';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    dist: { type: 'string', default: join(repoRoot, 'dist') },
  },
});
const N = Number(values.hosts);
const ROUNDS = Number(values.rounds);
const dist = (p) => import(pathToFileURL(join(values.dist, p)).href);

const { createLab, labSupport } = await dist('lab/netns.js');
const { startLabSshd } = await dist('lab/sshd.js');
const { createVantageProvider } = await dist('runners/vantages.js');
const { buildBatchScript } = await dist('runners/batch.js');

const SECTIONS = [
  {
    id: 'sysctl',
    args: [
      'net.ipv4.icmp_ratelimit',
      'net.ipv4.icmp_ratemask',
      'net.ipv4.icmp_echo_ignore_all',
      'net.core.somaxconn',
      'net.ipv4.tcp_max_syn_backlog',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_tw_reuse',
    ],
  },
  { id: 'ip-route' },
  { id: 'ip-addr' },
  { id: 'listening' },
  { id: 'iptables-save' },
  { id: 'nft-ruleset' },
  { id: 'file', args: ['/etc/hosts.deny'] },
  { id: 'file', args: ['/etc/hosts.allow'] },
  { id: 'nginx-config' },
  { id: 'log-tail', args: ['/var/log/dpkg.log', '200'] },
  { id: 'loadavg' },
  { id: 'cpus' },
  { id: 'meminfo' },
  { id: 'sockstat' },
  { id: 'net-counters' },
  { id: 'conntrack-stats' },
  { id: 'modules' },
];

const support = await labSupport();
if (!support.ok) {
  console.log(`ssh-batch bench skipped: ${support.reason}`);
  process.exit(0);
}

const names = Array.from({ length: N }, (_, i) => `h${i + 1}`);
const lab = await createLab({ hosts: names });
const stop = async () => {
  await lab.teardown();
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const ms = (x) => `${x.toFixed(0)} ms`;

try {
  const sshds = await Promise.all(names.map((n) => startLabSshd(lab, lab.hosts[n])));
  const knownHosts = join(lab.dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshds.map((s) => s.knownHostsLine).join('\n')}\n`);
  const key = sshds[0].clientKeyPath;
  const inventory = {
    loadbalancers: [],
    hosts: Object.fromEntries(names.map((n) => [n, { ssh: `ssh://root@${lab.hosts[n].address}:22` }])),
    client: null,
    certificates: [],
    reference: null,
  };
  const provider = () =>
    createVantageProvider(inventory, {
      knownHostsFile: knownHosts,
      hostKeyCheck: 'strict',
      identityFile: key,
      concurrency: N,
      timeoutMs: 30_000,
      useAgent: false,
    });

  /** Every host in parallel; per host, `read(host)`; returns total and read-phase wall times. */
  async function round(readHost) {
    const p = provider();
    const signal = new AbortController().signal;
    const t0 = performance.now();
    try {
      const vantages = await Promise.all(names.map((n) => p.forHost(n, signal)));
      const t1 = performance.now();
      await Promise.all(vantages.map((v) => readHost(v, signal)));
      const t2 = performance.now();
      return { total: t2 - t0, read: t2 - t1 };
    } finally {
      await p.close();
    }
  }

  const batched = async (v, signal) => {
    const outs = await v.host.read(SECTIONS, signal);
    if (outs.length !== SECTIONS.length) throw new Error('missing sections');
  };
  // The vantage's reader memoises, so asking for one section at a time costs one exec each.
  const perSection = async (v, signal) => {
    for (const s of SECTIONS) await v.host.read([s], signal);
  };

  const results = { batched: [], perSection: [], pssh: [] };
  // Warm-up (page cache, sshd first fork) not counted.
  await round(batched);
  for (let r = 0; r < ROUNDS; r++) {
    results.batched.push(await round(batched));
    results.perSection.push(await round(perSection));
  }

  // parallel-ssh: the same batched script on stdin (-I), all hosts at once.
  let psshNote = '';
  if (has('parallel-ssh')) {
    const script = buildBatchScript(SECTIONS).script;
    const hostsFile = join(lab.dir, 'pssh_hosts');
    writeFileSync(hostsFile, `${names.map((n) => `root@${lab.hosts[n].address}`).join('\n')}\n`);
    const outDir = join(lab.dir, 'pssh_out');
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const code = await new Promise((resolve) => {
        const child = execFile(
          'parallel-ssh',
          [
            '-h',
            hostsFile,
            '-p',
            String(N),
            '-t',
            '60',
            '-I',
            '-o',
            outDir,
            '-x',
            `-F /dev/null -i ${key} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`,
            'sh -s',
          ],
          { maxBuffer: 64 * 1024 * 1024 },
          (err) => resolve(err ? (err.code ?? 1) : 0),
        );
        child.stdin.end(script);
      });
      const total = performance.now() - t0;
      if (code !== 0) psshNote = ` (parallel-ssh exit ${code})`;
      results.pssh.push({ total, read: total });
    }
  } else {
    psshNote = ' (parallel-ssh not installed)';
  }

  const med = (k, f) => (results[k].length ? median(results[k].map((x) => x[f])) : Number.NaN);
  console.log(`ssh-batch: ${N} lab hosts, ${SECTIONS.length} sections per host, median of ${ROUNDS} rounds`);
  console.log(
    `  batched (1 sh -s per host)        total ${ms(med('batched', 'total'))}  read phase ${ms(med('batched', 'read'))}`,
  );
  console.log(
    `  one exec per section (${SECTIONS.length}/host)   total ${ms(med('perSection', 'total'))}  read phase ${ms(med('perSection', 'read'))}`,
  );
  console.log(`  parallel-ssh, same script         total ${ms(med('pssh', 'total'))}${psshNote}`);
  console.log(
    `  ratio per-section / batched: total ${(med('perSection', 'total') / med('batched', 'total')).toFixed(2)}x, read phase ${(med('perSection', 'read') / med('batched', 'read')).toFixed(2)}x`,
  );
  console.log(
    `  ratio parallel-ssh / lbdoctor batched (total): ${(med('pssh', 'total') / med('batched', 'total')).toFixed(2)}x`,
  );
} finally {
  await stop();
}
