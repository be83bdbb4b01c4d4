// Growing a buffer of unparsed bytes as packets arrive. Concatenating on every
// packet copies everything received so far each time: a head sent a byte at a
// time (slowloris) would cost quadratic copying, about 5 GB for one 96 KB
// head. Here the bytes live in a store that doubles, so each byte is copied
// a bounded number of times.

/** Stores this module allocated, and where their used bytes end. */
const usedEnd = new WeakMap<ArrayBufferLike, number>();

const MIN_STORE = 4096;

/**
 * `buf` followed by `chunk`. The result may share memory with `buf`: the
 * caller must treat `buf` as replaced (views of bytes already in it stay valid).
 */
export function appendBytes(buf: Buffer | null, chunk: Buffer): Buffer {
  if (!buf || buf.length === 0) return chunk;
  const need = buf.length + chunk.length;
  const store = buf.buffer;
  const end = buf.byteOffset + buf.length;
  if (usedEnd.get(store) === end && end + chunk.length <= store.byteLength) {
    // Room behind `buf` in a store of ours, and nothing else was appended there.
    chunk.copy(Buffer.from(store, end, chunk.length));
    usedEnd.set(store, end + chunk.length);
    return Buffer.from(store, buf.byteOffset, need);
  }
  // Not pooled (allocUnsafeSlow): the whole ArrayBuffer is ours to grow into.
  const grown = Buffer.allocUnsafeSlow(Math.max(MIN_STORE, need * 2));
  buf.copy(grown, 0);
  chunk.copy(grown, buf.length);
  usedEnd.set(grown.buffer, need);
  return grown.subarray(0, need);
}
