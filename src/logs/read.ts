// Reads access logs — files (plain or gzip) and stdin (`-`) — into one summary.
// Plain files big enough are cut into byte ranges (split at newlines) that
// worker threads read in parallel, each with its own summariser; gzip files
// go whole to a worker each; stdin and pipes are read on the main thread.
// Line numbers stay exact: each range reports how many lines it held.
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, LbdError } from '../errors.js';
import { LineScanner, SAMPLE_LIMIT, type ScanCounts } from './scan.js';
import { isGzip, scanStream } from './sources.js';
import { LogSummariser, type SummariserState, type SummaryOptions } from './summarise.js';
import type { FileSummary, LineProblem, LogSummary } from './summary.js';

export interface ReadLogsOptions extends SummaryOptions {
  /**
   * Worker threads (default: the machine's cores). With 1, a big plain file is still read by one worker
   * (synchronous reads there are faster than a stream here, and this thread stays free).
   */
  jobs?: number;
  /** What `-` reads (default process.stdin). */
  stdin?: AsyncIterable<Uint8Array | string>;
}

/** Plain files smaller than this together are read on this thread: starting workers costs more. */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;
const RANGE_MIN_BYTES = 1024 * 1024;

/** How big the ranges of plain files are: four per worker, so a slow one is not waited for long. */
export function rangeBytesFor(plainBytes: number, jobs: number): number {
  return Math.max(RANGE_MIN_BYTES, Math.ceil(plainBytes / (jobs * 4)));
}

/** A file of `size` bytes cut into ranges of about `rangeBytes`, anywhere (lines are found later). */
export function byteRanges(size: number, rangeBytes: number): [start: number, end: number][] {
  const n = Math.max(1, Math.ceil(size / rangeBytes));
  return Array.from({ length: n }, (_, r) => [
    Math.floor((size * r) / n),
    r === n - 1 ? size : Math.floor((size * (r + 1)) / n),
  ]);
}

/** `input` and `part` place the task's counts: which file, which range of it. */
export type WorkerTask = { id: number; file: string; path: string; input: number; part: number } & (
  | { kind: 'range'; start: number; end: number }
  | { kind: 'stream' }
);

export type WorkerRequest = { type: 'task'; task: WorkerTask } | { type: 'finish' };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; compression: 'none' | 'gzip'; counts: ScanCounts }
  | { type: 'failed'; id: number; message: string; code: string | undefined; input: boolean }
  | { type: 'state'; state: SummariserState };

interface Input {
  name: string;
  kind: 'stdin' | 'plain' | 'gzip' | 'stream';
  size: number;
}

