// real-ip-config: does the web server take the client address from
// X-Forwarded-For, trusting only the load balancer's range? FAQ 3.9 (nginx
// set_real_ip_from/real_ip_header, Apache RemoteIPHeader/RemoteIPInternalProxy,
// Tomcat RemoteIpValve or an AccessLogValve logging %{X-Forwarded-For}i).
// An nginx or Apache file is read with what it includes (config-tree.ts): on a
// stock Debian Apache, LoadModule remoteip_module is in mods-enabled/, not in
// apache2.conf. nginx without a file reads `nginx -T`, which nginx resolves.

import { posix } from 'node:path';
import type { z } from 'zod';
import type { SectionOutput, SectionRequest } from '../transport/types.js';
import type { Proof, Same } from './contracts/define.js';
import {
  type RealIpConfigParams,
  type realIpConfig,
  realIpConfigContract,
} from './contracts/real-ip-config.js';
import { type ConfigTree, configTree } from './config-tree.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import {
  parseApacheRealIpLines,
  parseNginxRealIp,
  parseNginxRealIpLines,
  parseTomcatRealIp,
  proxyRangeTrusted,
  type RealIpConfig,
} from './parsers/real-ip.js';
import type { HostProbe } from './types.js';

export { type RealIpConfigParams, realIpConfigParams } from './contracts/real-ip-config.js';

/** The data schema's entries are exactly what the parser reports. */
export type RealIpConfigListed = Proof<Same<z.infer<typeof realIpConfig>, RealIpConfig>>;

function request(p: RealIpConfigParams): SectionRequest {
  if (p.server === 'nginx' && !p.path) return { id: 'nginx-config' };
  return { id: 'file', args: [p.path ?? '/etc/httpd/conf/httpd.conf'] };
}

/** A configuration file whose includes are followed: nginx or Apache given a file. */
const followsIncludes = (p: RealIpConfigParams) => p.server !== 'tomcat' && request(p).id === 'file';

function treeOf(p: RealIpConfigParams, outputs: readonly SectionOutput[]): ConfigTree | undefined {
  const req = request(p);
  const out = findSection(outputs, req);
  if (!followsIncludes(p) || sectionProblem(out, '')) return undefined;
  return configTree(p.server as 'nginx' | 'apache', req.args![0]!, out!.stdout, outputs);
}

function parse(
  p: RealIpConfigParams,
  text: string,
  file: string,
  tree: ConfigTree | undefined,
): RealIpConfig {
  if (p.server === 'tomcat') return parseTomcatRealIp(text, file);
  // Without a tree it is `nginx -T`: nginx resolved its includes itself.
  if (!tree) return parseNginxRealIp(text);
  return p.server === 'nginx' ? parseNginxRealIpLines(tree.lines) : parseApacheRealIpLines(tree.lines);
}

/** Evidence of a followed tree: the files read, the lines that set something, the includes not followed. */
function treeEvidence(tree: ConfigTree, config: RealIpConfig, unread: readonly string[]): string {
  const at = new Set(config.sources);
  const found = tree.lines
    .filter((l) => at.has(`${l.file}:${l.line}`))
    .map((l) => `${l.file}:${l.line}: ${l.text.trim()}`);
  // Paths under the given file's folder are shown relative to it: 37 files on a stock Debian Apache.
  const base = posix.dirname(tree.files[0]!);
  const shown = tree.files.map((f) => (f.startsWith(`${base}/`) ? f.slice(base.length + 1) : f));
  return [
    `read ${tree.files.length} file(s) in ${base}: ${shown.join(', ')}`,
    ...(found.length ? found : ['no real-IP directive in any of them']),
    ...unread.map((u) => `not read: ${u}`),
  ].join('\n');
}

