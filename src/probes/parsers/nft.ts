// Parses `nft list ruleset` into chains for the firewall walker: the base
// chains on the input hook of ip/inet tables, their policies and the rules
// reachable from them. Statements lbdoctor does not model make a rule
// "cannot tell" (outcome error), never a guess.
import {
  cidrRelation,
  combineVerdicts,
  evaluateChains,
  type Verdict,
  ctStateMatch,
  type FwChain,
  type FwRule,
  icmpTypeMatch,
  interfaceMatch,
  type Match,
  negate,
  no,
  portInSpec,
  type Target,
  type Traffic,
  type Tri,
  unknown,
  yes,
} from './firewall-eval.js';

export interface NftBaseChain {
  table: string;
  family: string;
  chain: string;
  hook: string;
  priority: number;
}

export interface NftTable {
  family: string;
  name: string;
  chains: Map<string, FwChain>;
}

export interface NftRuleset {
  tables: NftTable[];
  /** Base chains filtering input, in the order the kernel runs them (priority). */
  inputChains: NftBaseChain[];
}

const PRIORITY_NAMES: Record<string, number> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

/** Words, with `{ a, b }` sets and "strings" kept as one token each. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /\{[^}]*\}|"(?:[^"\\]|\\.)*"|\S+/g;
  for (const m of line.matchAll(re)) out.push(m[0]);
  return out;
}

function setItems(tok: string): string[] {
  const inner = tok.startsWith('{') ? tok.slice(1, -1) : tok;
  return inner
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
}

function portMatch(proto: 'tcp' | 'udp' | 'th', value: string, t: Traffic): Tri {
  if (proto !== 'th' && t.protocol !== proto) return no;
  if (t.protocol === 'icmp') return no;
  if (value.startsWith('@')) return unknown(`port set ${value} is not modelled`);
  const hit = portInSpec(t.port, setItems(value).join(','));
  return hit === undefined ? unknown(`port ${value}`) : hit ? yes : no;
}

/** Parses one rule line into matches and a verdict; unknown statements make it "cannot tell". */
function parseRule(line: string): { matches: Match[]; target: Target } {
  const tokens = tokenize(line);
  const matches: Match[] = [];
  let target: Target = { type: 'continue' };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    // "ip saddr != 10.0.0.0/8": an optional operator before the value.
    const value = (): { neg: boolean; v: string } => {
      let neg = false;
      if (tokens[i + 1] === '!=') {
        neg = true;
        i++;
      } else if (tokens[i + 1] === '==') i++;
      return { neg, v: tokens[++i] ?? '' };
    };
    const add = (neg: boolean, m: Match) => matches.push(neg ? (t) => negate(m(t)) : m);
    const next = tokens[i + 1];
    if ((tok === 'ip' || tok === 'ip6') && (next === 'saddr' || next === 'daddr')) {
      i++;
      const { neg, v } = value();
      const family = tok;
      if (v.startsWith('@')) {
        add(false, () => unknown(`address set ${v} is not modelled`));
        continue;
      }
      const items = setItems(v);
      if (items.some((x) => /^[\d.]+-[\d.]+$|^[\da-f:]+-[\da-f:]+$/i.test(x))) {
        add(false, () => unknown(`address range ${v} is not modelled`));
        continue;
      }
      // An ip6 match never matches IPv4 traffic (and the reverse), negated or not.
      const otherFamily = (t: Traffic) => t.source.includes(':') !== (family === 'ip6');
      const maybeNeg = (r: Tri) => (neg ? negate(r) : r);
      if (next === 'saddr') {
        add(false, (t) => (otherFamily(t) ? no : maybeNeg(cidrRelation(items, t.source))));
      } else {
        add(false, (t) =>
          otherFamily(t)
            ? no
            : t.destination === undefined
              ? unknown(`depends on the destination address (${v}); pass the destination to decide`)
              : maybeNeg(cidrRelation(items, t.destination)),
        );
      }
    } else if ((tok === 'tcp' || tok === 'udp' || tok === 'th') && next === 'dport') {
      i++;
      const { neg, v } = value();
      add(neg, (t) => portMatch(tok, v, t));
    } else if ((tok === 'tcp' || tok === 'udp' || tok === 'th') && next === 'sport') {
      i++;
      const { v } = value();
      add(false, () => unknown(`depends on the client's source port (${tok} sport ${v})`));
    } else if (tok === 'meta' && next === 'l4proto') {
      i++;
      const { neg, v } = value();
      const items = setItems(v);
      add(neg, (t) =>
        items.includes(t.protocol)
          ? yes
          : items.every((x) => /^[a-z][a-z0-9-]*$/.test(x))
            ? no
            : unknown(`l4proto ${v}`),
      );
    } else if (tok === 'ip' && next === 'protocol') {
      i++;
      const { neg, v } = value();
      const items = setItems(v);
      add(neg, (t) => (items.includes(t.protocol) ? yes : no));
    } else if (tok === 'meta' && next === 'nfproto') {
      i++;
      const { neg, v } = value();
      add(neg, (t) => (setItems(v).includes(t.source.includes(':') ? 'ipv6' : 'ipv4') ? yes : no));
    } else if (
      tok === 'iifname' ||
      tok === 'iif' ||
      (tok === 'meta' && (next === 'iifname' || next === 'iif'))
    ) {
      if (tok === 'meta') i++;
      const { neg, v } = value();
      const items = setItems(v);
      add(neg, (t) => {
        const rs = items.map((x) => interfaceMatch(x, t));
        return rs.find((r) => r.r === 'yes') ?? rs.find((r) => r.r === 'unknown') ?? no;
      });
    } else if (tok === 'ct' && next === 'state' && tokens[i + 2] === 'vmap') {
      // "ct state vmap { established : accept, invalid : drop }": only the entry for new connections matters.
      const map = tokens[i + 3] ?? '';
      i += 3;
      const entry = setItems(map)
        .map((e) => e.split(':').map((x) => x.trim()))
        .find(([states]) => states!.split(/[\s,]+/).includes('new'));
      if (!entry) {
        matches.push(() => no);
      } else {
        const verdict = entry[1]!.split(/\s+/);
        target =
          verdict[0] === 'jump' || verdict[0] === 'goto'
            ? { type: verdict[0], chain: verdict[1] ?? '' }
            : ['accept', 'drop', 'reject', 'return', 'continue'].includes(verdict[0]!)
              ? { type: verdict[0] as 'accept' }
              : { type: 'unknown', name: entry[1]! };
        break;
      }
    } else if (tok === 'ct' && next === 'state') {
      i++;
      const { neg, v } = value();
      add(neg, () => ctStateMatch(setItems(v).flatMap((s) => s.split(','))));
    } else if (tok === 'ct' && next === 'status') {
      i++;
      const { neg, v } = value();
      // A connection from the load balancer straight to this host is not NATed here.
      const items = setItems(v).flatMap((s) => s.split(','));
      add(neg, () => (items.every((x) => x === 'dnat' || x === 'snat') ? no : unknown(`ct status ${v}`)));
    } else if ((tok === 'icmp' && next === 'type') || (tok === 'icmpv6' && next === 'type')) {
      i++;
      const { neg, v } = value();
      add(neg, (t) => icmpTypeMatch(setItems(v).join(','), t));
    } else if (tok === 'fib' && next === 'daddr' && tokens[i + 2] === 'type') {
      i += 2;
      const { neg, v } = value();
      add(neg, () => (v === 'local' ? yes : unknown(`fib daddr type ${v}`)));
    } else if (tok === 'counter') {
      if (tokens[i + 1] === 'packets') i += 4;
    } else if (tok === 'comment') {
      i++;
    } else if (tok === 'log') {
      // log [prefix "…"] [level x] [flags …]: a side effect, not a match.
      while (
        tokens[i + 1] &&
        ['prefix', 'level', 'flags', 'group', 'snaplen', 'queue-threshold'].includes(tokens[i + 1]!)
      )
        i += 2;
    } else if (tok === 'accept' || tok === 'drop' || tok === 'return' || tok === 'continue') {
      target = { type: tok };
      break;
    } else if (tok === 'reject') {
      target = { type: 'reject' };
      break;
    } else if (tok === 'jump' || tok === 'goto') {
      target = { type: tok, chain: tokens[i + 1] ?? '' };
      break;
    } else if (tok === 'queue') {
      target = { type: 'unknown', name: 'queue' };
      break;
    } else {
      const rest = tokens.slice(i).join(' ');
      add(false, () => unknown(`statement "${rest}" is not modelled`));
      break;
    }
  }
  // A verdict after an unmodelled statement still matters: find it.
  if (target.type === 'continue') {
    const words = tokenize(line);
    const v = words.findLast((w) => ['accept', 'drop', 'reject', 'return', 'jump', 'goto'].includes(w));
    if (v === 'jump' || v === 'goto') target = { type: v, chain: words[words.lastIndexOf(v) + 1] ?? '' };
    else if (v) target = { type: v as 'accept' | 'drop' | 'reject' | 'return' };
  }
  return { matches, target };
}

