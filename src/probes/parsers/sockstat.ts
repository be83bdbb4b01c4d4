// `/proc/net/sockstat`: socket counts per protocol, TIME_WAIT included ("tw").
// Many TIME_WAIT sockets against a small ephemeral port range exhaust the
// ports a host can open (FAQ 1.10 stress tests, FAQ 1.3 5-tuple reuse).

export type Sockstat = Record<string, Record<string, number>>;

export function parseSockstat(text: string): Sockstat {
  const out: Sockstat = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const fields: Record<string, number> = {};
    const words = m[2]!.split(/\s+/);
    for (let i = 0; i + 1 < words.length; i += 2) fields[words[i]!] = Number(words[i + 1]);
    out[m[1]!] = fields;
  }
  return out;
}

/** TIME_WAIT count from sockstat, or from a count of `ss -tan state time-wait` lines. */
export function timeWaitCount(s: Sockstat): number | undefined {
  return s.TCP?.tw;
}

/** `net.ipv4.ip_local_port_range` "32768 60999" → size of the range. */
export function parsePortRange(
  value: string | undefined,
): { low: number; high: number; size: number } | undefined {
  const m = value ? /^\s*(\d+)\s+(\d+)\s*$/.exec(value) : null;
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return { low, high, size: high - low + 1 };
}
