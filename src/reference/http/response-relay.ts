// A member's response on its way to the client, once its head is read: the
// head the client gets (end-to-end headers, the listener's own framing and
// connection headers), then the body streamed as the member framed it, with
// the head in the same write as the first body bytes. It tells the exchange
// when the body is complete and when it broke (a short body, a broken chunk),
// so a cut-off response is never taken for a whole one.
import { endToEndHeaderLines } from './forward-headers.js';
import { ChunkedDecoder } from './wire/chunked.js';
import type { BodyFraming, ResponseHead } from './wire/response-head.js';

const CRLF = '\r\n';
/** Response bodies up to this size go out in one string with their head (see out()). */
const SMALL_BODY = 8 * 1024;
/** Response headers the listener frames itself. */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length']);
const NONE: ReadonlySet<string> = new Set();

/** How a member broke a response it had started. */
export type BrokenBy = 'member-closed' | 'member-invalid-chunk';

/** Where the relay stands after some bytes; a broken response says how, and what went wrong in nginx's words. */
export type RelayState = 'more' | 'complete' | { broken: BrokenBy; message: string };

/** Writes bytes for the client (`bodyBytes` of them are body), counting them and minding backpressure. */
export type ClientSend = (data: string | Buffer, bodyBytes: number) => void;

export interface ClientHeadOptions {
  setCookie: string | null;
  keepAlive: boolean;
  /** The client speaks HTTP/1.0: `Connection: keep-alive` must be said. */
  http10: boolean;
  /** A chunked body decoded for an HTTP/1.0 client, delimited by closing. */
  dechunk: boolean;
  /** `Keep-Alive: timeout=N` and CRLF. */
  keepAliveHeader: string;
}

/** The response head as the client gets it. */
export function clientResponseHead(head: ResponseHead, framing: BodyFraming, o: ClientHeadOptions): string {
  let out = `HTTP/1.1 ${head.status} ${head.reason}\r\n`;
  out += endToEndHeaderLines(head, framing.kind === 'none' ? NONE : FRAMING_HEADERS);
  if (o.setCookie) out += `Set-Cookie: ${o.setCookie}\r\n`;
  if (framing.kind === 'length') out += `Content-Length: ${framing.length}\r\n`;
  else if (framing.kind === 'chunked' && !o.dechunk) out += 'Transfer-Encoding: chunked\r\n';
  if (!o.keepAlive) out += 'Connection: close\r\n';
  else {
    if (o.http10) out += 'Connection: keep-alive\r\n';
    // The client's own idle timeout (not the member's), so it does not reuse a connection about to close.
    out += o.keepAliveHeader;
  }
  return out + CRLF;
}

export class ResponseRelay {
  /** Body bytes still to come (Content-Length framing). */
  private left: number;
  private readonly decoder: ChunkedDecoder | null;
  /** The head, written together with the first body bytes. */
  private pendingHead: string | null;
  /** Bytes past the end of the response (a misbehaving member): its connection is not reused. */
  surplus = false;

  constructor(
    readonly framing: BodyFraming,
    clientHead: string,
    /** Decode a chunked body (an HTTP/1.0 client gets it delimited by closing). */
    private readonly dechunk: boolean,
    private readonly send: ClientSend,
  ) {
    this.pendingHead = clientHead;
    this.left = framing.kind === 'length' ? framing.length : 0;
    this.decoder = framing.kind === 'chunked' ? new ChunkedDecoder() : null;
  }

  /**
   * The client knows the body's end only when the connection closes: a cut-off
   * cannot be told from the end unless the connection is reset.
   */
  get closeDelimited(): boolean {
    return this.framing.kind === 'close' || this.dechunk;
  }

  /** Starts with the body bytes that came with the head. */
  start(rest: Buffer | null): RelayState {
    const f = this.framing;
    if (f.kind === 'none' || (f.kind === 'length' && f.length === 0)) {
      this.surplus = rest !== null;
      this.flush();
      return 'complete';
    }
    if (rest) return this.push(rest);
    this.flush();
    return 'more';
  }

  /** Body bytes from the member. */
  push(chunk: Buffer): RelayState {
    switch (this.framing.kind) {
      case 'length': {
        const n = Math.min(this.left, chunk.length);
        if (n < chunk.length) this.surplus = true;
        this.left -= n;
        this.out(n === chunk.length ? chunk : chunk.subarray(0, n));
        if (this.left > 0) return 'more';
        this.flush();
        return 'complete';
      }
      case 'chunked': {
        const decoder = this.decoder as ChunkedDecoder;
        let consumed: number;
        if (this.dechunk) {
          consumed = decoder.push(chunk, 0, (data) => this.out(data));
          this.flush();
        } else {
          // Chunked passes through as the member framed it: the decoder only checks it.
          consumed = decoder.push(chunk, 0);
          if (consumed > 0) this.out(consumed === chunk.length ? chunk : chunk.subarray(0, consumed));
        }
        if (decoder.error) {
          return {
            broken: 'member-invalid-chunk',
            message: `upstream sent invalid chunked response (${decoder.error})`,
          };
        }
        if (!decoder.done) return 'more';
        if (consumed < chunk.length) this.surplus = true;
        this.flush();
        return 'complete';
      }
      case 'close':
        this.out(chunk);
        return 'more';
      case 'none':
        this.surplus = true;
        return 'complete';
    }
  }

  /** The member closed its connection (or sent FIN): the end of a close-delimited body, else a cut-off. */
  memberClosed(): RelayState {
    if (this.framing.kind === 'close') {
      this.flush();
      return 'complete';
    }
    const missing = this.framing.kind === 'length' ? `, ${this.left} body bytes missing` : '';
    return {
      broken: 'member-closed',
      message: `upstream prematurely closed connection while reading upstream${missing}`,
    };
  }

  /** Writes the head if no body bytes carried it yet. */
  flush(): void {
    if (this.pendingHead !== null) this.out(null);
  }

  /** Body bytes for the client, with the head before them in the same write. */
  private out(body: Buffer | null): void {
    const head = this.pendingHead;
    this.pendingHead = null;
    let data: string | Buffer;
    if (head !== null && body) {
      if (body.length <= SMALL_BODY) {
        // One latin1 string (a byte per char): Node writes a short string from a stack buffer,
        // cheaper than allocating a Buffer and copying the head and the body into it.
        data = head + body.toString('latin1');
      } else {
        data = Buffer.allocUnsafe(head.length + body.length);
        data.write(head, 0, 'latin1');
        body.copy(data, head.length);
      }
    } else if (head !== null) data = head;
    else if (body) data = body;
    else return;
    this.send(data, body ? body.length : 0);
  }
}
