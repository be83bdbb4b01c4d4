// Parses listening sockets from `ss -ltnup` (iproute2, with or without the
// Netid column, old and new spacing) or `netstat -ltnup` (net-tools). FAQ
// 2.1/2.2 "Checking the Backend Server": the health check port must be listened on.

export interface ListeningSocket {
  protocol: 'tcp' | 'udp';
  /** Local address as printed, normalised: 0.0.0.0, ::, 127.0.0.1, * (any family). */
  address: string;
  port: number;
  /** Interface from `addr%eth0` when the socket is bound to a device. */
  device?: string;
  recvQ?: number;
  sendQ?: number;
  processes: { name: string; pid?: number }[];
}

export function splitHostPort(s: string): { address: string; port: number; device?: string } | undefined {
  const m = /^(.*):(\d+|\*)$/.exec(s);
  if (!m) return undefined;
  let host = m[1]!;
  const port = m[2] === '*' ? 0 : Number(m[2]);
  let device: string | undefined;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const pct = host.indexOf('%');
  if (pct >= 0) {
    device = host.slice(pct + 1);
    host = host.slice(0, pct);
  }
  // ss prints the IPv4-mapped form for dual-stack binds on some versions.
  if (host.startsWith('::ffff:') && host.includes('.')) host = host.slice(7);
  if (host === '') host = '*';
  return device ? { address: host, port, device } : { address: host, port };
}

function ssProcesses(s: string): { name: string; pid?: number }[] {
  const out: { name: string; pid?: number }[] = [];
  for (const m of s.matchAll(/\("([^"]*)",(?:pid=)?(\d+)/g)) out.push({ name: m[1]!, pid: Number(m[2]) });
  return out;
}

export function parseSs(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 4 || w[0] === 'Netid' || w[0] === 'State' || w[0] === 'Recv-Q') continue;
    let i = 0;
    let protocol: 'tcp' | 'udp' = 'tcp';
    if (w[0] === 'tcp' || w[0] === 'udp') {
      protocol = w[0];
      i = 1;
    } else if (/^(tcp6?|udp6?)$/.test(w[0]!)) {
      protocol = w[0]!.startsWith('udp') ? 'udp' : 'tcp';
      i = 1;
    }
    const state = w[i]!;
    if (!/^(LISTEN|UNCONN)$/.test(state)) continue;
    if (state === 'UNCONN' && i === 0) protocol = 'udp';
    const local = splitHostPort(w[i + 3] ?? '');
    if (!local) continue;
    out.push({
      protocol,
      ...local,
      recvQ: Number(w[i + 1]),
      sendQ: Number(w[i + 2]),
      processes: ssProcesses(w.slice(i + 5).join(' ')),
    });
  }
  return out;
}

export function parseNetstat(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (!/^(tcp|udp)6?$/.test(w[0] ?? '')) continue;
    const protocol = w[0]!.startsWith('udp') ? 'udp' : 'tcp';
    const state = protocol === 'tcp' ? w[5] : undefined;
    if (protocol === 'tcp' && state !== 'LISTEN') continue;
    const local = splitHostPort(w[3] ?? '');
    if (!local) continue;
    // netstat prints ":::80" for the IPv6 wildcard: splitHostPort leaves "::".
    const prog = w[protocol === 'tcp' ? 6 : 5];
    const pm = prog ? /^(\d+)\/(.+)$/.exec(prog) : null;
    out.push({
      protocol,
      ...local,
      recvQ: Number(w[1]),
      sendQ: Number(w[2]),
      processes: pm ? [{ name: pm[2]!, pid: Number(pm[1]) }] : [],
    });
  }
  return out;
}

/** Either tool: netstat output begins with "Active Internet connections". */
export function parseListening(text: string): ListeningSocket[] {
  return /^Active Internet connections/m.test(text) || /^Proto Recv-Q/m.test(text)
    ? parseNetstat(text)
    : parseSs(text);
}

const WILDCARDS = new Set(['*', '0.0.0.0', '::']);

export function isWildcard(address: string): boolean {
  return WILDCARDS.has(address);
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}
