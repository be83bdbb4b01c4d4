// The reference LB's health checker: every member is probed by
// `checker_nodes` independent nodes, each on its own `delay` schedule whose
// first check falls at a random moment in the first interval (FAQ 2.6) — so a
// backend sees n checks per interval, as with ELB's LVS and Nginx nodes (FAQ
// 2.3, 2.5). Each node counts rise/fall on its own; the member is healthy
// while at least half of the nodes that have decided say so. Every state change
// is logged with its reason. A missing or disabled monitor
// runs nothing: the Pool already treats members as healthy (FAQ 2.1, 2.7).
//
// Events: 'check' (member, nodeIndex, result) after every check — for metrics.
import { EventEmitter } from 'node:events';
import type { HealthMonitor, LoadBalancer } from '../../model/inventory.js';
import type { Pool } from '../pool.js';
import type { MemberState, ReferenceLogger } from '../types.js';
import { silentLogger } from '../types.js';
import { RiseFall } from './rise-fall.js';
import { runHealthCheck } from './run-check.js';
import type { CheckResult } from './types.js';

export interface HealthCheckerOptions {
  lbType: LoadBalancer['type'];
  /** FAQ 2.3/2.5; the inventory's `reference.checker_nodes` (default 1). */
  checkerNodes?: number;
  logger?: ReferenceLogger;
  /** Where in the first interval each node starts, as a fraction (tests pin it). */
  random?: () => number;
  /** The check itself; defaults to the real TCP/HTTP/HTTPS/UDP checks. */
  runCheck?: typeof runHealthCheck;
}

interface CheckerNode {
  readonly index: number;
  readonly counts: RiseFall;
  timer: NodeJS.Timeout | undefined;
  inFlight: AbortController | undefined;
}

interface Watch {
  readonly member: MemberState;
  readonly nodes: CheckerNode[];
}

export class HealthChecker extends EventEmitter {
  private readonly pool: Pool;
  private readonly monitor: HealthMonitor | null;
  private readonly lbType: LoadBalancer['type'];
  private readonly nodeCount: number;
  private readonly logger: ReferenceLogger;
  private readonly random: () => number;
  private readonly runCheck: typeof runHealthCheck;
  private readonly watches = new Map<string, Watch>();
  private running = false;
  private checks = 0;
  private failures = 0;
  private readonly onAdded = (m: MemberState) => this.watch(m);
  private readonly onRemoved = (m: MemberState) => this.unwatch(m.key);

  constructor(pool: Pool, monitor: HealthMonitor | null | undefined, options: HealthCheckerOptions) {
    super();
    this.pool = pool;
    this.monitor = monitor && monitor.admin_state_up !== false ? monitor : null;
    this.lbType = options.lbType;
    this.nodeCount = Math.max(1, options.checkerNodes ?? 1);
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.runCheck = options.runCheck ?? runHealthCheck;
  }

  /** Whether this checker probes anything (false: health check disabled, FAQ 2.1). */
  get enabled(): boolean {
    return this.monitor !== null;
  }

  start(): void {
    if (this.running || !this.monitor) return;
    this.running = true;
    const m = this.monitor;
    this.logger.info(
      `pool ${this.pool.id}: ${m.type} health check every ${m.delay} s, timeout ${m.timeout} s, rise ${m.max_retries}, fall ${this.fall}, ${this.nodeCount} checker node(s)`,
      { pool: this.pool.id },
    );
    for (const member of this.pool.members()) this.watch(member);
    this.pool.on('member-added', this.onAdded);
    this.pool.on('member-removed', this.onRemoved);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.pool.off('member-added', this.onAdded);
    this.pool.off('member-removed', this.onRemoved);
    for (const key of [...this.watches.keys()]) this.unwatch(key);
  }

  /** Counters for metrics: checks run and checks failed since start. */
  stats(): { checks: number; failures: number } {
    return { checks: this.checks, failures: this.failures };
  }

