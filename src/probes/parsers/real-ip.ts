// Real client IP settings behind a Layer-7 load balancer (FAQ 3.9): the
// server must take the client address from X-Forwarded-For, and only when the
// request comes from the load balancer's range (100.125.0.0/16 for shared
// load balancers, the load balancer's subnet for dedicated ones).
import { XMLParser } from 'fast-xml-parser';
import { type ConfigLine, configLines, stripHashComments } from './config-includes.js';
import { cidrRelation, type Tri } from './firewall-eval.js';

export interface RealIpConfig {
  server: 'nginx' | 'apache' | 'tomcat';
  /** Header the server reads the client address from, if configured. */
  header?: string;
  /** Proxies trusted to set it: CIDRs/addresses (nginx, Apache) or a regular expression (Tomcat). */
  trusted: string[];
  /** Tomcat: internalProxies is a regex; `default` when left at Tomcat's built-in value. */
  trustedRegex?: { pattern: string; isDefault: boolean };
  /** Where each finding came from, "file:line" when known. */
  sources: string[];
  /** Tomcat per FAQ 3.9: AccessLogValve logging %{X-Forwarded-For}i also shows the client address. */
  logsForwardedFor?: boolean;
  /** Apache: whether mod_remoteip is loaded in this text. */
  moduleLoaded?: boolean;
}

/** nginx.conf text, or `nginx -T` output (which names each file in "# configuration file X:" lines). */
export function parseNginxRealIp(text: string): RealIpConfig {
  const lines: ConfigLine[] = [];
  let file = 'nginx.conf';
  let fileLine = 0;
  for (const raw of text.split('\n')) {
    fileLine++;
    const named = /^# configuration file (.+):$/.exec(raw.trim());
    if (named) {
      file = named[1]!;
      fileLine = 0;
      continue;
    }
    lines.push({ file, line: fileLine, text: raw });
  }
  return parseNginxRealIpLines(lines);
}

