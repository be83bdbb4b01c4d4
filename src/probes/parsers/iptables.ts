// Parses `iptables-save` (nf_tables-backed or legacy) into chains the firewall
// walker understands. Only what changes the answer for "new connection from a
// range to a port" is modelled; any other match makes the rule "cannot tell".
import {
  cidrRelation,
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

export interface IptablesTable {
  name: string;
  chains: Map<string, FwChain>;
}

export interface IptablesSave {
  /** "nf_tables" when iptables-save says so, else "legacy" (or undefined when there is no header). */
  backend?: 'nf_tables' | 'legacy';
  tables: Map<string, IptablesTable>;
}

/** Splits a rule into words, keeping "quoted strings" (comments, log prefixes) whole. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

const PROTO_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp' };

function protocolMatch(p: string, t: Traffic): Tri {
  const name = PROTO_NUMBERS[p] ?? p.toLowerCase();
  if (name === 'all' || name === '0') return yes;
  if (!['tcp', 'udp', 'icmp', 'udplite', 'sctp', 'esp', 'ah', 'gre', 'icmpv6', 'ipv6-icmp'].includes(name)) {
    return unknown(`protocol "${p}"`);
  }
  return name === t.protocol ? yes : no;
}

function dportMatch(spec: string, t: Traffic): Tri {
  if (t.protocol === 'icmp') return no;
  const hit = portInSpec(t.port, spec);
  return hit === undefined ? unknown(`port "${spec}"`) : hit ? yes : no;
}

const NON_TERMINATING = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'TRACE',
  'AUDIT',
  'MARK',
  'CONNMARK',
  'CT',
  'NOTRACK',
  'TCPMSS',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'SECMARK',
  'CONNSECMARK',
  'IDLETIMER',
  'LED',
  'NFQUEUE_BYPASS',
]);

function targetOf(name: string | undefined, goto: boolean, chains: ReadonlySet<string>): Target {
  if (name === undefined) return { type: 'continue' };
  if (goto) return { type: 'goto', chain: name };
  if (name === 'ACCEPT') return { type: 'accept' };
  if (name === 'DROP') return { type: 'drop' };
  if (name === 'REJECT') return { type: 'reject' };
  if (name === 'RETURN') return { type: 'return' };
  if (chains.has(name)) return { type: 'jump', chain: name };
  if (NON_TERMINATING.has(name)) return { type: 'continue' };
  return { type: 'unknown', name };
}

/** Modules whose presence alone changes nothing: their options are read below. */
const PLAIN_MODULES = new Set([
  'tcp',
  'udp',
  'icmp',
  'multiport',
  'comment',
  'conntrack',
  'state',
  'addrtype',
]);

function parseRule(
  tokens: string[],
  chainNames: ReadonlySet<string>,
): { chain: string; matches: Match[]; target: Target } {
  const matches: Match[] = [];
  let chain = '';
  let target: string | undefined;
  let goto = false;
  let negated = false;
  const add = (m: Match) => {
    const neg = negated;
    matches.push(neg ? (t) => negate(m(t)) : m);
    negated = false;
  };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const arg = () => tokens[++i] ?? '';
    if (tok === '!') {
      negated = true;
      continue;
    }
    switch (tok) {
      case '-A':
      case '--append':
        chain = arg();
        break;
      case '-s':
      case '--source': {
        const v = arg().split(',');
        add((t) => cidrRelation(v, t.source));
        break;
      }
      case '-d':
      case '--destination': {
        const v = arg().split(',');
        add((t) =>
          t.destination !== undefined
            ? cidrRelation(v, t.destination)
            : v.every((c) => c === '0.0.0.0/0')
              ? yes
              : unknown(
                  `depends on the destination address (${v.join(',')}); pass the destination to decide`,
                ),
        );
        break;
      }
      case '-p':
      case '--protocol': {
        const v = arg();
        add((t) => protocolMatch(v, t));
        break;
      }
      case '-i':
      case '--in-interface': {
        const v = arg();
        add((t) => interfaceMatch(v, t));
        break;
      }
      case '-m':
      case '--match': {
        const mod = arg();
        if (!PLAIN_MODULES.has(mod)) {
          add(() => unknown(`match module "${mod}" is not modelled`));
          // Skip this module's options: everything up to the next option that is not its own is unknown anyway.
        }
        negated = false;
        break;
      }
      case '--dport':
      case '--destination-port':
      case '--dports':
      case '--destination-ports': {
        const v = arg();
        add((t) => dportMatch(v, t));
        break;
      }
      case '--ports': {
        const v = arg();
        // Matches the source or the destination port: a hit on the destination is enough.
        add((t) => (dportMatch(v, t).r === 'yes' ? yes : unknown(`--ports ${v} may match the source port`)));
        break;
      }
      case '--sport':
      case '--source-port':
      case '--sports':
      case '--source-ports': {
        const v = arg();
        add(() => unknown(`depends on the client's source port (${tok} ${v})`));
        break;
      }
      case '--ctstate':
      case '--state': {
        const v = arg().split(',');
        add(() => ctStateMatch(v));
        break;
      }
      case '--tcp-flags': {
        const mask = arg().split(',');
        const comp = arg().split(',');
        // "--tcp-flags FIN,SYN,RST,ACK SYN" is --syn spelled out: the first packet of a new connection.
        const syn =
          mask.includes('SYN') && mask.includes('ACK') && comp.includes('SYN') && !comp.includes('ACK');
        add((t) =>
          t.protocol !== 'tcp' ? no : syn ? yes : unknown(`--tcp-flags ${mask.join(',')} ${comp.join(',')}`),
        );
        break;
      }
      case '--syn':
        add((t) => (t.protocol === 'tcp' ? yes : no));
        break;
      case '--icmp-type': {
        const v = arg();
        add((t) => icmpTypeMatch(v, t));
        break;
      }
      case '--dst-type': {
        const v = arg();
        add(() => (v === 'LOCAL' ? yes : unknown(`address type ${v}`)));
        break;
      }
      case '--comment':
        arg();
        break;
      case '-j':
      case '--jump':
        target = arg();
        // Target options (--reject-with, --log-prefix …) follow; they do not change the verdict.
        i = tokens.length;
        break;
      case '-g':
      case '--goto':
        target = arg();
        goto = true;
        i = tokens.length;
        break;
      default:
        if (tok.startsWith('-')) {
          const v = tokens[i + 1] && !tokens[i + 1]!.startsWith('-') ? ` ${tokens[++i]}` : '';
          add(() => unknown(`option ${tok}${v} is not modelled`));
        }
    }
  }
  return { chain, matches, target: targetOf(target, goto, chainNames) };
}

