// The members one request tried, in order (FAQ 1.9: a member that cannot be
// reached is skipped for the next one), with nginx's $upstream_* timings for
// each attempt, and the rule that decides whether a failed attempt is tried
// again on another member or answered 502/504 (FAQ 1.5, 5.6).
import { performance } from 'node:perf_hooks';
import type { UpstreamAttempt } from '../../accesslog/elb-line.js';
import type { MemberState, PickContext } from '../types.js';
import type { PoolBinding } from './listener.js';
import { secsSince } from './listener-context.js';

/** How an attempt failed, as counted in lbdoctor_backend_attempts_total. */
export type AttemptFailure = 'connect-failed' | 'connect-timeout' | 'failed' | 'response-timeout';

export type NextMember =
  | { member: MemberState; setCookie: { name: string; value: string; maxAgeSeconds: number } | null }
  /** Nobody left to try: the status the load balancer answers and, for 503, its router code reason. */
  | { member: null; reason: 'empty' | 'unavailable' | 'failed' };

export class MemberAttempts {
  /** Every attempt, for the access log (one value per attempt in each upstream_* field). */
  readonly list: UpstreamAttempt[] = [];
  /** The attempt in progress (the last one). */
  current: UpstreamAttempt | null = null;
  member: MemberState | null = null;
  private startedAt = 0;
  private firstTried: string | null = null;
  /** Members already tried: a set only once a retry needs one. */
  private exclude: Set<string> | null = null;
  /** What the client gets when no member is left: 504 when the last one timed out. */
  lastFailure: 502 | 504 = 502;

  /** Picks a member not tried yet and opens an attempt at it. */
  next(binding: PoolBinding, ctx: PickContext): NextMember {
    if (this.firstTried !== null && this.exclude === null) this.exclude = new Set([this.firstTried]);
    const pick = binding.runtime.pick(ctx, this.exclude ?? undefined);
    if (!pick.member) return { member: null, reason: this.list.length > 0 ? 'failed' : pick.reason };
    const m = pick.member;
    this.member = m;
    if (this.exclude) this.exclude.add(m.key);
    else this.firstTried = m.key;
    this.current = {
      status: null,
      connectTime: null,
      headerTime: null,
      responseTime: null,
      addr: `${m.address}:${m.port}`,
    };
    this.list.push(this.current);
    this.startedAt = performance.now();
    return { member: m, setCookie: pick.setCookie ?? null };
  }

  /** Seconds since the current attempt began. */
  elapsed(): number {
    return secsSince(this.startedAt);
  }

  /** The connection is up; true the first time (a stale kept-alive connection retried is the same attempt). */
  connected(): boolean {
    const a = this.current as UpstreamAttempt;
    if (a.connectTime !== null) return false;
    a.connectTime = this.elapsed();
    return true;
  }

  /** The response head arrived (null: a tunnel whose member did not answer with an HTTP status line). */
  headerReceived(status: number | null): void {
    const a = this.current as UpstreamAttempt;
    a.headerTime = this.elapsed();
    a.status = status;
  }

  /** The attempt ended (response complete, cut off, or given up for another member). */
  ended(): void {
    (this.current as UpstreamAttempt).responseTime = this.elapsed();
  }

  /**
   * Records a failed attempt and says whether another member may be tried:
   * one never reached always (nothing was sent), one that timed out only for a
   * request without a body outside a sticky session (FAQ 5.6), never once the
   * body started to flow.
   */
  failed(
    timedOut: boolean,
    opts: { bodyStarted: boolean; hasBody: boolean; sticky: boolean },
  ): { outcome: AttemptFailure; retry: boolean } {
    this.lastFailure = timedOut ? 504 : 502;
    if ((this.current as UpstreamAttempt).connectTime === null) {
      return { outcome: timedOut ? 'connect-timeout' : 'connect-failed', retry: !opts.bodyStarted };
    }
    const retry = timedOut && !opts.hasBody && !opts.sticky;
    if (retry) this.ended();
    return { outcome: timedOut ? 'response-timeout' : 'failed', retry };
  }
}
