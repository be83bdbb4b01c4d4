// The probe contract. A probe observes one thing and reports it; it never
// decides what the observation means for a playbook (STYLE: goss resource/system).
import type { z } from 'zod';
import { Outcome as OutcomeEnum } from '../model/vocabulary.js';
import type { Dialer, HostReader, SectionOutput, SectionRequest } from '../transport/types.js';

/** The closed outcome set (DESIGN.md, src/model/vocabulary.ts). "Could not check" is `error`, never `fail`. */
export type Outcome = import('../model/vocabulary.js').Outcome;
export const OUTCOMES: readonly Outcome[] = OutcomeEnum.options;

export interface Observation {
  outcome: Outcome;
  /** One line a person reads: "127.0.0.1:8080 refused the connection (RST) after 0.4 ms". */
  summary: string;
  /** Structured facts the playbook branches on, e.g. `{ status: 502, headers: {...} }`. */
  data: Record<string, unknown>;
  /** For `error` and `skip`: why it could not be checked. */
  reason?: string;
  expected?: string;
  actual?: string;
  durationMs: number;
  /** Raw text behind the observation (command output, response head), kept as evidence. */
  raw?: string;
}

export interface ProbeContext {
  signal: AbortSignal;
  /** Per-probe timeout (--timeout). */
  timeoutMs: number;
  dialer: Dialer;
  /** Present when the vantage is a host (local machine or SSH member). */
  host?: HostReader;
}

/**
 * What a probe promises, without its implementation: kind, parameters and the
 * shape of `Observation.data` for every outcome. Written in
 * src/probes/contracts/<kind>.ts (light: zod and model modules only), so the
 * playbook validator and docs/probes.md can read it without loading undici,
 * tls or ssh.
 */
export interface ProbeContract<P = unknown> {
  readonly kind: string;
  readonly needs: 'network' | 'host';
  /** One line for `lbdoctor probe --help` and `show`. */
  readonly summary: string;
  /** Parameters as written in a playbook's `with:`; validated before run. */
  readonly params: z.ZodType<P>;
  /** `Observation.data` of every outcome (pass, fail, error, skip). */
  readonly data: z.ZodType<Record<string, unknown>>;
  /**
   * Time this probe needs beyond the per-probe --timeout, by design (holding a
   * connection idle to see the load balancer reset it): the engine adds it to
   * the probe's deadline.
   */
  extraTimeMs?(params: P): number;
}

export interface NetworkProbe<P = unknown> extends ProbeContract<P> {
  readonly needs: 'network';
  run(params: P, ctx: ProbeContext): Promise<Observation>;
}

export interface HostProbe<P = unknown> extends ProbeContract<P> {
  readonly needs: 'host';
  /** The reads this probe needs, so a run can batch every host read into one script. */
  sections(params: P): SectionRequest[];
  /**
   * Reads that depend on what earlier ones found (the files a configuration
   * includes): asked after each read, with everything read so far, until it
   * asks for nothing new or the runner's bound on rounds is reached. Every
   * request must pass the allow-list; the probe says what it did not follow.
   */
  followUp?(params: P, outputs: SectionOutput[]): SectionRequest[];
  /** Pure evaluation of the read outputs: testable on captured text. */
  evaluate(params: P, outputs: SectionOutput[]): Observation;
}

/**
 * Any probe. The registry and the runner hold probes of many parameter types
 * as `Probe`; they only pass a probe parameters its own `params` schema has
 * parsed. That is why everything taking P is written as a method: methods are
 * checked bivariantly, so a `Probe<{ port: number }>` is a `Probe`.
 */
export type Probe<P = unknown> = NetworkProbe<P> | HostProbe<P>;
