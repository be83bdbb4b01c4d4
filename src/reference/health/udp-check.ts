// UDP_CONNECT health check, as FAQ 2.4 describes it:
//  1. ICMP echo to the member. No reply within the timeout → unhealthy.
//  2. A UDP datagram to the check port. An ICMP port-unreachable within the
//     timeout → unhealthy; silence → healthy. The member's application need
//     not answer at all — which is why a dead service behind a host that
//     rate-limits ICMP (icmp_ratelimit/icmp_ratemask) still looks healthy.
// On a *connected* UDP socket Linux reports the port-unreachable as
// ECONNREFUSED, which Node emits as the socket's 'error' event.
import dgram from 'node:dgram';
import net from 'node:net';
import { icmpEcho } from './icmp-echo.js';
import { checkSignal, seconds } from './timeout.js';
import type { CheckResult, CheckTarget } from './types.js';

/** What the checker sends; any bytes would do, a name helps whoever captures it. */
const PROBE = Buffer.from('lbdoctor-udp-health-check\n');

export interface UdpCheckOptions {
  timeoutSeconds: number;
  /** Replaces the ICMP echo step (tests, or callers that already pinged). */
  echo?: typeof icmpEcho;
}

export async function udpCheck(
  target: CheckTarget,
  opts: UdpCheckOptions,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const started = performance.now();
  const where = `${target.address}:${target.port}`;
  const echo = await (opts.echo ?? icmpEcho)(target.address, opts.timeoutSeconds, signal);
  const took = () => performance.now() - started;
  if (!echo.replied) {
    if (echo.error) {
      return {
        outcome: 'error',
        phase: 'icmp-echo',
        durationMs: took(),
        reason: `ICMP echo to ${target.address} could not run: ${echo.error}`,
      };
    }
    return {
      outcome: 'fail',
      phase: 'icmp-echo',
      durationMs: took(),
      reason: `no ICMP echo reply from ${target.address} within ${seconds(opts.timeoutSeconds)}: ICMP disabled (icmp_echo_ignore_all=1?) or dropped (FAQ 2.4)`,
    };
  }
  const verdict = await udpProbe(target, opts.timeoutSeconds, signal);
  return { ...verdict, phase: 'udp', durationMs: took(), reason: verdict.reason.replace('{where}', where) };
}

/** Step 2 alone: fails only on ICMP port unreachable (ECONNREFUSED) within the timeout. */
export function udpProbe(
  target: CheckTarget,
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<Pick<CheckResult, 'outcome' | 'reason'>> {
  const abort = checkSignal(timeoutSeconds, signal);
  const where = `${target.address}:${target.port}`;
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(target.address) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (r: Pick<CheckResult, 'outcome' | 'reason'>) => {
      if (done) return;
      done = true;
      abort.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.close();
      resolve(r);
    };
    const onAbort = () =>
      finish(
        signal?.aborted
          ? { outcome: 'error', reason: `UDP check of ${where} cancelled` }
          : {
              outcome: 'pass',
              reason: `ICMP echo answered and no ICMP port unreachable for UDP ${where} within ${seconds(timeoutSeconds)} (FAQ 2.4)`,
            },
      );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        finish({
          outcome: 'fail',
          reason: `ICMP port unreachable for UDP ${where}: nothing listens on that port (FAQ 2.4)`,
        });
      } else {
        finish({
          outcome: 'error',
          reason: `UDP check of ${where} could not run: ${err.code ?? err.message}`,
        });
      }
    });
    // A reply is not required, but it is as good a sign as silence.
    socket.on('message', () =>
      finish({ outcome: 'pass', reason: `UDP ${where} answered the probe (FAQ 2.4)` }),
    );
    if (abort.aborted) return onAbort();
    abort.addEventListener('abort', onAbort, { once: true });
    socket.connect(target.port, target.address, () => {
      socket.send(PROBE, (err) => {
        if (err) socket.emit('error', err);
      });
    });
  });
}