/** nginx's real-IP directives in located lines: one file, or a file and what it includes, in order. */
export function parseNginxRealIpLines(lines: readonly ConfigLine[]): RealIpConfig {
  const out: RealIpConfig = { server: 'nginx', trusted: [], sources: [] };
  for (const { file, line: n, text } of lines) {
    const line = stripHashComments(text);
    for (const m of line.matchAll(/(?:^|[;{}\s])(set_real_ip_from|real_ip_header)\s+([^;]+);/g)) {
      const value = m[2]!.trim().replace(/^["']|["']$/g, '');
      if (m[1] === 'set_real_ip_from') out.trusted.push(value);
      else out.header = value;
      out.sources.push(`${file}:${n}`);
    }
  }
  return out;
}

export function parseApacheRealIp(text: string, file = 'httpd.conf'): RealIpConfig {
  return parseApacheRealIpLines(configLines(text, file));
}

/** Apache's mod_remoteip settings in located lines: one file, or a file and what it includes, in order. */
export function parseApacheRealIpLines(lines: readonly ConfigLine[]): RealIpConfig {
  const out: RealIpConfig = { server: 'apache', trusted: [], sources: [], moduleLoaded: false };
  for (const { file, line: n, text } of lines) {
    const line = stripHashComments(text).trim();
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const directive = m[1]!.toLowerCase();
    const args = m[2]!.trim().split(/\s+/);
    if (directive === 'loadmodule' && args[0] === 'remoteip_module') out.moduleLoaded = true;
    else if (directive === 'remoteipheader') out.header = args[0];
    else if (directive === 'remoteipinternalproxy' || directive === 'remoteiptrustedproxy')
      out.trusted.push(...args);
    else if (directive === 'remoteipinternalproxylist' || directive === 'remoteiptrustedproxylist') {
      out.trusted.push(`list:${args[0]}`);
    } else continue;
    out.sources.push(`${file}:${n}`);
  }
  return out;
}

/** Tomcat 9's built-in internalProxies (RemoteIpValve docs); 100.64.0.0/10 is inside it. */
export const TOMCAT_DEFAULT_INTERNAL_PROXIES =
  '10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|192\\.168\\.\\d{1,3}\\.\\d{1,3}|169\\.254\\.\\d{1,3}\\.\\d{1,3}|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|100\\.6[4-9]{1}\\.\\d{1,3}\\.\\d{1,3}|100\\.[7-9]{1}\\d{1}\\.\\d{1,3}\\.\\d{1,3}|100\\.1[0-1]{1}\\d{1}\\.\\d{1,3}\\.\\d{1,3}|100\\.12[0-7]{1}\\.\\d{1,3}\\.\\d{1,3}|172\\.1[6-9]{1}\\.\\d{1,3}\\.\\d{1,3}|172\\.2[0-9]{1}\\.\\d{1,3}\\.\\d{1,3}|172\\.3[0-1]{1}\\.\\d{1,3}\\.\\d{1,3}|0:0:0:0:0:0:0:1|::1';

type XmlNode = Record<string, unknown>;

function findValves(node: unknown, out: XmlNode[]): void {
  if (Array.isArray(node)) {
    for (const n of node) findValves(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as XmlNode)) {
    if (key === 'Valve') {
      for (const v of Array.isArray(value) ? value : [value])
        if (v && typeof v === 'object') out.push(v as XmlNode);
    }
    if (!key.startsWith('@_')) findValves(value, out);
  }
}

export function parseTomcatRealIp(text: string, file = 'server.xml'): RealIpConfig {
  const out: RealIpConfig = { server: 'tomcat', trusted: [], sources: [], logsForwardedFor: false };
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    commentPropName: '#comment',
  }).parse(text);
  const valves: XmlNode[] = [];
  findValves(doc, valves);
  for (const v of valves) {
    const cls = String(v['@_className'] ?? '');
    if (cls.endsWith('.RemoteIpValve')) {
      out.header = String(v['@_remoteIpHeader'] ?? 'X-Forwarded-For');
      const internal = v['@_internalProxies'];
      out.trustedRegex =
        internal === undefined
          ? { pattern: TOMCAT_DEFAULT_INTERNAL_PROXIES, isDefault: true }
          : { pattern: String(internal), isDefault: false };
      if (v['@_trustedProxies'] !== undefined) out.trusted.push(`regex:${String(v['@_trustedProxies'])}`);
      out.sources.push(`${file}: RemoteIpValve`);
    } else if (
      cls.endsWith('.AccessLogValve') &&
      /%\{x-forwarded-for\}i/i.test(String(v['@_pattern'] ?? ''))
    ) {
      out.logsForwardedFor = true;
      out.sources.push(`${file}: AccessLogValve pattern`);
    }
  }
  return out;
}

/** Whether the configured proxies cover the whole load-balancer range. */
export function proxyRangeTrusted(config: RealIpConfig, range: string): Tri {
  if (config.trustedRegex) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${config.trustedRegex.pattern})$`);
    } catch {
      return {
        r: 'unknown',
        why: `internalProxies "${config.trustedRegex.pattern}" is not a regular expression lbdoctor can run`,
      };
    }
    // A regex cannot be intersected with a CIDR cheaply: test the range's first, middle and last addresses.
    const samples = sampleAddresses(range);
    const hits = samples.filter((a) => re.test(a)).length;
    return hits === samples.length
      ? { r: 'yes' }
      : hits === 0
        ? { r: 'no' }
        : { r: 'partial', why: `${re.source} covers part of ${range}` };
  }
  const cidrs = config.trusted.filter((t) => /^[\d.:a-fA-F]+(\/\d+)?$/.test(t));
  if (cidrs.length === 0)
    return config.trusted.length
      ? { r: 'unknown', why: `trusted proxies ${config.trusted.join(' ')}` }
      : { r: 'no' };
  const rel = cidrRelation(cidrs, range);
  if (rel.r !== 'yes' && cidrs.length < config.trusted.length) {
    return { r: 'unknown', why: `also trusts ${config.trusted.filter((t) => !cidrs.includes(t)).join(' ')}` };
  }
  return rel;
}

function sampleAddresses(range: string): string[] {
  const [base, bitsText] = range.split('/');
  const parts = base!.split('.').map(Number);
  if (parts.length !== 4) return [base!];
  const bits = Number(bitsText ?? 32);
  const start = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const size = 2 ** (32 - bits);
  const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  return [...new Set([start, start + Math.floor(size / 2), start + size - 1].map((n) => toIp(n >>> 0)))];
}
