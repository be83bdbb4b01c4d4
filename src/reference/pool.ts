// The one owner of a pool's runtime state (STYLE: gobetween scheduler): member
// health, weights, admin state, active connections and draining. Listeners
// ask it for a member; the health checker tells it what it saw; the admin
// port changes weights. Every change applies to the next pick, well inside the
// 5 s FAQ 6.13 allows.
//
// Events (all with the MemberState first):
//   'health'         (member, healthy: boolean, reason: string) — on every change
//   'weight'         (member, previous: number)
//   'admin'          (member, up: boolean)
//   'member-added'   (member)
//   'member-removed' (member)  — left the pool (after draining, if any)
//   'disconnect'     (member, reason: string) — L4 listeners must close the
//                    member's existing connections now (FAQ 6.13: weight 0 or
//                    removal without deregistration delay, or when it ends)
//   'close'          ()
import { EventEmitter } from 'node:events';
import type { LoadBalancer, Member as MemberConfig, Pool as PoolConfig } from '../model/inventory.js';
import { balancers } from './balancers/registry.js';
import { type Picker, plainPicker, withStickiness } from './balancers/sticky.js';
import type { MemberState, PickContext, PickResult, PoolRuntime, ReferenceLogger } from './types.js';
import { silentLogger } from './types.js';

export interface PoolOptions {
  lbType: LoadBalancer['type'];
  logger?: ReferenceLogger;
  /**
   * Health a member has before its first check has answered, when a health
   * monitor is enabled. Default false: like ELB, no traffic until a check says
   * the member is fine; the first check decides at once (then rise/fall apply).
   */
  initialHealthy?: boolean;
}

/** "address:port", IPv6 addresses in brackets so the key stays unambiguous. */
export function memberKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Pool protocols whose connections the LB closes itself on weight 0 / removal (FAQ 6.13). */
const layer4Protocols = new Set(['TCP', 'UDP', 'QUIC']);

export class Pool extends EventEmitter implements PoolRuntime {
  readonly id: string;
  readonly config: PoolConfig;
  readonly lbType: LoadBalancer['type'];
  private readonly list: MemberState[] = [];
  private readonly picker: Picker;
  private readonly logger: ReferenceLogger;
  private readonly initialHealthy: boolean;
  private readonly drainTimers = new Map<string, NodeJS.Timeout>();
  /** Members that have had at least one health verdict (the first always emits 'health'). */
  private readonly checked = new Set<string>();
  private closed = false;

  constructor(config: PoolConfig, options: PoolOptions) {
    super();
    this.id = config.id;
    this.config = config;
    this.lbType = options.lbType;
    this.logger = options.logger ?? silentLogger;
    this.initialHealthy = options.initialHealthy ?? false;
    const balancer = balancers[config.lb_algorithm]();
    this.picker = config.session_persistence
      ? withStickiness(balancer, config.session_persistence, config.id)
      : plainPicker(balancer);
    for (const m of config.members) this.addMember(m);
  }

  /** FAQ 2.1/2.7: no monitor, or one switched off, means every member counts as healthy. */
  get monitorEnabled(): boolean {
    return Boolean(this.config.healthmonitor && this.config.healthmonitor.admin_state_up !== false);
  }

  members(): readonly MemberState[] {
    return this.list;
  }

  member(key: string): MemberState | undefined {
    return this.list.find((m) => m.key === key);
  }

  /** Whether a member may take a new connection or request right now. */
  isRoutable(m: MemberState): boolean {
    return m.healthy && m.adminUp && m.weight > 0 && !m.draining;
  }

  pick(ctx: PickContext, exclude?: ReadonlySet<string>): PickResult {
    const candidates = this.list.filter((m) => this.isRoutable(m) && !exclude?.has(m.key));
    if (candidates.length === 0) {
      // x-router-code 40000/40001 (no members) vs 50000 (none usable), FAQ 1.6.
      const hasMembers = this.list.some((m) => !m.draining);
      return { member: null, reason: hasMembers ? 'unavailable' : 'empty' };
    }
    const picked = this.picker.pick(ctx, candidates);
    if (!picked) return { member: null, reason: 'unavailable' };
    return picked;
  }

