// keepalive-config: nginx's keepalive_timeout for the server blocks on the
// member's port, read with the allow-listed `nginx -T` (every file, includes
// resolved). Beside http-keepalive's measurement it names the line to change
// (FAQ 5.6: a backend idle timeout shorter than the load balancer's reuse of
// idle connections yields intermittent 502s, FAQ 1.5).
import { type KeepaliveConfigParams, keepaliveConfigContract } from './contracts/keepalive-config.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { nginxKeepaliveFor } from './parsers/nginx-keepalive.js';
import type { HostProbe } from './types.js';

export { type KeepaliveConfigParams, keepaliveConfigParams } from './contracts/keepalive-config.js';

const NGINX_T = { id: 'nginx-config' } as const;

export const keepaliveConfigProbe: HostProbe<KeepaliveConfigParams> = {
  ...keepaliveConfigContract,
  sections: () => [NGINX_T],
  evaluate(p, outputs) {
    const out = findSection(outputs, NGINX_T);
    const problem = sectionProblem(out, 'nginx -T');
    const base = { server: p.server, port: p.port, lbIdleSeconds: p.lbIdleSeconds };
    const raw = rawOf(out);
    if (problem) return couldNotCheck(problem, raw, base);
    const found = nginxKeepaliveFor(out!.stdout, p.port);
    const data = { ...base, servers: found.servers, http: found.http, locations: found.locations };
    if (found.servers.length === 0)
      return couldNotCheck(`no nginx server block listens on port ${p.port} (nginx -T)`, raw, data);
    // Keep-alive off (0) closes every connection after its answer: nothing to reuse, no race.
    const on = found.servers.filter((s) => s.timeoutSeconds > 0);
    const shortest = [...(on.length ? on : found.servers)].sort(
      (a, b) => a.timeoutSeconds - b.timeoutSeconds,
    )[0]!;
    const where = shortest.source === 'nginx default' ? "nginx's default" : shortest.source;
    const more = found.locations.length
      ? `; location blocks set ${found.locations.map((l) => `${l.timeoutSeconds} s (${l.source})`).join(', ')}`
      : '';
    const full = { ...data, timeoutSeconds: shortest.timeoutSeconds, source: shortest.source };
    const expected = `keepalive_timeout longer than ${p.lbIdleSeconds} s`;
    const actual = `keepalive_timeout ${shortest.timeoutSeconds} s (${where})`;
    if (on.length === 0) {
      return {
        outcome: 'pass',
        summary: `nginx on port ${p.port}: keepalive_timeout 0 (${where}): keep-alive is off, every connection closes after its answer${more}`,
        data: full,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    const shorter = shortest.timeoutSeconds <= p.lbIdleSeconds;
    return {
      outcome: shorter ? 'fail' : 'pass',
      summary: `nginx on port ${p.port}: keepalive_timeout ${shortest.timeoutSeconds} s (${where})${shorter ? `, not longer than the load balancer's ${p.lbIdleSeconds} s` : `, longer than the load balancer's ${p.lbIdleSeconds} s`}${more}`,
      data: full,
      expected,
      actual,
      durationMs: 0,
      raw,
    };
  },
};
