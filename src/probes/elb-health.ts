// elb-health: "would ELB mark this member healthy?" — runs the reference load
// balancer's own health check (src/reference/health) once against a real
// member with the pool's health-monitor settings, so the doctor and the
// reference LB can never disagree about what a check means (FAQ 2.1–2.8).

import type { z } from 'zod';
import { HealthMonitor } from '../model/inventory.js';
import type { CheckResult } from '../reference/health/types.js';
import type { Proof, Same } from './contracts/define.js';
import { type ElbHealthParams, elbHealthContract, type healthCheckResult } from './contracts/elb-health.js';
import type { NetworkProbe, Observation } from './types.js';

export { type ElbHealthParams, elbHealthParams } from './contracts/elb-health.js';

/** The data schema's checks are exactly the reference checker's results. */
export type CheckResultListed = Proof<Same<z.infer<typeof healthCheckResult>, CheckResult>>;

export const elbHealthProbe: NetworkProbe<ElbHealthParams> = {
  ...elbHealthContract,
  async run(p, ctx): Promise<Observation> {
    const started = performance.now();
    if (ctx.dialer.vantage !== 'local') {
      // The checker opens its own sockets (and runs ping for UDP); it cannot ride an SSH tunnel.
      return {
        outcome: 'skip',
        summary: 'elb-health runs from this machine only',
        reason: `vantage ${ctx.dialer.vantage} is not local`,
        data: {},
        durationMs: 0,
      };
    }
    const { explainMemberHealth } = await import('../reference/health/index.js');
    const monitor = p.monitor ? HealthMonitor.parse(p.monitor) : p.monitor;
    const ex = await explainMemberHealth({
      member: { address: p.address, port: p.port, ...(p.weight !== undefined ? { weight: p.weight } : {}) },
      monitor,
      lbType: p.lbType,
      signal: ctx.signal,
      attempts: p.attempts,
    });
    const where = `${ex.target.type ?? 'no'} health check on ${ex.target.address}:${ex.target.port}`;
    return {
      outcome: ex.outcome,
      summary: `${where}: ${ex.reason}`,
      ...(ex.outcome === 'error' ? { reason: ex.reason } : {}),
      data: {
        healthy: ex.healthy,
        // Some checks passed and some failed: ELB would flip the member between healthy and unhealthy.
        flapping: ex.checks.some((c) => c.outcome === 'pass') && ex.checks.some((c) => c.outcome === 'fail'),
        reason: ex.reason,
        target: ex.target,
        checks: ex.checks,
      },
      durationMs: performance.now() - started,
    };
  },
};