async function inspect(name: string): Promise<Input> {
  if (name === '-') return { name, kind: 'stdin', size: 0 };
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(name, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(
      `cannot read ${name}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
      [{ file: name, message: e.code ?? e.message }],
      undefined,
      'LBD_ERR_FILE',
    );
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) {
      throw new InputError(
        `${name} is a directory, not a log file`,
        [{ file: name, message: 'a directory' }],
        undefined,
        'LBD_ERR_FILE',
      );
    }
    if (!st.isFile()) return { name, kind: 'stream', size: 0 };
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return { name, kind: isGzip(head.subarray(0, bytesRead)) ? 'gzip' : 'plain', size: st.size };
  } finally {
    await fh.close();
  }
}

interface FileTally extends FileSummary {
  /** Per range, in file order: its counts (line numbers in samples relative to the range). */
  parts: Map<number, ScanCounts>;
}

/** Where the compiled worker is; absent when running from the TypeScript sources (tests). */
function workerUrl(): URL | undefined {
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Summarises these logs. Throws InputError (exit 2) for a file that cannot be
 * read, is not gzip though it says so, or is mostly not in the ELB layout; a
 * few bad lines are counted and sampled in the summary instead.
 */
export async function summariseLogs(
  names: readonly string[],
  options: ReadLogsOptions = {},
): Promise<LogSummary> {
  const { jobs: wantedJobs, stdin, ...summaryOptions } = options;
  // One at a time: a thousand rotated files must not open a thousand descriptors at once.
  const inputs: Input[] = [];
  for (const name of names) inputs.push(await inspect(name));
  const tallies = inputs.map<FileTally>((i) => ({
    name: i.name,
    compression: i.kind === 'gzip' ? 'gzip' : 'none',
    lines: 0,
    records: 0,
    blank: 0,
    bad: 0,
    parts: new Map(),
  }));
  const summariser = new LogSummariser(summaryOptions);
  const jobs = Math.max(1, Math.floor(wantedJobs ?? availableParallelism()));
  const url = workerUrl();
  const plainBytes = inputs.reduce((n, i) => n + (i.kind === 'plain' ? i.size : 0), 0);
  const gzips = inputs.filter((i) => i.kind === 'gzip').length;
  const parallel = url !== undefined && (plainBytes >= PARALLEL_MIN_BYTES || (jobs > 1 && gzips > 1));

  // Tasks for workers: ranges of plain files and whole gzip files. The rest is read here.
  const tasks: WorkerTask[] = [];
  const here: number[] = [];
  const rangeBytes = rangeBytesFor(plainBytes, jobs);
  inputs.forEach((input, index) => {
    if (!parallel || input.kind === 'stdin' || input.kind === 'stream') {
      here.push(index);
      return;
    }
    const task = { id: tasks.length, file: input.name, path: input.name, input: index };
    if (input.kind === 'gzip') {
      tasks.push({ ...task, kind: 'stream', part: 0 });
      return;
    }
    byteRanges(input.size, rangeBytes).forEach(([start, end], part) => {
      tasks.push({ ...task, id: tasks.length, kind: 'range', part, start, end });
    });
  });

  const [states] = await Promise.all([
    tasks.length > 0 && url
      ? runWorkers(url, tasks, Math.min(jobs, tasks.length), summaryOptions, (task, compression, counts) => {
          const t = tallies[task.input]!;
          t.parts.set(task.part, counts);
          if (compression === 'gzip') t.compression = 'gzip';
        })
      : Promise.resolve([] as SummariserState[]),
    (async () => {
      for (const index of here) {
        const input = inputs[index]!;
        const scanner = new LineScanner(summariser, input.name);
        const source =
          input.kind === 'stdin'
            ? (stdin ?? process.stdin)
            : createReadStream(input.name, { highWaterMark: 64 * 1024 });
        const compression = await scanStream(source, scanner, input.name);
        const t = tallies[index]!;
        t.parts.set(0, scanner);
        t.compression = compression;
      }
    })(),
  ]);
  for (const st of states) summariser.merge(st);

  // Per file: counts, and bad-line samples numbered from the file's start.
  const samples: LineProblem[] = [];
  const files: FileSummary[] = [];
  for (const t of tallies) {
    let before = 0;
    const fileSamples: LineProblem[] = [];
    for (const part of [...t.parts.keys()].sort((a, b) => a - b)) {
      const c = t.parts.get(part)!;
      for (const s of c.samples)
        if (fileSamples.length < SAMPLE_LIMIT) fileSamples.push({ ...s, line: s.line + before });
      before += c.lines;
      t.lines += c.lines;
      t.blank += c.blank;
      t.bad += c.bad;
      t.records += c.records;
    }
    // Mostly not in the layout: this is not an ELB access log (exit 2).
    if (t.bad > 0 && t.bad >= t.records) {
      throw new InputError(
        `${t.name}: ${t.bad} of ${t.bad + t.records} lines are not ELB access-log lines`,
        fileSamples.map((s) => ({
          file: s.file,
          line: s.line,
          ...(s.field ? { field: s.field } : {}),
          message: s.message,
        })),
        'lbdoctor logs reads the ELB layout (docs/logs.md, shared/elb-access-log.md): 33 space-separated fields starting "msec topic_id [time] elb_01 addr:port status"',
      );
    }
    for (const s of fileSamples) if (samples.length < SAMPLE_LIMIT) samples.push(s);
    files.push({
      name: t.name,
      compression: t.compression,
      lines: t.lines,
      records: t.records,
      blank: t.blank,
      bad: t.bad,
    });
  }
  return summariser.finish({ files, badSamples: samples });
}

function runWorkers(
  url: URL,
  tasks: readonly WorkerTask[],
  count: number,
  options: SummaryOptions,
  onDone: (task: WorkerTask, compression: 'none' | 'gzip', counts: ScanCounts) => void,
): Promise<SummariserState[]> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let failed = false;
    const states: SummariserState[] = [];
    const workers: Worker[] = [];
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(url, { workerData: { options } });
      workers.push(w);
      let finished = false;
      const send = () => {
        const task = tasks[next];
        if (task) {
          next++;
          w.postMessage({ type: 'task', task } satisfies WorkerRequest);
        } else w.postMessage({ type: 'finish' } satisfies WorkerRequest);
      };
      w.on('message', (m: WorkerReply) => {
        if (failed) return;
        if (m.type === 'ready') send();
        else if (m.type === 'done') {
          onDone(tasks[m.id]!, m.compression, m.counts);
          send();
        } else if (m.type === 'failed') {
          const task = tasks[m.id];
          fail(
            m.input
              ? new InputError(m.message, [{ file: task?.file ?? '?', message: m.message }])
              : new LbdError('LBD_ERR_INTERNAL', `reading ${task?.file ?? '?'}: ${m.message}`),
          );
        } else if (m.type === 'state') {
          finished = true;
          states.push(m.state);
          void w.terminate();
          if (states.length === count) resolve(states);
        }
      });
      w.on('error', (err) => fail(err));
      w.on('exit', (code) => {
        if (!finished)
          fail(new LbdError('LBD_ERR_INTERNAL', `a log worker thread stopped early (exit code ${code})`));
      });
    }
  });
}
