// The health checker as a library for the doctor: for one real member and a
// pool's health-monitor settings, runs the very checks the reference LB runs
// and says what ELB would decide, and why.
//
// Choice: one check by default. ELB needs `max_retries_down` failures in a row
// to take a member out, but every one of those is this same check; a member
// that fails it once will fail it again unless it flaps. `attempts` runs more
// (spaced by `intervalMs`) to catch flapping: healthy only if all pass,
// reported as flapping when some pass and some fail.
import type { z } from 'zod';
import { InputError } from '../../errors.js';
import { HealthMonitor, type LoadBalancer } from '../../model/inventory.js';
import { checkTarget, runHealthCheck } from './run-check.js';
import type { CheckResult } from './types.js';

export interface ExplainMemberHealthInput {
  /** The member: `port` or the inventory's `protocol_port`; `weight` matters on shared load balancers (FAQ 2.1). */
  member: { address: string; port?: number; protocol_port?: number; weight?: number };
  /** The pool's `healthmonitor` (inventory form; defaults filled in). Null/undefined or admin_state_up false: disabled. */
  monitor: z.input<typeof HealthMonitor> | null | undefined;
  lbType: LoadBalancer['type'];
  signal?: AbortSignal;
  /** How many checks to run (default 1; see the note at the top of this file). */
  attempts?: number;
  /** Pause between attempts, ms (default: the monitor's delay). */
  intervalMs?: number;
  /** Replaces the real check (tests). */
  runCheck?: typeof runHealthCheck;
}

export interface MemberHealthExplanation {
  /** What ELB would show. With outcome `error` it is false, but nothing was learnt about the member. */
  healthy: boolean;
  /** pass: healthy; fail: unhealthy (or flapping); error: the check itself could not run. */
  outcome: 'pass' | 'fail' | 'error';
  /** "ELB would mark this member unhealthy because …" with the FAQ section. */
  reason: string;
  /** Where the checks went (monitor_port applied) and with what, for evidence. */
  target: { address: string; port: number; type: HealthMonitor['type'] | null };
  checks: CheckResult[];
}

export async function explainMemberHealth(input: ExplainMemberHealthInput): Promise<MemberHealthExplanation> {
  const port = input.member.port ?? input.member.protocol_port;
  if (port === undefined) {
    throw new InputError('explainMemberHealth: the member has no port', [
      { field: 'member.protocol_port', message: 'missing', expected: 'a port 1-65535' },
    ]);
  }
  const member = { address: input.member.address, port };
  if (!input.monitor || input.monitor.admin_state_up === false) {
    return {
      healthy: true,
      outcome: 'pass',
      reason:
        'health check disabled: ELB treats the member as healthy and keeps sending it traffic even if it is down (FAQ 2.1, 2.7)',
      target: { ...member, type: null },
      checks: [],
    };
  }
  const monitor = parseMonitor(input.monitor);
  const target = { ...checkTarget(member, monitor), type: monitor.type };
  if (input.lbType === 'shared' && input.member.weight === 0) {
    return {
      healthy: false,
      outcome: 'fail',
      reason:
        'ELB would mark this member unhealthy because its weight is 0 on a shared load balancer (FAQ 2.1)',
      target,
      checks: [],
    };
  }

  const run = input.runCheck ?? runHealthCheck;
  const attempts = Math.max(1, input.attempts ?? 1);
  const pause = input.intervalMs ?? monitor.delay * 1000;
  const checks: CheckResult[] = [];
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(pause, input.signal);
    if (input.signal?.aborted) break;
    checks.push(await run(member, monitor, input.lbType, input.signal));
  }
  return { ...verdict(checks, input.member.weight), target, checks };
}

function verdict(
  checks: readonly CheckResult[],
  weight: number | undefined,
): Pick<MemberHealthExplanation, 'healthy' | 'outcome' | 'reason'> {
  const failed = checks.filter((c) => c.outcome === 'fail');
  const errors = checks.filter((c) => c.outcome === 'error');
  const passed = checks.filter((c) => c.outcome === 'pass');
  if (checks.length === 0) return { healthy: false, outcome: 'error', reason: 'could not check: cancelled' };
  const first = failed[0];
  if (first && passed.length > 0) {
    return {
      healthy: false,
      outcome: 'fail',
      reason: `ELB would see this member flap between healthy and unhealthy: ${failed.length} of ${checks.length} checks failed, e.g. ${first.reason}`,
    };
  }
  if (first)
    return {
      healthy: false,
      outcome: 'fail',
      reason: `ELB would mark this member unhealthy because ${first.reason}`,
    };
  const err = errors[0];
  if (err) return { healthy: false, outcome: 'error', reason: `could not check: ${err.reason}` };
  const ok = passed[0]?.reason ?? 'the check passed';
  const zero = weight === 0 ? ' — but its weight is 0, so it receives no new traffic (FAQ 2.1, 6.13)' : '';
  return { healthy: true, outcome: 'pass', reason: `ELB would mark this member healthy: ${ok}${zero}` };
}

function parseMonitor(raw: z.input<typeof HealthMonitor>): HealthMonitor {
  const parsed = HealthMonitor.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(
    'invalid health monitor',
    parsed.error.issues.map((i) => ({ field: `healthmonitor.${i.path.join('.')}`, message: i.message })),
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
