// Where log bytes come from: a byte range of a plain file (read synchronously
// by a worker thread), or a stream — a gzip file, stdin, a pipe — whose gzip
// is recognised by its magic bytes (1f 8b), never by the file's name.
import { closeSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { ByteLineSplitter, type LineScanner } from './scan.js';

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The lines that start in [start, end) of a plain file (the one that starts before `start` is the previous range's). */
export function scanFileRange(path: string, start: number, end: number, scanner: LineScanner): void {
  const fd = openSync(path, 'r');
  try {
    const splitter = new ByteLineSplitter(scanner, {
      base: start > 0 ? start - 1 : 0,
      stopAt: end,
      skipFirstLine: start > 0,
    });
    let pos = start > 0 ? start - 1 : 0;
    while (!splitter.done) {
      const w = splitter.writable();
      const got = readSync(fd, w.buffer, w.offset, w.length, pos);
      if (got === 0) {
        splitter.end();
        break;
      }
      pos += got;
      splitter.wrote(got);
    }
  } finally {
    closeSync(fd);
  }
}

/** Every line of a stream, gunzipped first when it starts with gzip's magic bytes. */
export async function scanStream(
  source: AsyncIterable<Uint8Array | string>,
  scanner: LineScanner,
  name: string,
): Promise<'none' | 'gzip'> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  // Enough bytes to tell gzip from text.
  while (head.length < 2) {
    const next = await it.next();
    if (next.done) break;
    head = Buffer.concat([head, Buffer.from(next.value)]);
  }
  const rest = async function* () {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield Buffer.from(next.value);
    }
  };
  const splitter = new ByteLineSplitter(scanner);
  const consume = async (chunks: AsyncIterable<Buffer>) => {
    for await (const c of chunks) splitter.push(c);
    splitter.end();
  };
  if (!isGzip(head)) {
    await consume(rest());
    return 'none';
  }
  try {
    await pipeline(Readable.from(rest()), createGunzip(), consume);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code?.startsWith('Z_') || e.code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
      throw new InputError(`${name}: not a readable gzip stream (${e.message})`, [
        { file: name, message: `gzip: ${e.message}` },
      ]);
    }
    throw err;
  }
  return 'gzip';
}