export const realIpConfigProbe: HostProbe<RealIpConfigParams> = {
  ...realIpConfigContract,
  sections: (p) => [request(p)],
  followUp: (p, outputs) => treeOf(p, outputs)?.pending ?? [],
  evaluate(p, outputs) {
    const req = request(p);
    const out = findSection(outputs, req);
    const main = req.args?.[0] ?? 'nginx -T';
    const problem = sectionProblem(out, main);
    if (problem) return couldNotCheck(problem, rawOf(out));
    const tree = treeOf(p, outputs);
    let config: RealIpConfig;
    try {
      config = parse(p, out!.stdout, main, tree);
    } catch (err) {
      return couldNotCheck(`${main} cannot be read: ${(err as Error).message}`, rawOf(out));
    }
    const trusted = proxyRangeTrusted(config, p.proxy);
    // ELB sets both X-Forwarded-For and X-Real-IP (FAQ 5.1): either carries the client address.
    const headers = [p.header].flat();
    const headerOk = headers.some((h) => h.toLowerCase() === config.header?.toLowerCase());
    const wanted = headers.join(' or ');
    // Reads still pending here went deeper than the runner follows.
    const unread = tree
      ? [...tree.notRead, ...tree.pending.map((r) => `${r.args?.join(' ')}: included too deep to follow`)]
      : [];
    const file =
      tree && tree.files.length > 1 ? `${main} and the ${tree.files.length - 1} file(s) it includes` : main;
    // Where to change it, at 3 a.m.: the lines that set it, relative to the given file's folder.
    const base = `${posix.dirname(main)}/`;
    const setAt = config.sources.length
      ? `set at ${config.sources.map((x) => (x.startsWith(base) ? x.slice(base.length) : x)).join(', ')}`
      : `in ${file}`;
    const data = {
      config,
      proxyTrusted: trusted.r,
      headerOk,
      ...(tree ? { files: tree.files, notRead: unread } : {}),
    };
    const raw = tree ? treeEvidence(tree, config, unread) : rawOf(out);
    const expected = `client IP from ${wanted}, trusting ${p.proxy}`;
    const actual = config.header
      ? `header ${config.header}, trusting ${config.trustedRegex ? `/${config.trustedRegex.pattern}/${config.trustedRegex.isDefault ? ' (default)' : ''}` : config.trusted.join(' ') || 'nothing'}`
      : 'no real-IP header configured';
    // A setting missing from what was read may sit in what was not: that is "could not check", not a finding.
    const failed = (summary: string) =>
      unread.length
        ? couldNotCheck(
            `${summary}; but ${unread.length} include(s) were not read, where it may be set: ${unread.join('; ')}`,
            raw,
            data,
          )
        : { outcome: 'fail' as const, summary, data, expected, actual, durationMs: 0, raw };
    if (p.server === 'tomcat' && !config.header && config.logsForwardedFor) {
      return {
        outcome: 'pass',
        summary: `Tomcat's access log records X-Forwarded-For (FAQ 3.9); the application still sees the load balancer address`,
        data,
        expected,
        actual: 'AccessLogValve logs X-Forwarded-For',
        durationMs: 0,
        raw,
      };
    }
    if (p.server === 'apache' && config.header && config.moduleLoaded === false)
      return failed(`RemoteIPHeader is set but mod_remoteip is not loaded in ${file}`);
    if (!headerOk)
      return failed(
        `${p.server} does not take the client IP from ${wanted} (${actual}, in ${file}): logs and the application see the load balancer address (FAQ 3.9)`,
      );
    if (trusted.r === 'unknown')
      return couldNotCheck(`cannot tell whether ${p.proxy} is trusted: ${trusted.why}`, raw, data);
    if (trusted.r !== 'yes')
      return failed(
        `${p.server} reads ${config.header} but does not trust ${trusted.r === 'partial' ? 'all of ' : ''}${p.proxy} (${setAt}), so the header is ignored for requests from the load balancer (FAQ 3.9)`,
      );
    return {
      outcome: 'pass',
      summary: `${p.server}: ${actual} (${setAt})`,
      data,
      expected,
      actual,
      durationMs: 0,
      raw,
    };
  },
};
