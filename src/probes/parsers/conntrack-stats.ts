// Connection-tracking statistics, summed over CPUs: `conntrack -S` (key=value
// per CPU) or `/proc/net/stat/nf_conntrack` (hex columns per CPU). A full or
// racing conntrack table drops new connections (insert_failed, drop), which a
// load balancer sees as timeouts.

export type ConntrackStats = Record<string, number>;

export function parseConntrackStats(text: string): ConntrackStats {
  const out: ConntrackStats = {};
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines[0]?.trim().startsWith('entries')) {
    const head = lines[0].trim().split(/\s+/);
    for (const line of lines.slice(1)) {
      line
        .trim()
        .split(/\s+/)
        .forEach((hex, i) => {
          const name = head[i];
          if (!name || !/^[0-9a-fA-F]+$/.test(hex)) return;
          // "entries" is global, repeated on every CPU line: keep one copy, sum the rest.
          out[name] =
            name === 'entries' ? Number.parseInt(hex, 16) : (out[name] ?? 0) + Number.parseInt(hex, 16);
        });
    }
    return out;
  }
  for (const line of lines) {
    for (const m of line.matchAll(/(\w+)=(\d+)/g)) {
      if (m[1] === 'cpu') continue;
      out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
    }
  }
  return out;
}
