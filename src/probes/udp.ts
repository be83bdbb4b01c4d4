// udp: what a UDP port does with a datagram, seen through a *connected*
// socket so the kernel hands ICMP errors back to us. That is how ELB's UDP
// health check judges a member (FAQ 2.4): a reply or silence counts as up,
// an ICMP port unreachable as down. Node reports the ICMP error as
// ECONNREFUSED, either as an 'error' event or in the callback of the next
// send; both are counted.
//
// Burst mode sends N datagrams `intervalMs` apart and counts unreachables
// against sends: a closed port that answers only a few is being rate limited
// by `net.ipv4.icmp_ratelimit`/`icmp_ratemask` (FAQ 2.4: default mask 6168
// limits port unreachable, 6160 does not). Loopback is never rate limited.
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyDialError } from '../transport/dialers/local.js';
import { type UdpParams, type UdpState, udpContract } from './contracts/udp.js';
import { formatTarget, ms } from './network-params.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

// The parameters and data shape live in the contract; re-exported for existing importers.
export { type UdpParams, type UdpState, udpParams } from './contracts/udp.js';

const isRefused = (err: unknown): boolean => (err as { code?: string } | null)?.code === 'ECONNREFUSED';

interface Counters {
  sent: number;
  unreachable: number;
  replies: number;
  firstReply?: Buffer;
  otherError?: Error;
}

/** A connected UDP socket that counts replies and ICMP port unreachables from either error path. */
class UdpSession {
  readonly counters: Counters = { sent: 0, unreachable: 0, replies: 0 };
  #waiters = new Set<() => void>();

