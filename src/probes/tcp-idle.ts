// tcp-idle: open a connection, send nothing, and watch how it ends. A load
// balancer's TCP listener resets connections idle past its idle timeout
// (FAQ 1.4 step 3, 5.6); an application that keeps pooled connections quiet
// sees them die with ECONNRESET.
import { classifyDialError, describeDialFailure } from '../transport/dialers/local.js';
import { type TcpIdleParams, tcpIdleContract } from './contracts/tcp-idle.js';
import { formatTarget, ms } from './network-params.js';
import type { NetworkProbe, Observation } from './types.js';

export const tcpIdleProbe: NetworkProbe<TcpIdleParams> = {
  ...tcpIdleContract,
  // The hold is the point of the probe: it needs that long on top of --timeout.
  extraTimeMs: (p) => holdMs(p),
  async run(p, ctx): Promise<Observation> {
    const target = formatTarget(p.host, p.port);
    const base = { host: p.host, port: p.port, vantage: ctx.dialer.vantage };
    const started = performance.now();
    let stream: Awaited<ReturnType<typeof ctx.dialer.connect>>;
    try {
      stream = await ctx.dialer.connect(p.host, p.port, { signal: ctx.signal, timeoutMs: ctx.timeoutMs });
    } catch (err) {
      const f = classifyDialError(err);
      const summary = `${target} ${describeDialFailure(f)}: the idle hold could not start (from ${ctx.dialer.vantage})`;
      return {
        outcome: 'error',
        summary,
        reason: summary,
        data: { ...base, state: f.state },
        durationMs: performance.now() - started,
      };
    }
    const opened = performance.now();
    const ended = await new Promise<'reset' | 'closed' | 'open' | 'aborted'>((resolve) => {
      const timer = setTimeout(() => resolve('open'), holdMs(p));
      const done = (how: 'reset' | 'closed' | 'aborted') => {
        clearTimeout(timer);
        resolve(how);
      };
      stream.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNRESET' ? 'reset' : 'closed'));
      stream.on('end', () => done('closed'));
      stream.on('close', () => done('closed'));
      stream.resume();
      ctx.signal.addEventListener('abort', () => done('aborted'), { once: true });
    });
    const heldMs = ms(performance.now() - opened);
    stream.destroy();
    if (ended === 'aborted') {
      const reason = 'the run was stopped during the idle hold';
      return {
        outcome: 'error',
        summary: `${target}: ${reason}`,
        reason,
        data: { ...base, heldMs },
        durationMs: heldMs,
      };
    }
    if (ended === 'open') {
      return {
        outcome: 'pass',
        summary: `${target} kept an idle connection open for ${holdMs(p) / 1000} s (from ${ctx.dialer.vantage})`,
        data: { ...base, ended, heldMs },
        expected: `open for ${holdMs(p) / 1000} s`,
        actual: 'open',
        durationMs: heldMs,
      };
    }
    return {
      outcome: 'fail',
      summary: `${target} ${ended === 'reset' ? 'reset (RST)' : 'closed (FIN)'} an idle connection after ${Math.round(heldMs / 100) / 10} s (from ${ctx.dialer.vantage})`,
      data: { ...base, ended, afterMs: heldMs, heldMs },
      expected: `open for ${holdMs(p) / 1000} s`,
      actual: ended,
      durationMs: heldMs,
    };
  },
};

/** Past the idle timeout by a margin, so a reset at the timeout is seen. */
function holdMs(p: TcpIdleParams): number {
  return (p.idleTimeout + 3) * 1000;
}
