#!/usr/bin/env node
// Startup: wall time of `lbdoctor --help`, `--version`, `list`, `list WORDS`,
// `run --help` and `show <id>` against bare `node -e 0`, measured in the same run and
// interleaved round by round, so drift in the machine's load hits every
// command alike.
//
// The commands run from a temporary copy of the built package (bin/, dist/,
// package.json, node_modules linked) whose playbooks/ holds SHIPPED playbooks
// (default 16): the shipped ones, topped up with copies of them under new ids.
// The copy gets its own playbook catalog (scripts/build-catalog.mjs), as
// `npm run build` makes one for a checkout.
//
// Goal (issue 2): `--help` and `list` medians ≤ 1.5× `node -e 0`.
// Usage: node bench/startup/run.mjs [rounds] [--shipped N] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args.splice(i, 2)[1];
};
const shipped = Number(flag('--shipped') ?? 16);
const keep = args.includes('--keep');
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);

const root = fileURLToPath(new URL('../../', import.meta.url));
if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('build first: npm run build');

/** A copy of the package with `count` playbooks in playbooks/ (and the shipped fragments). */
async function packageCopy(count) {
  const dir = await mkdtemp(join(tmpdir(), 'lbd-startup-'));
  await cp(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  await cp(join(root, 'package.json'), join(dir, 'package.json'));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const src = join(root, 'playbooks');
  const dst = join(dir, 'playbooks');
  await mkdir(dst);
  if (existsSync(join(src, 'fragments')))
    await cp(join(src, 'fragments'), join(dst, 'fragments'), { recursive: true });
  const own = (await readdir(src)).filter((n) => /\.ya?ml$/.test(n)).sort();
  for (const n of own) await cp(join(src, n), join(dst, n));
  for (let i = own.length, k = 0; i < count; i++, k++) {
    const from = own[k % own.length];
    const text = await readFile(join(src, from), 'utf8');
    const id = `${from.replace(/\.ya?ml$/, '')}-copy${i}`;
    await writeFile(join(dst, `${id}.yaml`), text.replace(/^id:.*$/m, `id: ${id}`));
  }
  // The catalog `npm run build` writes into dist/, made for this copy's playbooks.
  const catalog = join(root, 'scripts/build-catalog.mjs');
  if (existsSync(catalog)) {
    const r = spawnSync(process.execPath, [catalog, dir], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/build-catalog.mjs failed');
  }
  return { dir, first: own[0].replace(/\.ya?ml$/, ''), count: Math.max(count, own.length) };
}

const pkg = await packageCopy(shipped);
const bin = join(pkg.dir, 'bin/lbdoctor.js');
const cases = [
  ['node -e 0', ['-e', '0']],
  ['lbdoctor --help', [bin, '--help']],
  ['lbdoctor --version', [bin, '--version']],
  ['lbdoctor list', [bin, 'list']],
  ['lbdoctor list 502 gateway', [bin, 'list', '502', 'gateway']],
  ['lbdoctor run --help', [bin, 'run', '--help']],
  [`lbdoctor show ${pkg.first}`, [bin, 'show', pkg.first]],
];

function once(argv) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

try {
  for (const [, argv] of cases) once(argv); // warm the file cache (and Node's compile cache where it has one)
  const times = cases.map(() => []);
  for (let i = 0; i < rounds; i++) {
    cases.forEach(([, argv], k) => {
      times[k].push(once(argv));
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const medians = times.map(median);
  console.log(
    `startup, ${rounds} interleaved rounds, ${process.version}, ${pkg.count} playbooks shipped (${pkg.dir})`,
  );
  cases.forEach(([name], k) => {
    const m = medians[k];
    console.log(
      `  ${name.padEnd(32)} median ${m.toFixed(1).padStart(6)} ms  min ${Math.min(...times[k])
        .toFixed(1)
        .padStart(6)} ms  ${(m / medians[0]).toFixed(2)}×`,
    );
  });
  const ratio = (k) => (medians[k] / medians[0]).toFixed(2);
  console.log(`--help / node -e 0 = ${ratio(1)}, list / node -e 0 = ${ratio(3)} (goal ≤ 1.5 each)`);
} finally {
  if (!keep) await rm(pkg.dir, { recursive: true, force: true });
}
