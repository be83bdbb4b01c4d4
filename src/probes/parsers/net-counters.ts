// Kernel SNMP counters: `/proc/net/netstat` (header/value line pairs), `nstat
// -az` ("TcpExtListenOverflows 70 0.0"), or the prose of `netstat -s` on older
// hosts. ListenOverflows/ListenDrops count SYNs dropped because an
// application's accept queue was full: the backend looks down to the LB.

/** Keys are "TcpExt:ListenOverflows" in every format. */
export type NetCounters = Record<string, number>;

export function parseProcNetNetstat(text: string): NetCounters {
  const out: NetCounters = {};
  const lines = text.split('\n').filter((l) => l.trim());
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i]!.split(/\s+/);
    const vals = lines[i + 1]!.split(/\s+/);
    const prefix = head[0]!.replace(/:$/, '');
    if (vals[0] !== head[0]) continue;
    head.slice(1).forEach((name, j) => {
      const v = vals[j + 1];
      if (v !== undefined && /^-?\d+$/.test(v)) out[`${prefix}:${name}`] = Number(v);
    });
  }
  return out;
}

const NSTAT_PREFIXES = [
  'TcpExt',
  'IpExt',
  'MPTcpExt',
  'Icmp6',
  'Icmp',
  'Ip6',
  'Ip',
  'Tcp',
  'Udp6',
  'UdpLite6',
  'UdpLite',
  'Udp',
];

export function parseNstat(text: string): NetCounters {
  const out: NetCounters = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9]+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const name = m[1]!;
    const prefix = NSTAT_PREFIXES.find((p) => name.startsWith(p) && name.length > p.length);
    out[prefix ? `${prefix}:${name.slice(prefix.length)}` : name] = Number(m[2]);
  }
  return out;
}

/** The two listen-queue lines of `netstat -s` (net-tools). */
export function parseNetstatS(text: string): NetCounters {
  const out: NetCounters = {};
  const overflow = /(\d+) times the listen queue of a socket overflowed/.exec(text);
  const drops = /(\d+) SYNs to LISTEN sockets (?:dropped|ignored)/.exec(text);
  if (overflow) out['TcpExt:ListenOverflows'] = Number(overflow[1]);
  if (drops) out['TcpExt:ListenDrops'] = Number(drops[1]);
  return out;
}

export function parseNetCounters(text: string): NetCounters {
  if (/^TcpExt: /m.test(text)) return parseProcNetNetstat(text);
  if (/^#kernel/m.test(text) || /^TcpExt\w+\s+\d+/m.test(text)) return parseNstat(text);
  return parseNetstatS(text);
}
