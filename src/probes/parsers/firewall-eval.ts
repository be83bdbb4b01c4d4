// Walks a host firewall's input path for one kind of traffic ("a new TCP
// connection from 100.125.0.0/16 to port 8080") and says whether it is
// accepted, dropped or rejected, and by which rule — or that it cannot tell,
// naming the rule it does not model. FAQ 2.1/2.2 "Checking the Firewall on the
// Backend Server". Shared by the iptables-save and nft parsers, which turn
// their rules into the chains below.
import type ipaddr from 'ipaddr.js';
import { parseCidr } from '../../model/net.js';

export interface Traffic {
  /** Source address or range, e.g. the shared-LB health-check range 100.125.0.0/16. */
  source: string;
  protocol: 'tcp' | 'udp' | 'icmp';
  /** Destination port (ignored for icmp). */
  port: number;
  /** Destination address, when known; rules matching on it are otherwise "cannot tell". */
  destination?: string;
  /** Incoming interface, when known; traffic from a load balancer never arrives on `lo`. */
  inInterface?: string;
  /** ICMP type for icmp traffic: echo-request (8) unless said otherwise. */
  icmpType?: number;
}

/** yes/no: the rule surely (does not) match; partial: it matches part of the source range. */
export type Tri = { r: 'yes' } | { r: 'no' } | { r: 'partial'; why: string } | { r: 'unknown'; why: string };
export type Match = (t: Traffic) => Tri;

export type Target =
  | { type: 'accept' | 'drop' | 'reject' | 'return' | 'continue' }
  | { type: 'jump' | 'goto'; chain: string }
  | { type: 'unknown'; name: string };

export interface FwRule {
  chain: string;
  /** The rule as written in the tool's output, for evidence. */
  text: string;
  /** 1-based line in the tool's output. */
  line: number;
  matches: Match[];
  target: Target;
}

export interface FwChain {
  name: string;
  /** Set for base/built-in chains: what happens when the chain runs out of rules. */
  policy?: 'accept' | 'drop';
  rules: FwRule[];
}

export type Verdict =
  | { verdict: 'accept' | 'drop' | 'reject'; rule?: FwRule; chain: string; partial?: boolean }
  | { verdict: 'unknown'; rule?: FwRule; chain: string; reason: string };

export const yes: Tri = { r: 'yes' };
export const no: Tri = { r: 'no' };
export const unknown = (why: string): Tri => ({ r: 'unknown', why });

export function negate(t: Tri): Tri {
  if (t.r === 'yes') return no;
  if (t.r === 'no') return yes;
  return t;
}

/** How a rule's address (or list) relates to the traffic's address range. */
export function cidrRelation(ruleCidrs: readonly string[], traffic: string): Tri {
  const [tNet, tBits] = parseCidr(traffic);
  let partial = false;
  for (const c of ruleCidrs) {
    let net: ipaddr.IPv4 | ipaddr.IPv6;
    let bits: number;
    try {
      [net, bits] = parseCidr(c);
    } catch {
      return unknown(`address "${c}" is not one lbdoctor can read`);
    }
    if (net.kind() !== tNet.kind()) continue;
    if (tBits >= bits && tNet.match(net, bits)) return yes;
    if (bits > tBits && net.match(tNet, tBits)) partial = true;
  }
  return partial ? { r: 'partial', why: `${ruleCidrs.join(',')} covers only part of ${traffic}` } : no;
}

/** Ports "80", "9000:9100", "9000-9100", lists of those; names resolve to common numbers. */
const SERVICES: Record<string, number> = {
  ssh: 22,
  http: 80,
  https: 443,
  domain: 53,
  ntp: 123,
  smtp: 25,
  ftp: 21,
};

export function portInSpec(port: number, spec: string): boolean | undefined {
  for (const item of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const range = /^(\w+)?[:-](\w+)?$/.exec(item);
    const num = (s: string | undefined, dflt: number) =>
      s === undefined ? dflt : /^\d+$/.test(s) ? Number(s) : SERVICES[s];
    if (range) {
      const lo = num(range[1], 0);
      const hi = num(range[2], 65535);
      if (lo === undefined || hi === undefined) return undefined;
      if (port >= lo && port <= hi) return true;
      continue;
    }
    const n = num(item, 0);
    if (n === undefined) return undefined;
    if (n === port) return true;
  }
  return false;
}

export function interfaceMatch(pattern: string, traffic: Traffic): Tri {
  const name = pattern.replace(/^"|"$/g, '');
  if (traffic.inInterface !== undefined) {
    const hit =
      name.endsWith('+') || name.endsWith('*')
        ? traffic.inInterface.startsWith(name.slice(0, -1))
        : traffic.inInterface === name;
    return hit ? yes : no;
  }
  // Health checks and client traffic arrive on a NIC, never on loopback.
  if (name === 'lo') return no;
  return unknown(`depends on the incoming interface (${name}); pass the interface to decide`);
}

