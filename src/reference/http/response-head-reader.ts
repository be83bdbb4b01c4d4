// Reads a member's response head off its connection, however the bytes are
// split: 1xx informational answers are skipped (they stay between the load
// balancer and the member), and anything that cannot be framed without doubt
// is malformed — the client then gets ELB's 502 (FAQ 1.5), not the bytes.
import { appendBytes } from './wire/append.js';
import { findHeadEnd } from './wire/head-end.js';
import {
  type BodyFraming,
  parseResponseHead,
  type ResponseHead,
  responseFraming,
} from './wire/response-head.js';

/** A member's response head larger than this is malformed (nginx: proxy_buffer_size). */
export const MAX_RESPONSE_HEAD = 64 * 1024;

export type HeadRead =
  | { kind: 'more' }
  | { kind: 'malformed'; reason: string }
  /** `rest`: body bytes that came with the head. */
  | { kind: 'head'; head: ResponseHead; framing: BodyFraming; rest: Buffer | null };

const MORE: HeadRead = { kind: 'more' };

export class ResponseHeadReader {
  private buf: Buffer | null = null;
  /** Where to resume looking for the end of the head. */
  private scanFrom = 0;

  constructor(private readonly requestMethod: string) {}

  push(chunk: Buffer): HeadRead {
    let buf = appendBytes(this.buf, chunk);
    for (;;) {
      const end = findHeadEnd(buf, this.scanFrom);
      if (end === 'bare-lf') return { kind: 'malformed', reason: 'bare LF in the response head' };
      if (end < 0) {
        if (buf.length > MAX_RESPONSE_HEAD)
          return { kind: 'malformed', reason: 'upstream sent too big header' };
        this.buf = buf;
        this.scanFrom = Math.max(0, buf.length - 3);
        return MORE;
      }
      this.scanFrom = 0;
      // A whole head can come in one read: its size is checked here too.
      if (end > MAX_RESPONSE_HEAD) return { kind: 'malformed', reason: 'upstream sent too big header' };
      const parsed = parseResponseHead(buf, 0, end);
      if (!parsed.ok) return { kind: 'malformed', reason: parsed.reason };
      const head = parsed.head;
      if (head.status < 200) {
        // 101 is only for upgrades, which never come here (tunnel.ts).
        if (head.status === 101) {
          return { kind: 'malformed', reason: '101 Switching Protocols to a request without Upgrade' };
        }
        if (end === buf.length) {
          this.buf = null;
          return MORE;
        }
        buf = buf.subarray(end);
        continue;
      }
      const framing = responseFraming(head, this.requestMethod);
      if ('error' in framing) return { kind: 'malformed', reason: framing.error };
      this.buf = null;
      return { kind: 'head', head, framing, rest: end === buf.length ? null : buf.subarray(end) };
    }
  }
}
