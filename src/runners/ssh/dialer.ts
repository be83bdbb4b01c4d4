// A Dialer through an SSH host (direct-tcpip / forwardOut): network probes run
// from a backend's vantage without needing curl or nc on it. Failures keep
// the remote strerror text ("Connection refused", "No route to host") so the
// probes' classifyDialError tells refused from timeout from unreachable.
import type { Duplex } from 'node:stream';
import { DialError } from '../../transport/dialers/local.js';
import type { Dialer } from '../../transport/types.js';
import { onAbort } from './abort.js';
import type { ConnectionSource } from './runner.js';

export function createSshDialer(vantage: string, connect: ConnectionSource): Dialer {
  return {
    vantage,
    async connect(host, port, { signal, timeoutMs }) {
      if (signal.aborted)
        throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
      const conn = await connect(signal);
      let timer: NodeJS.Timeout | undefined;
      let stopListening: (() => void) | undefined;
      const opening = conn.ssh.forwardOut('127.0.0.1', 0, host, port) as Promise<Duplex>;
      try {
        return await Promise.race([
          opening,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new DialError(
                    'ETIMEDOUT',
                    'connect',
                    `connect to ${host}:${port} from ${vantage} timed out after ${timeoutMs} ms`,
                  ),
                ),
              timeoutMs,
            );
            stopListening = onAbort(signal, () =>
              reject(
                signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'),
              ),
            );
          }),
        ]);
      } catch (e) {
        // A channel that opens after we gave up must not leak.
        opening.then(
          (ch) => ch.destroy(),
          () => undefined,
        );
        throw e;
      } finally {
        clearTimeout(timer);
        stopListening?.();
      }
    },
  };
}
