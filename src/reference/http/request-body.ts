// A request body on its way from the client to a member: streamed as it
// arrives, never buffered whole, with backpressure from the member. A chunked
// body is decoded and framed again chunk by chunk, so no member can read its
// framing differently from the load balancer (request smuggling); a
// Content-Length body goes on with the length exactly as the client wrote it
// (request-checks.ts refuses any spelling that could be read two ways).
import type net from 'node:net';
import { ChunkedDecoder } from './wire/chunked.js';

const CRLF = '\r\n';

/** Why a body cannot be forwarded: the load balancer answers this status itself (FAQ 1.5). */
export interface BodyRefusal {
  status: 400 | 413;
  reason: string;
}

export class RequestBody {
  /** The client sends a body (chunked, or a Content-Length above 0). */
  readonly present: boolean;
  private readonly chunked: ChunkedDecoder | null;
  private left: number;
  /** The client's Content-Length; null for chunked or none. Forwarded even when 0 (nginx does). */
  private readonly declaredLength: number | null;
  /** Bytes have started to flow to a member: the request can no longer be sent elsewhere. */
  started = false;
  done: boolean;
  /** Body bytes read from the client, as they were framed on the wire. */
  bytes = 0;

  constructor(framing: { chunked: boolean; contentLength: number | null }) {
    this.chunked = framing.chunked ? new ChunkedDecoder() : null;
    this.declaredLength = framing.chunked ? null : framing.contentLength;
    this.left = this.declaredLength ?? 0;
    this.present = framing.chunked || this.left > 0;
    this.done = !this.present;
  }

  /** The client is sending bytes the listener reads now. */
  get flowing(): boolean {
    return this.started && !this.done;
  }

  /** The framing header line for the member's copy of the request, CRLF included ('' without a body). */
  framingHeader(): string {
    if (this.chunked) return 'Transfer-Encoding: chunked\r\n';
    if (this.declaredLength !== null) return `Content-Length: ${this.declaredLength}${CRLF}`;
    return '';
  }

  /**
   * Writes the body bytes at the front of `buf` to `socket`. Returns the bytes
   * consumed, whether the socket took them without backing up, and a refusal
   * when the body turned out to be malformed or too large.
   */
  pull(
    buf: Buffer,
    socket: net.Socket,
    bodyLimit: number,
  ): { consumed: number; ok: boolean; refusal?: BodyRefusal } {
    if (!this.chunked) {
      const n = Math.min(this.left, buf.length);
      const ok = socket.write(n === buf.length ? buf : buf.subarray(0, n));
      this.left -= n;
      this.bytes += n;
      if (this.left === 0) this.done = true;
      return { consumed: n, ok };
    }
    const decoder = this.chunked;
    let ok = true;
    socket.cork();
    // Framed again chunk by chunk: extensions and trailers stay behind.
    const consumed = decoder.push(buf, 0, (data) => {
      socket.write(data.length.toString(16) + CRLF, 'latin1');
      socket.write(data);
      ok = socket.write(CRLF, 'latin1');
    });
    if (decoder.done) ok = socket.write('0\r\n\r\n', 'latin1');
    socket.uncork();
    this.bytes += consumed;
    if (decoder.error) {
      return { consumed, ok, refusal: { status: 400, reason: `malformed chunked body: ${decoder.error}` } };
    }
    if (decoder.payloadBytes > bodyLimit) {
      return { consumed, ok, refusal: { status: 413, reason: `body exceeds ${bodyLimit} bytes` } };
    }
    if (decoder.done) this.done = true;
    return { consumed, ok };
  }
}