  acquire(member: MemberState): () => void {
    member.activeConnections++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      member.activeConnections--;
      if (member.draining && member.activeConnections === 0) this.drop(member, 'drained');
    };
  }

  learnAppCookie(value: string, member: MemberState, now: number): void {
    this.picker.learnAppCookie(value, member, now);
  }

  setWeight(key: string, weight: number): void {
    const m = this.mustFind(key);
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw new RangeError(`weight must be an integer 0-100, got ${weight}`);
    }
    const previous = m.weight;
    if (previous === weight) return;
    m.weight = weight;
    this.logger.info(`pool ${this.id}: member ${m.name} weight ${previous} → ${weight}`, {
      pool: this.id,
      member: m.key,
    });
    this.emit('weight', m, previous);
    // FAQ 6.13: at L4, weight 0 also ends existing connections — at once, or
    // when the deregistration delay runs out.
    if (weight === 0 && layer4Protocols.has(this.config.protocol)) {
      this.disconnectLater(m, 'weight set to 0 (FAQ 6.13)');
    } else if (weight > 0 && !m.draining) {
      // Weight back before the delay ran out: its connections may carry on.
      const pending = this.drainTimers.get(m.key);
      if (pending) clearTimeout(pending);
      this.drainTimers.delete(m.key);
    }
  }

  setAdminUp(key: string, up: boolean): void {
    const m = this.mustFind(key);
    if (m.adminUp === up) return;
    m.adminUp = up;
    this.logger.info(`pool ${this.id}: member ${m.name} admin ${up ? 'up' : 'down'}`, {
      pool: this.id,
      member: m.key,
    });
    this.emit('admin', m, up);
  }

  /**
   * The health checker's verdict. Emits 'health' when the state changes (or on
   * the first verdict) and returns whether it did; the checker logs it.
   */
  setHealth(key: string, healthy: boolean, reason: string): boolean {
    const m = this.member(key);
    if (!m) return false;
    const first = !this.checked.has(key);
    this.checked.add(key);
    const changed = m.healthy !== healthy || first;
    m.healthy = healthy;
    m.healthReason = reason;
    if (!changed) return false;
    this.emit('health', m, healthy, reason);
    return true;
  }

  addMember(config: MemberConfig): MemberState {
    const key = memberKey(config.address, config.protocol_port);
    const existing = this.member(key);
    if (existing && !existing.draining) throw new RangeError(`pool ${this.id} already has member ${key}`);
    if (existing) this.drop(existing, 're-added');
    const monitored = this.monitorEnabled;
    const m: MemberState = {
      key,
      name: config.name ?? key,
      address: config.address,
      port: config.protocol_port,
      weight: config.weight,
      adminUp: config.admin_state_up,
      healthy: monitored ? this.initialHealthy : true,
      healthReason: monitored
        ? 'no health check has answered yet (FAQ 2.6: the first runs within one interval)'
        : 'health check disabled: members are treated as healthy (FAQ 2.1)',
      activeConnections: 0,
      draining: false,
    };
    this.list.push(m);
    this.emit('member-added', m);
    return m;
  }

  /**
   * Takes a member out: no new traffic at once; existing connections continue
   * until `deregistration_delay` seconds pass (or they all end), then the pool
   * emits 'disconnect' and forgets the member (FAQ 6.13).
   */
  removeMember(key: string): void {
    const m = this.mustFind(key);
    if (m.draining) return;
    m.draining = true;
    this.logger.info(`pool ${this.id}: member ${m.name} draining`, { pool: this.id, member: m.key });
    if (m.activeConnections === 0) {
      this.drop(m, 'removed');
      return;
    }
    this.disconnectLater(m, 'removed from the pool (deregistration delay ended)', true);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.drainTimers.values()) clearTimeout(t);
    this.drainTimers.clear();
    this.emit('close');
  }

  private disconnectLater(m: MemberState, reason: string, thenDrop = false): void {
    const delayMs = (this.config.deregistration_delay ?? 0) * 1000;
    const fire = () => {
      this.drainTimers.delete(m.key);
      // drop() announces the disconnect itself when connections remain.
      if (thenDrop) this.drop(m, reason);
      else this.emit('disconnect', m, reason);
    };
    const old = this.drainTimers.get(m.key);
    if (old) clearTimeout(old);
    if (delayMs === 0) {
      fire();
      return;
    }
    const t = setTimeout(fire, delayMs);
    t.unref();
    this.drainTimers.set(m.key, t);
  }

  private drop(m: MemberState, reason: string): void {
    const i = this.list.indexOf(m);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.checked.delete(m.key);
    const t = this.drainTimers.get(m.key);
    if (t) clearTimeout(t);
    this.drainTimers.delete(m.key);
    if (m.activeConnections > 0) this.emit('disconnect', m, reason);
    this.emit('member-removed', m);
  }

  private mustFind(key: string): MemberState {
    const m = this.member(key);
    if (!m) throw new RangeError(`pool ${this.id} has no member ${key}`);
    return m;
  }
}
