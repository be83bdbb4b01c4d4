// Parses `ip -o addr show`: one line per address. FAQ 2.1/2.2: the primary NIC
// must carry the member address the load balancer sends health checks to.

export interface InterfaceAddress {
  index: number;
  ifname: string;
  family: 'inet' | 'inet6';
  address: string;
  prefix: number;
  scope?: string;
  /** e.g. tentative, dadfailed, deprecated, secondary, dynamic. */
  flags: string[];
  label?: string;
}

const KNOWN_FLAGS = new Set([
  'secondary',
  'temporary',
  'dynamic',
  'noprefixroute',
  'tentative',
  'dadfailed',
  'deprecated',
  'permanent',
  'nodad',
  'optimistic',
  'home',
  'mngtmpaddr',
  'autojoin',
  'stable-privacy',
]);

export function parseIpAddr(text: string): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const raw of text.split('\n')) {
    // -o folds continuation lines with "\": only the part before it carries the address.
    const line = raw.split('\\')[0]!.trim();
    const m = /^(\d+):\s+(\S+?)(?:@\S+)?\s+(inet6?)\s+(\S+?)\/(\d+)(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[6]!.trim().split(/\s+/).filter(Boolean);
    const entry: InterfaceAddress = {
      index: Number(m[1]),
      ifname: m[2]!,
      family: m[3] as 'inet' | 'inet6',
      address: m[4]!,
      prefix: Number(m[5]),
      flags: [],
    };
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i]!;
      if ((w === 'brd' || w === 'peer' || w === 'metric') && i + 1 < rest.length) i++;
      else if (w === 'scope' && i + 1 < rest.length) entry.scope = rest[++i]!;
      else if (KNOWN_FLAGS.has(w)) entry.flags.push(w);
      else if (i === rest.length - 1 && entry.family === 'inet') entry.label = w;
    }
    out.push(entry);
  }
  return out;
}