export function ctStateMatch(states: readonly string[]): Tri {
  // A load balancer's health check or a client opens a new connection.
  return states.map((s) => s.toLowerCase()).includes('new') ? yes : no;
}

const NAMED_ICMP: Record<string, number> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'echo-request': 8,
  'time-exceeded': 11,
};

export function icmpTypeMatch(spec: string, traffic: Traffic): Tri {
  if (traffic.protocol !== 'icmp') return no;
  const want = traffic.icmpType ?? 8;
  const items = spec.split(',').map((s) => s.trim().split('/')[0]!);
  if (items.includes('any')) return yes;
  for (const i of items) {
    const n = /^\d+$/.test(i) ? Number(i) : NAMED_ICMP[i];
    if (n === undefined) return unknown(`icmp type "${i}"`);
    if (n === want) return yes;
  }
  return no;
}

function combine(matches: readonly Match[], t: Traffic): Tri {
  let seen: Tri = yes;
  for (const m of matches) {
    const r = m(t);
    if (r.r === 'no') return no;
    if (r.r === 'unknown' && seen.r !== 'unknown') seen = r;
    else if (r.r === 'partial' && seen.r === 'yes') seen = r;
  }
  return seen;
}

function same(a: Verdict, b: Verdict): boolean {
  return a.verdict === b.verdict && a.verdict !== 'unknown';
}

interface Frame {
  chain: string;
  index: number;
}

/**
 * Evaluates `entry` (INPUT, or an nft base chain) for `traffic`. When a rule's
 * match cannot be decided, both paths are followed: if they agree, the answer
 * stands; if not, the answer is "cannot tell" with that rule.
 */
export function evaluateChains(
  chains: ReadonlyMap<string, FwChain>,
  entry: string,
  traffic: Traffic,
): Verdict {
  let budget = 20_000;
  const base = chains.get(entry);
  const policyOf = (): Verdict =>
    base?.policy === 'drop' ? { verdict: 'drop', chain: entry } : { verdict: 'accept', chain: entry };

  const run = (chainName: string, from: number, stack: readonly Frame[]): Verdict => {
    if (--budget < 0) return { verdict: 'unknown', chain: chainName, reason: 'rule set too large to walk' };
    if (stack.length > 64)
      return { verdict: 'unknown', chain: chainName, reason: 'jumps nest deeper than 64 chains (a loop?)' };
    const chain = chains.get(chainName);
    if (!chain)
      return { verdict: 'unknown', chain: chainName, reason: `chain "${chainName}" is not in the rule set` };
    for (let i = from; i < chain.rules.length; i++) {
      const rule = chain.rules[i]!;
      const m = combine(rule.matches, traffic);
      if (m.r === 'no') continue;
      const onMatch = () => apply(rule, chainName, i, stack);
      if (m.r === 'yes') return onMatch();
      const a = onMatch();
      const b = run(chainName, i + 1, stack);
      if (same(a, b)) return b;
      if (m.r === 'unknown' || a.verdict === 'unknown' || b.verdict === 'unknown') {
        return {
          verdict: 'unknown',
          rule,
          chain: chainName,
          reason:
            m.r === 'unknown' ? m.why : a.verdict === 'unknown' ? a.reason : (b as { reason: string }).reason,
        };
      }
      // Part of the range takes one path and the rest the other: report the one that blocks.
      const blocked = a.verdict !== 'accept' ? a : b;
      return { ...blocked, partial: true };
    }
    return leave(chain, stack);
  };

  const leave = (chain: FwChain, stack: readonly Frame[]): Verdict => {
    const caller = stack.at(-1);
    if (!caller) return chain.name === entry ? policyOf() : { verdict: 'accept', chain: chain.name };
    return run(caller.chain, caller.index, stack.slice(0, -1));
  };

  const apply = (rule: FwRule, chainName: string, index: number, stack: readonly Frame[]): Verdict => {
    const t = rule.target;
    switch (t.type) {
      case 'accept':
      case 'drop':
      case 'reject':
        return { verdict: t.type, rule, chain: chainName };
      case 'continue':
        return run(chainName, index + 1, stack);
      case 'return': {
        const chain = chains.get(chainName)!;
        return leave({ ...chain, rules: [] }, stack);
      }
      case 'jump':
        return run(t.chain, 0, [...stack, { chain: chainName, index: index + 1 }]);
      case 'goto':
        return run(t.chain, 0, stack);
      default:
        return { verdict: 'unknown', rule, chain: chainName, reason: `target ${t.name} is not modelled` };
    }
  };

  return run(entry, 0, []);
}

/** Several base chains on the same hook: every one must accept; the first that blocks decides. */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict | undefined {
  return (
    verdicts.find((v) => v.verdict === 'drop' || v.verdict === 'reject') ??
    verdicts.find((v) => v.verdict === 'unknown') ??
    verdicts[0]
  );
}
