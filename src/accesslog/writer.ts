// Where the reference load balancer's access-log lines go: a file (appended) or
// any Writable (tests, stdout). One line per request.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { type AccessLogEntry, formatElbAccessLogLine } from './format.js';

export interface AccessLogWriter {
  write(entry: AccessLogEntry): void;
  close(): Promise<void>;
}

export function openAccessLog(target: string | Writable): AccessLogWriter {
  const owned = typeof target === 'string';
  const out: Writable = typeof target === 'string' ? createWriteStream(target, { flags: 'a' }) : target;
  return {
    write(entry) {
      out.write(`${formatElbAccessLogLine(entry)}\n`);
    },
    close() {
      if (!owned) return Promise.resolve();
      return new Promise((resolve) => out.end(resolve));
    },
  };
}