  private get fall(): number {
    return this.monitor?.max_retries_down ?? this.monitor?.max_retries ?? 3;
  }

  private watch(member: MemberState): void {
    const monitor = this.monitor;
    if (!monitor || this.watches.has(member.key)) return;
    const nodes: CheckerNode[] = [];
    for (let i = 0; i < this.nodeCount; i++) {
      nodes.push({
        index: i,
        counts: new RiseFall(monitor.max_retries, this.fall),
        timer: undefined,
        inFlight: undefined,
      });
    }
    const w: Watch = { member, nodes };
    this.watches.set(member.key, w);
    for (const node of nodes) {
      // FAQ 2.6: the first check at a random time within the first interval.
      this.schedule(w, node, this.random() * monitor.delay * 1000);
    }
  }

  private unwatch(key: string): void {
    const w = this.watches.get(key);
    if (!w) return;
    this.watches.delete(key);
    for (const node of w.nodes) {
      if (node.timer) clearTimeout(node.timer);
      node.inFlight?.abort();
    }
  }

  private schedule(w: Watch, node: CheckerNode, delayMs: number): void {
    node.timer = setTimeout(() => void this.tick(w, node), Math.max(0, delayMs));
    node.timer.unref();
  }

  private async tick(w: Watch, node: CheckerNode): Promise<void> {
    const monitor = this.monitor;
    if (!monitor || this.watches.get(w.member.key) !== w) return;
    const started = performance.now();
    const controller = new AbortController();
    node.inFlight = controller;
    let result: CheckResult;
    if (this.lbType === 'shared' && w.member.weight === 0) {
      // FAQ 2.1: a shared load balancer reports a weight-0 member unhealthy.
      result = {
        outcome: 'fail',
        durationMs: 0,
        reason: 'weight 0 on a shared load balancer: reported unhealthy and sent no traffic (FAQ 2.1)',
      };
    } else {
      try {
        result = await this.runCheck(w.member, monitor, this.lbType, controller.signal);
      } catch (err) {
        result = {
          outcome: 'error',
          durationMs: performance.now() - started,
          reason: `health check crashed: ${String(err)}`,
        };
      }
    }
    node.inFlight = undefined;
    if (controller.signal.aborted || this.watches.get(w.member.key) !== w) return;
    this.record(w, node, result);
    // Next check one interval after this one started (never overlapping a slow one).
    this.schedule(w, node, started + monitor.delay * 1000 - performance.now());
  }

  private record(w: Watch, node: CheckerNode, result: CheckResult): void {
    this.checks++;
    const pass = result.outcome === 'pass';
    if (!pass) this.failures++;
    this.emit('check', w.member, node.index, result);
    const before = node.counts.healthy;
    const changed = node.counts.record(pass);
    const decided = w.nodes.filter((n) => n.counts.healthy !== undefined);
    const votes = decided.filter((n) => n.counts.healthy === true).length;
    const verdict = votes * 2 >= decided.length;
    // Only a result that agrees with the verdict explains it; the others are noise until they add up.
    if (verdict !== pass) return;
    let reason = result.reason;
    if (changed !== undefined && before !== undefined) {
      const n = pass ? this.monitor?.max_retries : this.fall;
      reason += ` (${n} consecutive ${pass ? 'passed' : 'failed'} checks)`;
    }
    if (this.nodeCount > 1) reason += ` [checker node ${node.index + 1} of ${this.nodeCount}]`;
    if (!this.pool.setHealth(w.member.key, verdict, reason)) return;
    const m = w.member;
    const fields = { pool: this.pool.id, member: m.key, healthy: verdict, reason };
    const line = `pool ${this.pool.id}: member ${m.name} is ${verdict ? 'healthy' : 'unhealthy'}: ${reason}`;
    if (verdict) this.logger.info(line, fields);
    else this.logger.warn(line, fields);
  }
}
