#!/usr/bin/env node
// Large fleets (issue 13): time and peak RSS of `lbdoctor validate` on an
// inventory of 1,000 / 10,000 / 100,000 members, against the peer
// `node -e "require('yaml').parse(…)"` of the same file: the floor any
// YAML-reading tool pays before it validates anything. Interleaved round by
// round; medians printed. Nothing is asserted.
//
// The inventory is realistic: pools of 100 members (name, address, port,
// weight), each with an HTTP health check and a listener, one SSH host entry
// per 10 members.
//
// Usage: node bench/inventory-load/run.mjs [--sizes 1000,10000,100000] [--rounds 3] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const sizes = flag('--sizes', '1000,10000,100000').split(',').map(Number);
const rounds = Number(flag('--rounds', '3'));
const keep = args.includes('--keep');

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/lbdoctor.js');
if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('build first: npm run build');
if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (Debian: time) for peak RSS');

/** An inventory of `members` members, as a person would write it (block YAML). */
export function fleet(members) {
  const perPool = 100;
  const pools = Math.ceil(members / perPool);
  const out = ['loadbalancer: {name: big, type: dedicated, vip_address: 10.0.0.10}', 'listeners:'];
  for (let p = 0; p < pools; p++)
    out.push(`  - {name: l${p}, protocol: HTTP, protocol_port: ${10000 + p}, default_pool_id: pool-${p}}`);
  out.push('pools:');
  const hosts = ['hosts:'];
  for (let p = 0, m = 0; p < pools; p++) {
    out.push(
      `  - id: pool-${p}`,
      '    protocol: HTTP',
      '    lb_algorithm: ROUND_ROBIN',
      '    healthmonitor: {type: HTTP, delay: 5, timeout: 3, max_retries: 3, url_path: /health}',
      '    members:',
    );
    for (let i = 0; i < perPool && m < members; i++, m++) {
      const a = `10.${(m >> 16) & 255}.${(m >> 8) & 255}.${m & 255}`;
      out.push(
        `      - name: be${m}`,
        `        address: ${a}`,
        '        protocol_port: 8080',
        `        weight: ${1 + (m % 10)}`,
      );
      if (m % 10 === 0) hosts.push(`  be${m}: {ssh: "ssh://ops@${a}:22"}`);
    }
  }
  return `${[...out, ...hosts].join('\n')}\n`;
}

function measure(argv) {
  const timeFile = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', process.execPath, ...argv], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const [seconds, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms: seconds * 1000, rssMb: kb / 1024, status: r.status, stderr: String(r.stderr).slice(0, 300) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'lbd-inventory-load-'));
const rows = [];
try {
  for (const n of sizes) {
    const file = join(dir, `fleet-${n}.yaml`);
    writeFileSync(file, fleet(n));
    const mb = statSync(file).size / 1024 / 1024;
    const cases = {
      peer: [
        '-e',
        `require(${JSON.stringify(join(root, 'node_modules/yaml'))}).parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`,
      ],
      lbdoctor: [bin, 'validate', file],
    };
    const got = { peer: [], lbdoctor: [] };
    let status = 0;
    let stderr = '';
    for (let r = 0; r < rounds; r++) {
      for (const [name, argv] of Object.entries(cases)) {
        const m = measure(argv);
        got[name].push(m);
        if (name === 'lbdoctor') ({ status, stderr } = m);
      }
    }
    const peerMs = median(got.peer.map((m) => m.ms));
    const lbdMs = median(got.lbdoctor.map((m) => m.ms));
    rows.push({
      members: n,
      'file MB': mb.toFixed(1),
      'peer ms': Math.round(peerMs),
      'peer RSS MB': Math.round(median(got.peer.map((m) => m.rssMb))),
      'validate ms': Math.round(lbdMs),
      'validate RSS MB': Math.round(median(got.lbdoctor.map((m) => m.rssMb))),
      'time ÷ peer': (lbdMs / peerMs).toFixed(2),
      exit: status,
    });
    if (status !== 0) process.stderr.write(`validate ${n}: exit ${status}: ${stderr}\n`);
  }
  console.log(`node ${process.version}, ${rounds} round(s), medians`);
  console.table(rows);
} finally {
  if (keep) console.log(`files kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
