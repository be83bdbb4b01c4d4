// tcp-wrappers access control (hosts_access(5)): /etc/hosts.allow is read
// first, then /etc/hosts.deny; the first matching entry decides, and no match
// means access is granted. FAQ 2.1/2.2 "Checking the hosts.deny File": the load
// balancer's addresses (100.125.0.0/16 for shared load balancers, the backend
// subnet for dedicated ones) must not be denied.
import ipaddr from 'ipaddr.js';
import { parseCidr } from '../../model/net.js';
import type { Tri } from './firewall-eval.js';

export interface HostsAccessEntry {
  file: 'hosts.allow' | 'hosts.deny';
  line: number;
  text: string;
  daemons: string[];
  clients: string[];
  /** Option fields after the client list (hosts_options(5)): `allow`/`deny` override the file's meaning. */
  options: string[];
}

/** Reads one file: comments, blank lines and backslash-newline continuations handled. */
export function parseHostsAccess(text: string, file: HostsAccessEntry['file']): HostsAccessEntry[] {
  const entries: HostsAccessEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!}`;
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const fields = splitFields(trimmed);
    if (fields.length < 2) continue;
    const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);
    entries.push({
      file,
      line: start + 1,
      text: trimmed,
      daemons: words(fields[0]!),
      clients: words(fields[1]!),
      options: fields.slice(2).map((f) => f.trim()),
    });
  }
  return entries;
}

/** Splits at ':' outside [IPv6] brackets. */
function splitFields(line: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of line) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ':' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const yes: Tri = { r: 'yes' };
const no: Tri = { r: 'no' };

/** The address range a client pattern covers, when it is an address pattern. */
function patternCidr(p: string): string | undefined {
  // "100.125." — a prefix of dotted quads.
  const prefix = /^(\d{1,3}\.){1,3}$/.exec(p);
  if (prefix) {
    const parts = p.slice(0, -1).split('.');
    const bits = parts.length * 8;
    return `${[...parts, '0', '0', '0'].slice(0, 4).join('.')}/${bits}`;
  }
  // "10.0.0.0/255.0.0.0" net/mask, or "10.0.0.0/8" CIDR.
  const netmask = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,3}(?:\.\d{1,3}){3})$/.exec(p);
  if (
    netmask &&
    ipaddr.IPv4.isValidFourPartDecimal(netmask[1]!) &&
    ipaddr.IPv4.isValidFourPartDecimal(netmask[2]!)
  ) {
    const bits = ipaddr.IPv4.parse(netmask[2]!).prefixLengthFromSubnetMask();
    return bits === null ? undefined : `${netmask[1]}/${bits}`;
  }
  const v6 = /^\[([0-9a-fA-F:.]+)\](?:\/(\d{1,3}))?$/.exec(p);
  if (v6) return `${v6[1]}/${v6[2] ?? '128'}`;
  if (/^\d{1,3}(?:\.\d{1,3}){3}(\/\d{1,2})?$/.test(p)) return p.includes('/') ? p : `${p}/32`;
  return undefined;
}

function rangeRelation(patternRange: string, client: string): Tri {
  const [pNet, pBits] = parseCidr(patternRange);
  const [cNet, cBits] = parseCidr(client);
  if (pNet.kind() !== cNet.kind()) return no;
  if (cBits >= pBits && cNet.match(pNet, pBits)) return yes;
  if (pBits > cBits && pNet.match(cNet, cBits))
    return { r: 'partial', why: `${patternRange} covers part of ${client}` };
  return no;
}

function wildcardToRange(p: string, client: string): Tri {
  // Wildcards apply to the text of an address; for a single client address, test it directly.
  const [net, bits] = parseCidr(client);
  const re = new RegExp(
    `^${p
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  if (bits === (net.kind() === 'ipv4' ? 32 : 128)) return re.test(net.toString()) ? yes : no;
  return { r: 'unknown', why: `wildcard pattern "${p}" against the range ${client}` };
}

export function clientPatternMatch(p: string, client: string): Tri {
  const upper = p.toUpperCase();
  if (upper === 'ALL') return yes;
  const byName = {
    r: 'unknown',
    why: `"${p}" matches on host names or lists lbdoctor does not resolve`,
  } as const;
  if (['LOCAL', 'KNOWN', 'UNKNOWN', 'PARANOID'].includes(upper) || /^[.@/]/.test(p)) return byName;
  const range = patternCidr(p);
  if (range) return rangeRelation(range, client);
  if (/[*?]/.test(p) && /^[\d.*?]+$/.test(p)) return wildcardToRange(p, client);
  if (/[a-z]/i.test(p)) return byName;
  return { r: 'unknown', why: `client pattern "${p}" is not one lbdoctor models` };
}

