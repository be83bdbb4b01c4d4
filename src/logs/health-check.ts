// Whether an access-log line looks like a health check. ELB's own checks never
// reach its access logs (they come from the LB nodes straight to the members,
// FAQ 2.3, 2.5, 6.4), but checks that go through a listener do (an uptime
// monitor, a Kubernetes probe, another load balancer's checker), and a
// backend's or the reference LB's log in this layout may hold them. FAQ 2.7:
// many of them make a lot of log lines.
//
// The rule: the User-Agent names a health checker (HEALTH_CHECK_AGENT), or the
// request is a GET or HEAD whose path (query string left out) is one of the
// health-check paths (HEALTH_CHECK_PATHS plus the ones given, e.g. the pool's
// healthmonitor url_path).
import { detached, pathKey } from './paths.js';
import type { LogRecord } from './record.js';

export const HEALTH_CHECK_AGENT = /health[ _-]?check|healthchecker|kube-probe|googlehc|elb-healthchecker/i;

export const HEALTH_CHECK_PATHS: readonly string[] = [
  '/health',
  '/healthz',
  '/healthcheck',
  '/health-check',
  '/health_check',
  '/readyz',
  '/livez',
];

export const HEALTH_CHECK_RULE =
  'User-Agent names a health checker (health-check, HealthChecker, kube-probe, GoogleHC), or a GET/HEAD of a health-check path';

export type HealthCheckMatcher = (
  r: Pick<LogRecord, 'method' | 'uri' | 'userAgent' | 'pathKey' | 'pathExact'>,
) => boolean;

/** User-Agent verdicts remembered per matcher; past this many it starts again (memory stays bounded). */
const AGENT_VERDICTS = 4096;
/** Agents compared before the map is asked. */
const RECENT = 8;

/** A matcher for these extra paths (besides HEALTH_CHECK_PATHS). */
export function healthCheckMatcher(extraPaths: readonly string[] = []): HealthCheckMatcher {
  const paths = new Set([...HEALTH_CHECK_PATHS, ...extraPaths]);
  // A line whose path key is not its path itself (an `{id}` put in, or cut) can match only a
  // path that pathKey() changes too; with none such, that line needs no look at its URI.
  const keyedPaths = [...paths].some((p) => pathKey(p) !== p);
  // A log has few User-Agents and millions of lines: test each agent once. The last few are
  // compared first (the readers give one string object per agent: a pointer comparison).
  const agents = new Map<string, boolean>();
  const recent: (string | null)[] = new Array(RECENT).fill(null);
  const recentVerdict: boolean[] = new Array(RECENT).fill(false);
  let next = 0;
  const agentIsChecker = (ua: string): boolean => {
    for (let i = 0; i < RECENT; i++) if (recent[i] === ua) return recentVerdict[i]!;
    let checker = agents.get(ua);
    if (checker === undefined) {
      checker = HEALTH_CHECK_AGENT.test(ua);
      if (agents.size >= AGENT_VERDICTS) agents.clear();
      // A copy: a slice of a 64 KiB chunk kept as a key would keep the chunk.
      agents.set(detached(ua), checker);
    }
    // The string itself, so that the same object matches by pointer (at most RECENT chunks kept).
    recent[next] = ua;
    recentVerdict[next] = checker;
    next = (next + 1) % RECENT;
    return checker;
  };
  return (r) => {
    const ua = r.userAgent;
    if (ua !== null && agentIsChecker(ua)) return true;
    if (r.method !== 'GET' && r.method !== 'HEAD') return false;
    // The path without its query: the grouping key when the reader says it is that.
    if (r.pathKey !== undefined) {
      if (r.pathExact) return paths.has(r.pathKey);
      if (!keyedPaths) return false;
    }
    const q = r.uri.indexOf('?');
    return paths.has(q < 0 ? r.uri : r.uri.slice(0, q));
  };
}

/** The default rule, for one line. */
export const looksLikeHealthCheck: HealthCheckMatcher = healthCheckMatcher();
