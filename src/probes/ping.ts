// ping: ICMP echo from the vantage, with the vantage's own `ping` (no raw
// sockets, no privileges). ELB's UDP health check starts with an ICMP echo
// and marks a member unhealthy when it gets no reply (FAQ 2.4), so
// `icmp_echo_ignore_all=1` or a firewall dropping ICMP shows up here. FAQ 1.1
// also warns that ping alone says little about a TCP/HTTP service: the
// summary says so when echo fails but the playbook should try tcp too.
import { execa } from 'execa';
import type { z } from 'zod';
import type { Proof, Same } from './contracts/define.js';
import { type PingParams, pingContract, type pingFormat, type pingVerdict } from './contracts/ping.js';
import { type PingFormat, type PingResult, type PingVerdict, parsePing } from './parsers/ping.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

export { type PingParams, pingParams } from './contracts/ping.js';

/** The contract's verdict and format enums list exactly the parser's values. */
export type PingEnumsListed = Proof<Same<z.infer<typeof pingVerdict>, PingVerdict>> &
  Proof<Same<z.infer<typeof pingFormat>, PingFormat>>;

interface PingRun {
  text: string;
  exitCode: number;
  ran: string;
}

async function pingLocally(p: PingParams, ctx: ProbeContext): Promise<PingRun> {
  const argv = ['-c', String(p.count), '-W', String(p.waitSeconds), '-n', p.host];
  // One echo a second, plus the last wait: never cut a healthy run short.
  const timeout = Math.max(ctx.timeoutMs, (p.count + p.waitSeconds + 2) * 1000);
  const r = await execa('ping', argv, {
    reject: false,
    timeout,
    cancelSignal: ctx.signal,
    stdin: 'ignore',
    all: true,
  });
  if (r.failed && r.exitCode === undefined) {
    const code = (r.cause as { code?: string } | undefined)?.code;
    throw new Error(code === 'ENOENT' ? 'ping is not installed on this machine' : r.shortMessage);
  }
  return {
    text: r.all ?? `${r.stdout}\n${r.stderr}`,
    exitCode: r.exitCode ?? -1,
    ran: `ping ${argv.join(' ')}`,
  };
}

async function pingThroughHost(p: PingParams, ctx: ProbeContext): Promise<PingRun> {
  const host = ctx.host!;
  const args = [p.host, String(p.count), String(p.waitSeconds)];
  const [out] = await host.read([{ id: 'ping', args }], ctx.signal);
  if (!out) throw new Error(`${host.host} returned no ping output`);
  return { text: `${out.stdout}\n${out.stderr}`, exitCode: out.exitCode, ran: `ping on ${host.host}` };
}

function observe(
  p: PingParams,
  r: PingResult,
  run: PingRun,
  vantage: string,
  durationMs: number,
): Observation {
  const data = {
    host: p.host,
    vantage,
    verdict: r.verdict,
    format: r.format,
    ...(r.address ? { address: r.address } : {}),
    ...(r.transmitted !== undefined
      ? { transmitted: r.transmitted, received: r.received, lossPercent: r.lossPercent }
      : {}),
    ...(r.rtt ? { rtt: r.rtt } : {}),
    ...(r.icmpErrors.length ? { icmpErrors: r.icmpErrors } : {}),
    exitCode: run.exitCode,
  };
  const base = { data, durationMs, raw: run.text.trim() };
  switch (r.verdict) {
    case 'replies':
      return {
        ...base,
        outcome: 'pass',
        summary: `${p.host} answers ICMP echo: ${r.received}/${r.transmitted} replies${r.rtt ? `, avg ${r.rtt.avgMs} ms` : ''} (from ${vantage})`,
        expected: 'echo replies',
        actual: `${r.lossPercent}% loss`,
      };
    case 'no-reply':
      return {
        ...base,
        outcome: 'fail',
        summary: `${p.host} does not answer ICMP echo: ${r.lossPercent ?? 100}% loss${r.message ? ` (${r.message})` : ''} (from ${vantage}); ICMP may be disabled (icmp_echo_ignore_all) or filtered — ELB's UDP check needs it (FAQ 2.4)`,
        expected: 'echo replies',
        actual: `${r.lossPercent ?? 100}% loss`,
      };
    default: {
      const reason = r.message ?? `ping exited ${run.exitCode}`;
      return {
        ...base,
        outcome: 'error',
        summary: `cannot ping ${p.host} from ${vantage}: ${reason}`,
        reason,
      };
    }
  }
}

export const pingProbe: NetworkProbe<PingParams> = {
  ...pingContract,
  async run(params, ctx) {
    const started = performance.now();
    // This machine pings with its own ping; a remote vantage through its host reader (SSH).
    const remote = ctx.host !== undefined && ctx.dialer.vantage !== 'local';
    const vantage = remote ? ctx.host!.host : ctx.dialer.vantage;
    let run: PingRun;
    try {
      run = remote ? await pingThroughHost(params, ctx) : await pingLocally(params, ctx);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return {
        outcome: 'error',
        summary: `cannot ping ${params.host} from ${vantage}: ${reason}`,
        reason,
        data: { host: params.host, vantage },
        durationMs: performance.now() - started,
      };
    }
    return observe(params, parsePing(run.text), run, vantage, performance.now() - started);
  },
};