export function parseIptablesSave(text: string): IptablesSave {
  const result: IptablesSave = { tables: new Map() };
  const lines = text.split('\n');
  const header = lines.find((l) => l.startsWith('# Generated by iptables'));
  if (header) result.backend = /\(nf_tables\)/.test(header) ? 'nf_tables' : 'legacy';
  let table: IptablesTable | undefined;
  // First pass per table for chain names, so `-j NAME` knows a user chain from a target.
  const pending: { line: number; text: string }[] = [];
  const flush = () => {
    if (!table) return;
    const names = new Set(table.chains.keys());
    for (const p of pending) {
      const body = p.text.replace(/^\[\d+:\d+\]\s*/, '');
      const rule = parseRule(tokenize(body), names);
      const chain = table.chains.get(rule.chain);
      if (!chain) continue;
      const fw: FwRule = {
        chain: rule.chain,
        text: body,
        line: p.line,
        matches: rule.matches,
        target: rule.target,
      };
      chain.rules.push(fw);
    }
    pending.length = 0;
  };
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    if (line.startsWith('*')) {
      flush();
      table = { name: line.slice(1), chains: new Map() };
      result.tables.set(table.name, table);
    } else if (line.startsWith(':') && table) {
      const [name, policy] = line.slice(1).split(/\s+/);
      const fw: FwChain = { name: name!, rules: [] };
      if (policy === 'ACCEPT') fw.policy = 'accept';
      else if (policy === 'DROP') fw.policy = 'drop';
      table.chains.set(name!, fw);
    } else if (line === 'COMMIT') {
      flush();
      table = undefined;
    } else if ((line.startsWith('-A') || /^\[\d+:\d+\]\s*-A/.test(line)) && table) {
      pending.push({ line: idx + 1, text: line });
    }
  });
  flush();
  return result;
}

/** Whether an iptables-save output holds no rule at all in a table (a fresh host). */
export function ruleCount(save: IptablesSave, table = 'filter'): number {
  const t = save.tables.get(table);
  return t ? [...t.chains.values()].reduce((n, c) => n + c.rules.length, 0) : 0;
}

/** The filter table's INPUT chain for this traffic; undefined when the output has no filter table. */
export function evaluateIptables(save: IptablesSave, traffic: Traffic): Verdict | undefined {
  const filter = save.tables.get('filter');
  if (!filter?.chains.has('INPUT')) return undefined;
  return evaluateChains(filter.chains, 'INPUT', traffic);
}

/** Tables iptables-nft owns: when iptables-save reads nf_tables, nft shows them too (`table ip filter`, `table ip6 filter`). */
export function iptablesNftTables(save: IptablesSave, family: 'ip' | 'ip6' = 'ip'): string[] {
  return save.backend === 'nf_tables' ? [...save.tables.keys()].map((t) => `${family} ${t}`) : [];
}
