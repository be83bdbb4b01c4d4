// TCP health check: the member is healthy when a TCP handshake to the check
// port completes within `timeout` (FAQ 2.1 "Checking the Health Check
// Configuration"). A refused connection (RST) and silence are reported apart
// because they point at different causes (port not listening vs. a firewall
// or security group dropping the checker's range).
import net from 'node:net';
import { checkSignal, seconds } from './timeout.js';
import type { CheckResult, CheckTarget } from './types.js';

export function tcpCheck(
  target: CheckTarget,
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const started = performance.now();
  const where = `${target.address}:${target.port}`;
  const abort = checkSignal(timeoutSeconds, signal);
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.address, port: target.port });
    const finish = (outcome: CheckResult['outcome'], reason: string) => {
      abort.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve({ outcome, reason, durationMs: performance.now() - started, phase: 'connect' });
    };
    const onAbort = () =>
      signal?.aborted
        ? finish('error', `TCP check of ${where} cancelled`)
        : finish(
            'fail',
            `TCP connect to ${where} got no answer within ${seconds(timeoutSeconds)}: packets dropped (firewall, security group or ACL?) or host down (FAQ 2.1)`,
          );
    if (abort.aborted) return onAbort();
    abort.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish('pass', `TCP connect to ${where} succeeded`));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        finish(
          'fail',
          `TCP connect to ${where} refused (RST): nothing listens on port ${target.port} (FAQ 2.1)`,
        );
      } else {
        finish('fail', `TCP connect to ${where} failed: ${err.code ?? err.message} (FAQ 2.1)`);
      }
    });
  });
}
