// Parses what `ping` prints: iputils (Debian, RHEL), busybox (Alpine,
// embedded) and the BSD/macOS layout share enough to read with one set of
// patterns. Pure: tested on captured outputs (test/fixtures/ping).

export type PingFormat = 'iputils' | 'busybox' | 'bsd' | 'unknown';
export type PingVerdict = 'replies' | 'no-reply' | 'unknown-host' | 'network-unreachable' | 'error';

export interface PingReply {
  seq: number;
  ttl?: number;
  timeMs: number;
  from: string;
}

export interface PingResult {
  format: PingFormat;
  verdict: PingVerdict;
  /** Name or address as ping printed it in the header. */
  target?: string;
  /** The address ping resolved the target to. */
  address?: string;
  transmitted?: number;
  received?: number;
  /** ICMP errors ping counted (iputils "+N errors"). */
  errors?: number;
  lossPercent?: number;
  rtt?: { minMs: number; avgMs: number; maxMs: number; mdevMs?: number };
  replies: PingReply[];
  /** "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable" lines: who said what. */
  icmpErrors: { from: string; message: string }[];
  /** The line that explains a failure, when there is one. */
  message?: string;
}

const HEADER = /^PING (\S+) \(([^)]+)\)(:? )?(\d+\(\d+\) bytes of data\.|: \d+ data bytes)?/m;
const REPLY =
  /^\d+ bytes from ([^:\s]+)(?: \([^)]*\))?: (?:icmp_seq|seq)=(\d+) ttl=(\d+) time[=<]([\d.]+) ?ms/gm;
const STATS =
  /^(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+(\d+) errors)?(?:, \+\d+ duplicates)?, ([\d.]+)% packet loss/m;
const RTT =
  /^(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/m;
const ICMP_ERROR = /^From (\S+?)(?: \([^)]*\))?:? icmp_seq=\d+ (.+)$/gm;
const UNKNOWN_HOST = [
  /^ping: (\S+): (Name or service not known|Temporary failure in name resolution|No address associated with hostname)$/m,
  /^ping: bad address '([^']+)'$/m,
  /^ping: cannot resolve (\S+): (Unknown host)$/m,
  /^ping: unknown host (\S+)$/m,
];
const UNREACHABLE = /^(?:ping: )?(?:connect|sendto|sendmsg): (Network is unreachable|No route to host)$/m;

function formatOf(text: string): PingFormat {
  if (
    /bytes of data\./.test(text) ||
    /^rtt min/m.test(text) ||
    /icmp_seq=\d+ ttl=\d+ time=[\d.]+ ms/.test(text)
  ) {
    return /^\d+ bytes from .*: seq=/m.test(text) ? 'busybox' : 'iputils';
  }
  if (/: seq=\d+ ttl=/.test(text) || /^ping: bad address/m.test(text)) return 'busybox';
  if (/data bytes$/m.test(text) || /stddev/.test(text) || /cannot resolve/.test(text)) return 'bsd';
  if (/Name or service not known|Temporary failure in name resolution/.test(text)) return 'iputils';
  return 'unknown';
}

export function parsePing(text: string): PingResult {
  const result: PingResult = { format: formatOf(text), verdict: 'error', replies: [], icmpErrors: [] };
  const header = HEADER.exec(text);
  if (header) {
    result.target = header[1]!;
    result.address = header[2]!;
  }
  for (const m of text.matchAll(REPLY)) {
    result.replies.push({ from: m[1]!, seq: Number(m[2]), ttl: Number(m[3]), timeMs: Number(m[4]) });
  }
  for (const m of text.matchAll(ICMP_ERROR)) result.icmpErrors.push({ from: m[1]!, message: m[2]!.trim() });
  const stats = STATS.exec(text);
  if (stats) {
    result.transmitted = Number(stats[1]);
    result.received = Number(stats[2]);
    if (stats[3] !== undefined) result.errors = Number(stats[3]);
    result.lossPercent = Number(stats[4]);
  }
  const rtt = RTT.exec(text);
  if (rtt) {
    result.rtt = {
      minMs: Number(rtt[1]),
      avgMs: Number(rtt[2]),
      maxMs: Number(rtt[3]),
      ...(rtt[4] !== undefined ? { mdevMs: Number(rtt[4]) } : {}),
    };
  }
  for (const re of UNKNOWN_HOST) {
    const m = re.exec(text);
    if (m) {
      result.verdict = 'unknown-host';
      result.target ??= m[1]!;
      result.message = m[0];
      return result;
    }
  }
  const unreachable = UNREACHABLE.exec(text);
  if (unreachable) {
    result.verdict = 'network-unreachable';
    result.message = unreachable[0];
    return result;
  }
  const received = result.received ?? result.replies.length;
  if (received > 0) result.verdict = 'replies';
  else if (stats) {
    result.verdict = 'no-reply';
    const first = result.icmpErrors[0];
    if (first) result.message = `From ${first.from}: ${first.message}`;
  } else {
    result.message =
      text
        .trim()
        .split('\n')
        .find((l) => l.startsWith('ping:')) ??
      (text.trim() || 'ping printed nothing');
  }
  return result;
}
