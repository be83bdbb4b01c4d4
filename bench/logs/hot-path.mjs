#!/usr/bin/env node
// The hot path of `lbdoctor logs` in this process, without start-up or worker
// threads: CPU µs per line to read (fast-line.ts) and summarise (summarise.ts)
// the first MiB of a log, best of several rounds. CPU time moves much less
// than wall time when other work shares the machine, so this is the number to
// compare two versions of the code with (run it on each build in turn, twice).
// `--parse-only` leaves the summary out. Prints numbers; asserts nothing.
//
// Usage: node bench/logs/hot-path.mjs FILE [--mib 200] [--rounds 5] [--parse-only] [--reader wasm|js] [--dist DIR]
//   FILE      an ELB access log, e.g. from scripts/gen-access-log.mjs --size 200M
//   --reader  wasm (the default: line-fields.wasm reads the usual lines) or js (fast-line.ts reads them all)
//   --dist    the build to measure (default: this checkout's dist/)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../lib.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const file = args[0];
if (!file || file.startsWith('--')) {
  console.error(
    'usage: node bench/logs/hot-path.mjs FILE [--mib 200] [--rounds 5] [--parse-only] [--reader wasm|js] [--dist DIR]',
  );
  process.exit(2);
}
const bytes = Number(opt('--mib', '200')) * 2 ** 20;
const rounds = Number(opt('--rounds', '5'));
const parseOnly = args.includes('--parse-only');
const reader = opt('--reader', 'wasm');
const dist = opt('--dist', join(repoRoot, 'dist'));
const load = (m) => import(pathToFileURL(join(dist, 'logs', m)).href);
const { LineScanner } = await load('scan.js');
const { scanFileRange } = await load('sources.js');
const { LogSummariser } = await load('summarise.js');

const perLine = [];
let lines = 0;
for (let r = 0; r < rounds; r++) {
  const summariser = parseOnly ? { add() {} } : new LogSummariser();
  const scanner = new LineScanner(summariser, file, { reader });
  const before = process.cpuUsage();
  scanFileRange(file, 0, bytes, scanner);
  if (!parseOnly) summariser.finish();
  const used = process.cpuUsage(before);
  lines = scanner.lines;
  perLine.push((used.user + used.system) / lines);
}
console.log(
  `${parseOnly ? 'read only' : 'read and summarise'} (${reader}): ${lines.toLocaleString('en-US')} lines, best of ${rounds}: ${Math.min(...perLine).toFixed(3)} CPU µs/line (rounds: ${perLine.map((x) => x.toFixed(3)).join(', ')})`,
);