function listMatch(items: readonly string[], one: (p: string) => Tri): Tri {
  // "a b EXCEPT c EXCEPT d" = (a|b) EXCEPT (c EXCEPT d).
  const ex = items.findIndex((w) => w.toUpperCase() === 'EXCEPT');
  if (ex >= 0) {
    const head = listMatch(items.slice(0, ex), one);
    if (head.r === 'no') return no;
    const tail = listMatch(items.slice(ex + 1), one);
    if (tail.r === 'yes') return no;
    if (tail.r === 'no') return head;
    if (tail.r === 'unknown' || head.r === 'unknown') return tail.r === 'unknown' ? tail : head;
    return { r: 'partial', why: tail.why };
  }
  let best: Tri = no;
  for (const p of items) {
    const r = one(p);
    if (r.r === 'yes') return yes;
    if (r.r === 'partial' && best.r !== 'partial') best = r;
    if (r.r === 'unknown' && best.r === 'no') best = r;
  }
  return best;
}

function daemonPatternMatch(p: string, daemon: string): Tri {
  if (p.toUpperCase() === 'ALL') return yes;
  const [name, host] = p.split('@');
  if (name !== daemon && name?.toUpperCase() !== 'ALL') return no;
  return host === undefined
    ? yes
    : { r: 'unknown', why: `"${p}" depends on which server address was connected to` };
}

export interface HostsAccessDecision {
  decision: 'allowed' | 'denied' | 'partly-denied' | 'unknown';
  daemon: string;
  /** The deciding entry; absent when nothing matched (access granted by default). */
  entry?: HostsAccessEntry;
  reason?: string;
}

/** The tcp-wrappers decision for one daemon name and a client address or range. */
export function decideHostsAccess(
  allow: readonly HostsAccessEntry[],
  deny: readonly HostsAccessEntry[],
  daemon: string,
  client: string,
): HostsAccessDecision {
  let pendingPartial: HostsAccessDecision | undefined;
  let partlyAllowed = false;
  for (const entry of [...allow, ...deny]) {
    const d = listMatch(entry.daemons, (p) => daemonPatternMatch(p, daemon));
    if (d.r === 'no') continue;
    const c = listMatch(entry.clients, (p) => clientPatternMatch(p, client));
    if (c.r === 'no') continue;
    const optionVerdict = entry.options
      .map((o) => o.toLowerCase())
      .find((o) => o === 'allow' || o === 'deny');
    const denies = optionVerdict ? optionVerdict === 'deny' : entry.file === 'hosts.deny';
    if (d.r === 'unknown' || c.r === 'unknown') {
      return {
        decision: 'unknown',
        daemon,
        entry,
        reason: d.r === 'unknown' ? d.why : (c as { why: string }).why,
      };
    }
    const partial = d.r === 'partial' || c.r === 'partial';
    if (!partial) {
      if (pendingPartial) return denies ? { ...pendingPartial, decision: 'denied' } : pendingPartial;
      if (denies) return { decision: partlyAllowed ? 'partly-denied' : 'denied', daemon, entry };
      return { decision: 'allowed', daemon, entry };
    }
    // Part of the range decided here; the rest reads on.
    if (denies) pendingPartial ??= { decision: 'partly-denied', daemon, entry };
    else partlyAllowed = true;
  }
  return pendingPartial ?? { decision: 'allowed', daemon };
}

/**
 * Decides for `daemon`, or — when no daemon is given — for every daemon the
 * files name plus any other one, reporting the first that denies the client.
 */
export function evaluateHostsAccess(
  allowText: string,
  denyText: string,
  client: string,
  daemon?: string,
): HostsAccessDecision {
  const allow = parseHostsAccess(allowText, 'hosts.allow');
  const deny = parseHostsAccess(denyText, 'hosts.deny');
  const named = new Set<string>();
  for (const e of [...allow, ...deny]) {
    for (const d of e.daemons) {
      const name = d.split('@')[0]!;
      if (name && !['ALL', 'EXCEPT'].includes(name.toUpperCase())) named.add(name);
    }
  }
  const daemons = daemon ? [daemon] : [...named, '(any other daemon)'];
  const decisions = daemons.map((d) => decideHostsAccess(allow, deny, d, client));
  return (
    decisions.find((d) => d.decision === 'denied') ??
    decisions.find((d) => d.decision === 'partly-denied') ??
    decisions.find((d) => d.decision === 'unknown') ??
    decisions[0]!
  );
}
