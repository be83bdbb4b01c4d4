#!/usr/bin/env node
// `lbdoctor logs` (one worker thread, and N) against awk (mawk, and gawk when
// installed) and goaccess (when installed) on the same generated day of ELB
// access logs, interleaved in the same run: lines/s, CPU seconds and peak RSS
// of each, and the load average around the run (other work on the machine
// slows everyone). awk only counts status codes; lbdoctor computes the whole
// summary (who answered, percentiles, bursts, members, paths, retries, 499s).
// Prints numbers; asserts nothing.
//
// Usage: node bench/logs/run.mjs [--size 1G] [--rounds 3] [--jobs N] [--file PATH] [--keep]
//   --size    size of the generated log (default 1G; a day of traffic with a 499 storm and a 5xx burst)
//   --file    use this log instead of generating one
//   --jobs    lbdoctor's worker threads for the N run (default: the number of cores)
//   --keep    leave the generated log in the temporary folder
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { cpuCount, fmt, has, lbdoctorBin, repoRoot, run, scratchDir } from '../lib.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const size = opt('--size', '1G');
const rounds = Number(opt('--rounds', '3'));
const jobs = Math.max(1, Math.floor(Number(opt('--jobs', String(cpuCount())))) || 1);
const keep = args.includes('--keep');

if (!has('/usr/bin/time')) {
  console.error('bench/logs needs GNU time (/usr/bin/time, Debian package "time") for peak RSS');
  process.exit(2);
}

const scratch = scratchDir('logs');
let file = opt('--file', undefined);
if (!file) {
  file = join(scratch.dir, 'access.log');
  console.log(`generating ${size} of access log (a day, 499 storm at 12:00, 5xx burst at 15:00) …`);
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'scripts/gen-access-log.mjs'),
      '--size',
      size,
      '--seed',
      '1',
      '--storm-499',
      '12:00/15m',
      '--burst-5xx',
      '15:00/10m',
      '--bad-lines',
      '5',
      '--out',
      file,
    ],
    { stdio: 'inherit' },
  );
}
const bytes = statSync(file).size;

// An eighth of it (cut at a newline): lbdoctor's RSS should not grow with the log.
const part = join(scratch.dir, 'eighth.log');
{
  const out = createWriteStream(part);
  const input = createReadStream(file, { end: Math.floor(bytes / 8) });
  let last = Buffer.alloc(0);
  for await (const chunk of input) {
    out.write(last);
    last = chunk;
  }
  const nl = last.lastIndexOf(10);
  out.end(last.subarray(0, nl + 1));
  await once(out, 'finish');
}

const lines = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
console.log(
  `${file}: ${fmt(bytes / 2 ** 20)} MiB, ${lines.toLocaleString('en-US')} lines; ${cpuCount()} CPUs`,
);
// Page cache warm for everyone.
execFileSync('sh', ['-c', `cat "${file}" "${part}" > /dev/null`]);

const GOACCESS_FORMAT = '%^ %^ [%dT%t+%^] %^ %h:%^ %s "%m %U %H" %^ %b %^ %T %^';
const awkProgram = '{c[$6]++} END {for (k in c) print k, c[k]}';
const lbdoctor = (n) => ({
  name: `lbdoctor logs -j${n}`,
  argv: (f) => [process.execPath, lbdoctorBin, 'logs', f, '--format', 'json', '--jobs', String(n)],
});
const awks = ['mawk', 'gawk', ...(has('mawk') || has('gawk') ? [] : ['awk'])].filter(has);
const peers = [
  ...awks.map((a) => ({ name: `${a} (status counts)`, argv: (f) => [a, awkProgram, f] })),
  lbdoctor(1),
  ...(jobs > 1 ? [lbdoctor(jobs)] : []),
  ...(has('goaccess')
    ? [
        {
          name: 'goaccess',
          argv: (f) => [
            'goaccess',
            f,
            `--log-format=${GOACCESS_FORMAT}`,
            '--date-format=%Y-%m-%d',
            '--time-format=%H:%M:%S',
            '-o',
            join(scratch.dir, 'goaccess.json'),
          ],
        },
      ]
    : []),
];
const awkName = peers[0].name;
const lbdName = lbdoctor(jobs).name;
if (!has('goaccess'))
  console.log('(goaccess not installed: apt-get install goaccess to compare with it too)');
if (!has('gawk')) console.log('(gawk not installed: only mawk)');
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 4).join(' ');
console.log(`load average before: ${loadavg()}`);

/** Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one run, from GNU time (on stderr; the command's own output is dropped). */
async function timed(argv) {
  const out = await run('sh', [
    '-c',
    `"$0" "$@" 2>&1 >/dev/null`,
    '/usr/bin/time',
    '-f',
    '__TIME__ %e %M %U %S',
    ...argv,
  ]);
  const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(out);
  if (!m) throw new Error(`no timing from ${argv[0]}: ${out.slice(-500)}`);
  return { seconds: Number(m[1]), rssKb: Number(m[2]), cpu: Number(m[3]) + Number(m[4]) };
}

const results = new Map(peers.map((p) => [p.name, []]));
const ratios = [];
for (let r = 1; r <= rounds; r++) {
  const round = {};
  for (const p of peers) {
    const t = await timed(p.argv(file));
    results.get(p.name).push(t);
    round[p.name] = t;
    console.log(
      `round ${r}  ${p.name.padEnd(22)} ${fmt(t.seconds, 2).padStart(7)} s  ${fmt(lines / t.seconds / 1e6, 2).padStart(6)} M lines/s  CPU ${fmt(t.cpu, 2).padStart(6)} s  peak RSS ${fmt(t.rssKb / 1024).padStart(5)} MiB`,
    );
  }
  ratios.push(round[awkName].seconds / round[lbdName].seconds);
  console.log(`round ${r}  load average: ${loadavg()}`);
}
const eighth = await timed(peers.find((p) => p.name === lbdName).argv(part));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
console.log('\nmedians:');
for (const p of peers) {
  const xs = results.get(p.name);
  const sec = median(xs.map((x) => x.seconds));
  const cpu = median(xs.map((x) => x.cpu));
  console.log(
    `  ${p.name.padEnd(22)} ${fmt(sec, 2).padStart(7)} s  ${fmt(lines / sec / 1e6, 2).padStart(6)} M lines/s  ${fmt(bytes / 2 ** 20 / sec).padStart(5)} MiB/s  CPU ${fmt(cpu, 2).padStart(6)} s (${fmt((cpu / lines) * 1e6, 2)} µs/line)  peak RSS ${fmt(median(xs.map((x) => x.rssKb)) / 1024).padStart(5)} MiB`,
  );
}
// Wall time depends on what else runs; CPU time much less. How many cores lbdoctor needs to
// keep up with awk, were each of its workers given a core of its own:
const cpuOf = (name) => median(results.get(name).map((x) => x.cpu));
console.log(
  `  CPU seconds ${lbdName} / ${awkName}: ${fmt(cpuOf(lbdName) / cpuOf(awkName), 2)} (cores lbdoctor needs to match awk's lines/s)`,
);
console.log(
  `  ${lbdName} / ${awkName} throughput: ${fmt(median(ratios), 2)}× (per round: ${ratios.map((x) => fmt(x, 2)).join(', ')})`,
);
console.log(
  `  ${lbdName} peak RSS on 1/8 of the log: ${fmt(eighth.rssKb / 1024)} MiB (whole log: ${fmt(median(results.get(lbdName).map((x) => x.rssKb)) / 1024)} MiB)`,
);
if (keep) console.log(`kept ${scratch.dir}`);
else scratch.cleanup();
