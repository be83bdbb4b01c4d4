#!/usr/bin/env node
// Startup: median wall time of `lbdoctor --help` against bare `node -e 0`,
// measured in the same run so the machine's speed cancels out.
// Goal (issue 2): ratio ≤ 1.5.   Usage: node bench/startup/run.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 10);
const bin = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));

function median(cmd, args) {
  const times = [];
  spawnSync(cmd, args, { stdio: 'ignore' }); // warm the file cache
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const cases = [
  ['node -e 0', [process.execPath, ['-e', '0']]],
  ['lbdoctor --help', [process.execPath, [bin, '--help']]],
  ['lbdoctor --version', [process.execPath, [bin, '--version']]],
  ['lbdoctor list', [process.execPath, [bin, 'list']]],
];
const results = cases.map(([name, [cmd, args]]) => [name, median(cmd, args)]);
const base = results[0][1];
console.log(`startup, median of ${runs} runs, ${process.version}`);
for (const [name, ms] of results)
  console.log(`  ${name.padEnd(20)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / base).toFixed(2)}×`);
const ratio = results[1][1] / base;
console.log(`--help / node -e 0 = ${ratio.toFixed(2)} (goal ≤ 1.5)`);
