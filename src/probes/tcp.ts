// tcp: can this vantage open a TCP connection to host:port? The answer keeps
// RST apart from silence: a refused connection means nothing listens there
// (FAQ 1.2 step 1, 2.1 "Checking the Backend Server"), while a timeout means
// something drops the SYN — security group, network ACL or host firewall
// (FAQ 2.1/2.2 "Checking Security Group Rules", "Checking the Firewall").
import type { z } from 'zod';
import {
  classifyDialError,
  type DialState,
  describeDialFailure,
  dialTimingsOf,
} from '../transport/dialers/local.js';
import type { dialState, Proof, Same } from './contracts/define.js';
import { type TcpParams, tcpContract } from './contracts/tcp.js';
import { formatTarget, ms } from './network-params.js';
import type { NetworkProbe, Observation } from './types.js';

export { type TcpParams, tcpParams } from './contracts/tcp.js';

/** The contract's `data.state` lists exactly the dialer's states. */
export type DialStatesListed = Proof<Same<z.infer<typeof dialState>, DialState>>;

export const tcpProbe: NetworkProbe<TcpParams> = {
  ...tcpContract,
  async run(params, ctx): Promise<Observation> {
    const target = formatTarget(params.host, params.port);
    const started = performance.now();
    const base = { host: params.host, port: params.port, vantage: ctx.dialer.vantage };
    try {
      const stream = await ctx.dialer.connect(params.host, params.port, {
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs,
      });
      const durationMs = performance.now() - started;
      const t = dialTimingsOf(stream);
      // A peer that resets right after accepting must not crash the run.
      stream.on('error', () => {});
      stream.destroy();
      const connectMs = ms(t?.connectMs ?? durationMs);
      return {
        outcome: 'pass',
        summary: `${target} accepted the connection in ${connectMs} ms (from ${ctx.dialer.vantage})`,
        data: {
          ...base,
          state: 'open',
          connectMs,
          ...(t?.dnsMs === undefined ? {} : { dnsMs: ms(t.dnsMs) }),
          ...(t?.address ? { address: t.address } : {}),
        },
        expected: 'open',
        actual: 'open',
        durationMs,
      };
    } catch (err) {
      const durationMs = performance.now() - started;
      const f = classifyDialError(err);
      const summary = `${target} ${describeDialFailure(f)} after ${ms(durationMs)} ms (from ${ctx.dialer.vantage})`;
      const data = { ...base, state: f.state, ...(f.code ? { code: f.code } : {}), message: f.message };
      // Refused, timeout and reset are answers about the port (reset: the
      // handshake completed and the peer dropped it at once, as tcp-wrappers'
      // hosts.deny does, FAQ 2.1); the others mean the question could not be
      // put (no route, no name, cancelled).
      const answered = f.state === 'refused' || f.state === 'timeout' || f.state === 'reset';
      return {
        outcome: answered ? 'fail' : 'error',
        summary,
        data,
        ...(answered ? {} : { reason: summary }),
        expected: 'open',
        actual: f.state,
        durationMs,
      };
    }
  },
};
