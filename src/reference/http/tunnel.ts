// A WebSocket (or other Upgrade) exchange after its head went to the member
// (FAQ 5.5): raw bytes both ways, with backpressure, until either side closes.
// Only the member's status line is read, for the access log and metrics; its
// answer, 101 or not, reaches the client as it was sent.
import type { ClientConnection } from './client-connection.js';
import type { ClientSend } from './response-relay.js';
import type { UpstreamConnection } from './upstream-pool.js';

export class Tunnel {
  /** Bytes the client sent into the tunnel (request_length). */
  clientBytes = 0;
  private sawStatus = false;

  constructor(
    private readonly conn: ClientConnection,
    private readonly up: UpstreamConnection,
    private readonly send: ClientSend,
    /** The member's status line arrived (null: not an HTTP status line). */
    private readonly onStatus: (status: number | null) => void,
  ) {
    // Whatever the client sent after its head belongs to the tunnel.
    const rest = conn.buf;
    conn.buf = null;
    if (rest) {
      this.clientBytes += rest.length;
      up.socket.write(rest);
    }
  }

  fromClient(chunk: Buffer): void {
    this.clientBytes += chunk.length;
    if (!this.up.socket.write(chunk)) this.conn.pause();
  }

  fromMember(chunk: Buffer): void {
    if (!this.sawStatus) {
      this.sawStatus = true;
      const code = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1', 0, 16))?.[1];
      this.onStatus(code ? Number(code) : null);
    }
    this.send(chunk, chunk.length);
  }
}
