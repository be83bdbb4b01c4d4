// ICMP echo through the system `ping` (iputils): raw ICMP sockets need
// privileges Node does not have, and `ping` already has them (setuid or
// cap_net_raw, or ping_group_range). Used by the UDP check's first half (FAQ 2.4).
import net from 'node:net';
import { execa } from 'execa';

export type EchoResult = { replied: true; rttMs: number | undefined } | { replied: false; error?: string };

/** Pulls the round-trip time out of iputils ping output ("time=0.045 ms"). */
export function parsePingRtt(stdout: string): number | undefined {
  const m = /time[=<]\s*([\d.]+)\s*ms/.exec(stdout);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Whether ping's summary line says a reply came back ("1 received"). */
export function pingReceived(stdout: string): boolean {
  const m = /(\d+)\s+(?:packets\s+)?received/.exec(stdout);
  return m?.[1] !== undefined && Number(m[1]) > 0;
}

export async function icmpEcho(
  address: string,
  timeoutSeconds: number,
  signal?: AbortSignal,
): Promise<EchoResult> {
  const args = ['-n', '-c', '1', '-W', String(timeoutSeconds)];
  if (net.isIPv6(address)) args.unshift('-6');
  const result = await execa('ping', [...args, address], {
    reject: false,
    timeout: (timeoutSeconds + 2) * 1000,
    ...(signal ? { cancelSignal: signal } : {}),
    env: { LC_ALL: 'C' },
  });
  // iputils: 0 = a reply, 1 = no reply, 2 = any other error (unknown host, no permission).
  if (result.exitCode === 0 || pingReceived(result.stdout)) {
    return { replied: true, rttMs: parsePingRtt(result.stdout) };
  }
  if (result.exitCode === 1) return { replied: false };
  const why =
    (result as { code?: string }).code === 'ENOENT'
      ? 'the ping binary is not installed (Debian: iputils-ping)'
      : result.timedOut
        ? 'ping did not finish'
        : result.isCanceled
          ? 'cancelled'
          : (result.stderr || result.stdout).trim().split('\n')[0] || `ping exited with ${result.exitCode}`;
  return { replied: false, error: why };
}
