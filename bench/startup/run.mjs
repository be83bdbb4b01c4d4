#!/usr/bin/env node
// Startup: wall time of `lbdoctor --help` (and --version, list) against bare
// `node -e 0`, measured in the same run and interleaved round by round, so
// drift in the machine's load hits every command alike.
// Goal (issue 2): `--help` median ≤ 1.5× `node -e 0`.   Usage: node bench/startup/run.mjs [rounds]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 10);
const bin = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));
const cases = [
  ['node -e 0', ['-e', '0']],
  ['lbdoctor --help', [bin, '--help']],
  ['lbdoctor --version', [bin, '--version']],
  ['lbdoctor list', [bin, 'list']],
];

function once(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

for (const [, args] of cases) once(args); // warm the file cache (and Node's compile cache where it has one)
const times = cases.map(() => []);
for (let i = 0; i < rounds; i++) {
  cases.forEach(([, args], k) => {
    times[k].push(once(args));
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medians = times.map(median);
console.log(`startup, ${rounds} interleaved rounds, ${process.version}`);
cases.forEach(([name], k) => {
  const m = medians[k];
  console.log(
    `  ${name.padEnd(20)} median ${m.toFixed(1).padStart(6)} ms  min ${Math.min(...times[k])
      .toFixed(1)
      .padStart(6)} ms  ${(m / medians[0]).toFixed(2)}×`,
  );
});
console.log(`--help / node -e 0 = ${(medians[1] / medians[0]).toFixed(2)} (goal ≤ 1.5)`);
