// One health check of one member with a monitor's settings: the same code the
// reference LB's checker runs on its interval and explainMemberHealth runs once.
// A literal table by monitor type, so a new type fails to compile until handled.
import type { HealthMonitor, LoadBalancer } from '../../model/inventory.js';
import { expectedCodesFor } from './expected-codes.js';
import { httpCheck } from './http-check.js';
import { tcpCheck } from './tcp-check.js';
import type { CheckResult, CheckTarget } from './types.js';
import { udpCheck } from './udp-check.js';

/** The member's address and port; the check goes to `monitor_port` when set. */
export function checkTarget(member: CheckTarget, monitor: Pick<HealthMonitor, 'monitor_port'>): CheckTarget {
  return { address: member.address, port: monitor.monitor_port ?? member.port };
}

type CheckRunner = (
  target: CheckTarget,
  monitor: HealthMonitor,
  lbType: LoadBalancer['type'],
  signal?: AbortSignal,
) => Promise<CheckResult>;

const runners: Readonly<Record<HealthMonitor['type'], CheckRunner>> = {
  TCP: (t, m, _lb, signal) => tcpCheck(t, m.timeout, signal),
  HTTP: (t, m, lb, signal) => httpCheck(t, httpOptions(m, lb, false), signal),
  HTTPS: (t, m, lb, signal) => httpCheck(t, httpOptions(m, lb, true), signal),
  UDP_CONNECT: (t, m, _lb, signal) => udpCheck(t, { timeoutSeconds: m.timeout }, signal),
};

function httpOptions(m: HealthMonitor, lbType: LoadBalancer['type'], tls: boolean) {
  return {
    tls,
    method: m.http_method,
    path: m.url_path,
    domainName: m.domain_name,
    expected: expectedCodesFor(m, lbType),
    timeoutSeconds: m.timeout,
  };
}

/** Runs one check of `member` (its own address/port; the monitor port overrides the port). */
export function runHealthCheck(
  member: CheckTarget,
  monitor: HealthMonitor,
  lbType: LoadBalancer['type'],
  signal?: AbortSignal,
): Promise<CheckResult> {
  return runners[monitor.type](checkTarget(member, monitor), monitor, lbType, signal);
}