export function parseNftRuleset(text: string): NftRuleset {
  const tables: NftTable[] = [];
  const inputChains: NftBaseChain[] = [];
  let table: NftTable | undefined;
  let chain: FwChain | undefined;
  let skipDepth = 0;
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    if (skipDepth > 0) {
      skipDepth += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
      return;
    }
    const t = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
    if (t) {
      table = { family: t[1]!, name: t[2]!, chains: new Map() };
      tables.push(table);
      return;
    }
    const c = /^chain\s+(\S+)\s*\{$/.exec(line);
    if (c && table) {
      chain = { name: c[1]!, rules: [] };
      table.chains.set(chain.name, chain);
      return;
    }
    if (/^(set|map|flowtable|ct|counter|quota|limit|secmark|synproxy)\s+\S+.*\{$/.test(line)) {
      skipDepth = 1;
      return;
    }
    if (line === '}') {
      if (chain) chain = undefined;
      else table = undefined;
      return;
    }
    if (!chain || !table) return;
    const base =
      /^type\s+(\S+)\s+hook\s+(\S+)(?:\s+device\s+\S+)?\s+priority\s+([^;]+);(?:\s*policy\s+(\w+);)?/.exec(
        line,
      );
    if (base) {
      chain.policy = base[4] === 'drop' ? 'drop' : 'accept';
      const prio = base[3]!.trim();
      const m = /^(\w+)\s*([+-])?\s*(\d+)?$/.exec(prio);
      const priority = /^-?\d+$/.test(prio)
        ? Number(prio)
        : m
          ? (PRIORITY_NAMES[m[1]!] ?? 0) + (m[2] === '-' ? -1 : 1) * Number(m[3] ?? 0)
          : 0;
      if (
        base[1] === 'filter' &&
        base[2] === 'input' &&
        (table.family === 'ip' || table.family === 'inet' || table.family === 'ip6')
      ) {
        inputChains.push({
          table: table.name,
          family: table.family,
          chain: chain.name,
          hook: base[2]!,
          priority,
        });
      }
      return;
    }
    const rule = parseRule(line);
    const fw: FwRule = {
      chain: chain.name,
      text: line,
      line: idx + 1,
      matches: rule.matches,
      target: rule.target,
    };
    chain.rules.push(fw);
  });
  inputChains.sort((a, b) => a.priority - b.priority);
  return { tables, inputChains };
}

/**
 * Runs every input base chain that sees this traffic's family, in priority
 * order. `skipTables` leaves out tables another reader covers (the iptables-nft
 * tables, read from iptables-save where their xt matches are spelled out).
 */
export function evaluateNft(
  ruleset: NftRuleset,
  traffic: Traffic,
  options: { skipTables?: readonly string[] } = {},
): Verdict | undefined {
  const v6 = traffic.source.includes(':');
  const verdicts = ruleset.inputChains
    .filter((b) => b.family === 'inet' || b.family === (v6 ? 'ip6' : 'ip'))
    .filter((b) => !options.skipTables?.includes(`${b.family} ${b.table}`))
    .map((b) => {
      const table = ruleset.tables.find((t) => t.family === b.family && t.name === b.table)!;
      const v = evaluateChains(table.chains, b.chain, traffic);
      return { ...v, chain: `${b.family} ${b.table} ${v.chain}` } as Verdict;
    });
  return combineVerdicts(verdicts);
}
