#!/usr/bin/env node
// `lbdoctor logs` against awk (and goaccess, when installed) on the same
// generated day of ELB access logs, interleaved in the same run: lines/s and
// peak RSS of each. awk only counts status codes; lbdoctor computes the whole
// summary (who answered, percentiles, bursts, members, paths, retries, 499s).
// Prints numbers; asserts nothing.
//
// Usage: node bench/logs/run.mjs [--size 1G] [--rounds 3] [--jobs N] [--file PATH] [--keep]
//   --size    size of the generated log (default 1G; a day of traffic with a 499 storm and a 5xx burst)
//   --file    use this log instead of generating one
//   --jobs    lbdoctor's worker threads (default: its own default, the number of cores)
//   --keep    leave the generated log in the temporary folder
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
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
const jobs = opt('--jobs', undefined);
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
const peers = [
  {
    name: 'awk (status counts)',
    argv: (f) => ['awk', '{c[$6]++} END {for (k in c) print k, c[k]}', f],
  },
  {
    name: 'lbdoctor logs',
    argv: (f) => [
      process.execPath,
      lbdoctorBin,
      'logs',
      f,
      '--format',
      'json',
      ...(jobs ? ['--jobs', jobs] : []),
    ],
  },
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
if (!has('goaccess'))
  console.log('(goaccess not installed: apt-get install goaccess to compare with it too)');

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
      `round ${r}  ${p.name.padEnd(20)} ${fmt(t.seconds, 2).padStart(7)} s  ${fmt(lines / t.seconds / 1e6, 2).padStart(6)} M lines/s  CPU ${fmt(t.cpu, 2).padStart(6)} s  peak RSS ${fmt(t.rssKb / 1024).padStart(5)} MiB`,
    );
  }
  ratios.push(round['awk (status counts)'].seconds / round['lbdoctor logs'].seconds);
}
const eighth = await timed(peers[1].argv(part));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
console.log('\nmedians:');
for (const p of peers) {
  const xs = results.get(p.name);
  const sec = median(xs.map((x) => x.seconds));
  console.log(
    `  ${p.name.padEnd(20)} ${fmt(sec, 2).padStart(7)} s  ${fmt(lines / sec / 1e6, 2).padStart(6)} M lines/s  ${fmt(bytes / 2 ** 20 / sec).padStart(5)} MiB/s  CPU ${fmt(median(xs.map((x) => x.cpu)), 2).padStart(6)} s  peak RSS ${fmt(median(xs.map((x) => x.rssKb)) / 1024).padStart(5)} MiB`,
  );
}
console.log(
  `  lbdoctor/awk throughput: ${fmt(median(ratios), 2)}× (per round: ${ratios.map((x) => fmt(x, 2)).join(', ')})`,
);
console.log(
  `  lbdoctor peak RSS on 1/8 of the log: ${fmt(eighth.rssKb / 1024)} MiB (whole log: ${fmt(median(results.get('lbdoctor logs').map((x) => x.rssKb)) / 1024)} MiB)`,
);
if (keep) console.log(`kept ${scratch.dir}`);
else scratch.cleanup();