  constructor(readonly socket: Socket) {
    socket.on('message', (msg) => {
      this.counters.replies += 1;
      this.counters.firstReply ??= msg;
      this.#wake();
    });
    socket.on('error', (err) => {
      if (isRefused(err)) this.counters.unreachable += 1;
      else this.counters.otherError ??= err;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  /** Sends once; a pending ICMP error surfacing in the callback is counted and the datagram sent again. */
  async send(payload: Buffer): Promise<void> {
    for (let tries = 0; tries < 2; tries++) {
      const err = await new Promise<Error | null>((resolve) =>
        this.socket.send(payload, (e) => resolve(e ?? null)),
      );
      if (!err) {
        this.counters.sent += 1;
        return;
      }
      if (!isRefused(err)) {
        this.counters.otherError ??= err;
        return;
      }
      this.counters.unreachable += 1;
      this.#wake();
    }
  }

  /** Resolves on the next reply or error, or after `ms`. */
  waitForNews(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }
}

const sleep = (msec: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, msec);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

async function openSession(address: string, port: number): Promise<UdpSession> {
  const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
  const session = new UdpSession(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
    socket.connect(port, address);
  });
  return session;
}

async function runUdp(params: UdpParams, ctx: ProbeContext): Promise<Observation> {
  const started = performance.now();
  const target = formatTarget(params.host, params.port);
  const base = { host: params.host, port: params.port, vantage: ctx.dialer.vantage };
  if (ctx.dialer.vantage !== 'local') {
    const reason = `UDP cannot be forwarded through ${ctx.dialer.vantage} (SSH forwards TCP only); run it from a host's own vantage`;
    return { outcome: 'skip', summary: `${target}: not probed`, reason, data: base, durationMs: 0 };
  }
  let address = params.host.replace(/^\[|\]$/g, '');
  if (isIP(address) === 0) {
    try {
      address = (await lookup(address)).address;
    } catch (err) {
      const f = classifyDialError(err);
      const reason = `${params.host} does not resolve (${f.code ?? f.message})`;
      return {
        outcome: 'error',
        summary: reason,
        reason,
        data: { ...base, state: 'dns-error' },
        durationMs: 0,
      };
    }
  }
  const payload =
    params.payloadHex !== undefined
      ? Buffer.from(params.payloadHex, 'hex')
      : Buffer.from(params.payload ?? 'lbdoctor udp probe\n');
  const waitMs = params.waitMs ?? Math.min(1000, ctx.timeoutMs);
  let session: UdpSession;
  try {
    session = await openSession(address, params.port);
  } catch (err) {
    const reason = `cannot open a UDP socket to ${target}: ${(err as Error).message}`;
    return { outcome: 'error', summary: reason, reason, data: { ...base, state: 'error' }, durationMs: 0 };
  }
  try {
    const c = session.counters;
    if (params.burst !== undefined) {
      for (let i = 0; i < params.burst && !ctx.signal.aborted; i++) {
        await session.send(payload);
        if (params.intervalMs > 0) await sleep(params.intervalMs, ctx.signal);
      }
      // Late ICMP errors still count: wait once more after the last datagram.
      await sleep(waitMs, ctx.signal);
      const state: UdpState = c.replies > 0 ? 'open' : c.unreachable > 0 ? 'closed' : 'open|filtered';
      const rateLimited = state === 'closed' && c.unreachable < c.sent;
      const data = {
        ...base,
        address,
        mode: 'burst',
        state,
        sent: c.sent,
        unreachable: c.unreachable,
        replies: c.replies,
        intervalMs: params.intervalMs,
        rateLimited,
        ...(c.otherError ? { error: c.otherError.message } : {}),
      };
      const counts = `${c.unreachable} port unreachable and ${c.replies} replies for ${c.sent} datagrams ${params.intervalMs} ms apart`;
      const why = rateLimited
        ? ': ICMP port unreachable is rate limited on the target (icmp_ratelimit/icmp_ratemask, FAQ 2.4)'
        : '';
      return {
        outcome: rateLimited ? 'fail' : 'pass',
        summary: `${target} (${state}): ${counts}${why}`,
        data,
        expected: 'one answer per datagram',
        actual: `${c.unreachable + c.replies}/${c.sent}`,
        durationMs: performance.now() - started,
      };
    }
    for (
      let i = 0;
      i < params.attempts && c.replies === 0 && c.unreachable === 0 && !ctx.signal.aborted;
      i++
    ) {
      await session.send(payload);
      if (c.replies === 0 && c.unreachable === 0) await session.waitForNews(waitMs, ctx.signal);
    }
    const durationMs = performance.now() - started;
    if (c.replies > 0) {
      const reply = c.firstReply ?? Buffer.alloc(0);
      return {
        outcome: 'pass',
        summary: `${target} answered (${reply.length} bytes) from ${ctx.dialer.vantage}`,
        data: {
          ...base,
          address,
          state: 'open',
          sent: c.sent,
          reply: reply.subarray(0, 256).toString('utf8'),
        },
        expected: 'open',
        actual: 'open',
        durationMs,
      };
    }
    if (c.unreachable > 0) {
      return {
        outcome: 'fail',
        summary: `${target} is closed: ICMP port unreachable (nothing listens on UDP ${params.port}); ELB's UDP check marks such a member unhealthy (FAQ 2.4)`,
        data: { ...base, address, state: 'closed', sent: c.sent },
        expected: 'open',
        actual: 'closed',
        durationMs,
      };
    }
    if (c.otherError) {
      const reason = `UDP to ${target} failed: ${c.otherError.message}`;
      return { outcome: 'error', summary: reason, reason, data: { ...base, state: 'error' }, durationMs };
    }
    return {
      outcome: 'pass',
      summary: `${target} is open|filtered: no reply and no ICMP error to ${c.sent} datagrams in ${waitMs} ms each (ELB's UDP check counts silence as healthy, FAQ 2.4)`,
      data: { ...base, address, state: 'open|filtered', sent: c.sent, waitMs: ms(waitMs) },
      expected: 'open',
      actual: 'open|filtered',
      durationMs,
    };
  } finally {
    session.socket.close();
  }
}

export const udpProbe: NetworkProbe<UdpParams> = { ...udpContract, run: runUdp };
