// real-ip-config: does the web server take the client address from
// X-Forwarded-For, trusting only the load balancer's range? FAQ 3.9 (nginx
// set_real_ip_from/real_ip_header, Apache RemoteIPHeader/RemoteIPInternalProxy,
// Tomcat RemoteIpValve or an AccessLogValve logging %{X-Forwarded-For}i).

import type { z } from 'zod';
import type { SectionRequest } from '../transport/types.js';
import type { Proof, Same } from './contracts/define.js';
import {
  type RealIpConfigParams,
  type realIpConfig,
  realIpConfigContract,
} from './contracts/real-ip-config.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import {
  parseApacheRealIp,
  parseNginxRealIp,
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

function parse(p: RealIpConfigParams, text: string, file: string): RealIpConfig {
  if (p.server === 'nginx') return parseNginxRealIp(text);
  if (p.server === 'apache') return parseApacheRealIp(text, file);
  return parseTomcatRealIp(text, file);
}

export const realIpConfigProbe: HostProbe<RealIpConfigParams> = {
  ...realIpConfigContract,
  sections: (p) => [request(p)],
  evaluate(p, outputs) {
    const req = request(p);
    const out = findSection(outputs, req);
    const file = req.args?.[0] ?? 'nginx -T';
    const problem = sectionProblem(out, file);
    if (problem) return couldNotCheck(problem, rawOf(out));
    let config: RealIpConfig;
    try {
      config = parse(p, out!.stdout, file);
    } catch (err) {
      return couldNotCheck(`${file} cannot be read: ${(err as Error).message}`, rawOf(out));
    }
    const trusted = proxyRangeTrusted(config, p.proxy);
    // ELB sets both X-Forwarded-For and X-Real-IP (FAQ 5.1): either carries the client address.
    const headers = [p.header].flat();
    const headerOk = headers.some((h) => h.toLowerCase() === config.header?.toLowerCase());
    const wanted = headers.join(' or ');
    const data = { config, proxyTrusted: trusted.r, headerOk };
    const raw = rawOf(out);
    const expected = `client IP from ${wanted}, trusting ${p.proxy}`;
    const actual = config.header
      ? `header ${config.header}, trusting ${config.trustedRegex ? `/${config.trustedRegex.pattern}/${config.trustedRegex.isDefault ? ' (default)' : ''}` : config.trusted.join(' ') || 'nothing'}`
      : 'no real-IP header configured';
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
    if (p.server === 'apache' && config.header && config.moduleLoaded === false) {
      return {
        outcome: 'fail',
        summary: `RemoteIPHeader is set but mod_remoteip is not loaded in ${file}`,
        data,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    if (!headerOk) {
      return {
        outcome: 'fail',
        summary: `${p.server} does not take the client IP from ${wanted} (${actual}): logs and the application see the load balancer address (FAQ 3.9)`,
        data,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    if (trusted.r === 'unknown')
      return couldNotCheck(`cannot tell whether ${p.proxy} is trusted: ${trusted.why}`, raw, data);
    if (trusted.r !== 'yes') {
      return {
        outcome: 'fail',
        summary: `${p.server} reads ${config.header} but does not trust ${trusted.r === 'partial' ? 'all of ' : ''}${p.proxy}, so the header is ignored for requests from the load balancer (FAQ 3.9)`,
        data,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    return { outcome: 'pass', summary: `${p.server}: ${actual}`, data, expected, actual, durationMs: 0, raw };
  },
};
