// A worker thread of `lbdoctor logs`: it takes tasks (a range of a plain file,
// or a whole gzip file) from the main thread one at a time, folds every line
// into its own summariser, reports each task's line counts, and at the end
// sends its summariser's state to be merged (read.ts).
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { LbdError } from '../errors.js';
import { LineScanner } from './scan.js';
import { scanFileRange, scanStream } from './sources.js';
import { LogSummariser, type SummaryOptions } from './summarise.js';
import type { WorkerReply, WorkerRequest } from './read.js';

const port = parentPort;
if (!port) throw new Error('src/logs/worker.ts runs as a worker thread');
const summariser = new LogSummariser((workerData as { options: SummaryOptions }).options);
const reply = (m: WorkerReply) => port.postMessage(m);

port.on('message', async (m: WorkerRequest) => {
  if (m.type === 'finish') {
    reply({ type: 'state', state: summariser.state() });
    return;
  }
  const t = m.task;
  const scanner = new LineScanner(summariser, t.file);
  try {
    let compression: 'none' | 'gzip' = 'none';
    if (t.kind === 'range') scanFileRange(t.path, t.start, t.end, scanner);
    else
      compression = await scanStream(createReadStream(t.path, { highWaterMark: 64 * 1024 }), scanner, t.file);
    const { lines, blank, bad, records, samples } = scanner;
    reply({ type: 'done', id: t.id, compression, counts: { lines, blank, bad, records, samples } });
  } catch (err) {
    const e = err as Error & { code?: string };
    reply({
      type: 'failed',
      id: t.id,
      message: e.message,
      code: e instanceof LbdError ? e.code : e.code,
      input: e instanceof LbdError,
    });
  }
});
reply({ type: 'ready' });
