// elb-health: "would ELB mark this member healthy?", answered by the reference
// load balancer's own health check (FAQ 2.1–2.8).
import { z } from 'zod';
import { HealthMonitor, HealthMonitorType } from '../../model/inventory.js';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, sometimes } from './define.js';

export const elbHealthParams = z
  .object({
    address: hostParam.describe("the member's address"),
    port: portParam.describe("the member's port (the monitor's monitor_port overrides it for the check)"),
    monitor: HealthMonitor.partial()
      .passthrough()
      .nullish()
      .describe(
        "the pool's healthmonitor as the inventory has it (type, delay, timeout, max_retries, monitor_port, url_path, domain_name, expected_codes, http_method, admin_state_up); absent or null: the check is disabled",
      ),
    lbType: z
      .enum(['shared', 'dedicated'])
      .default('shared')
      .describe(
        'load balancer type: decides the default expected codes and what weight 0 means (FAQ 2.1, 2.8)',
      ),
    weight: z.number().int().min(0).optional().describe("the member's weight (0 on a shared LB: unhealthy)"),
    attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .describe("checks to run, spaced by the monitor's delay, to catch a flapping member"),
  })
  .strict();
export type ElbHealthParams = z.infer<typeof elbHealthParams>;

export const healthCheckResult = z
  .object({
    outcome: z.enum(['pass', 'fail', 'error']).describe('this check: error means it could not run'),
    reason: z.string().describe('one sentence, with the FAQ section'),
    durationMs: z.number().describe('how long the check took, ms'),
    statusCode: sometimes(
      'HTTP/HTTPS check got a response',
      z.number().int().describe('status the member answered'),
    ),
    phase: sometimes(
      'set by every check type',
      z
        .enum(['icmp-echo', 'udp', 'connect', 'http'])
        .describe('which step answered (UDP_CONNECT pings first, then sends the datagram, FAQ 2.4)'),
    ),
  })
  .strict();

export const elbHealthData = z
  .object({
    healthy: sometimes(
      'not skip',
      z.boolean().describe('what ELB would show; false on error too, though nothing was learnt then'),
    ),
    reason: sometimes(
      'not skip',
      z.string().describe('"ELB would mark this member … because …", with the FAQ section'),
    ),
    flapping: sometimes(
      'not skip',
      z
        .boolean()
        .describe('with attempts > 1: some checks passed and some failed (FAQ 2.4: a timeout too short)'),
    ),
    target: sometimes(
      'not skip',
      z
        .object({
          address: z.string().describe('address checked'),
          port: z.number().int().describe('port checked (monitor_port applied)'),
          type: HealthMonitorType.nullable().describe('monitor type; null when the check is disabled'),
        })
        .strict()
        .describe('where the checks went'),
    ),
    checks: sometimes(
      'not skip',
      z.array(healthCheckResult).describe('each check run (empty when disabled, or weight 0 on a shared LB)'),
    ),
  })
  .strict();

export const elbHealthContract = defineContract({
  kind: 'elb-health',
  needs: 'network',
  summary:
    "run ELB's health check (the reference LB's code) once against a member and say why it passes or fails",
  params: elbHealthParams,
  data: elbHealthData,
});
