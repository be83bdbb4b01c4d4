// A pass-through Duplex that reads its inner stream eagerly ('data' events).
// Two uses: the tls probe keeps a copy of what the server sent (to read the
// presented chain), and the http probe reads SSH channels through it — ssh2
// destroys a channel when the remote closes, discarding bytes nobody has read
// yet, so undici (which reads on 'readable') would see "closed" instead of the
// malformed response or RST that really arrived.
import { Duplex } from 'node:stream';

/** A Duplex that passes everything through and keeps a copy of what it read (bounded). */
export function tapIncoming(inner: Duplex, limit = 256 * 1024): { stream: Duplex; received: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  const outer = new Duplex({
    read() {
      inner.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      inner.write(chunk, cb);
    },
    final(cb) {
      inner.end();
      cb();
    },
    destroy(err, cb) {
      inner.destroy();
      cb(err);
    },
  });
  inner.on('data', (chunk: Buffer) => {
    if (size < limit) {
      chunks.push(chunk);
      size += chunk.length;
    }
    if (!outer.push(chunk)) inner.pause();
  });
  let eof = false;
  const end = (): void => {
    if (eof || outer.destroyed) return;
    eof = true;
    outer.push(null);
  };
  inner.on('end', end);
  inner.on('close', end);
  inner.on('error', (err) => outer.destroy(err));
  return { stream: outer, received: () => Buffer.concat(chunks) };
}
