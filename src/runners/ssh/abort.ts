// One run signal is shared by every host's connection, read and forwarded
// stream, so dozens of short-lived abort listeners on it are normal (each is
// removed when its operation ends): lift Node's leak warning for that signal.
import { setMaxListeners } from 'node:events';

const lifted = new WeakSet<AbortSignal>();

export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (!lifted.has(signal)) {
    setMaxListeners(0, signal);
    lifted.add(signal);
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
