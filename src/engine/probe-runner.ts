// Runs probes for the walks of one run: renders parameters, finds the vantage
// (local, or an SSH host, one connection each), bounds concurrency, and reads
// each host once in one batch shared by every host probe (DESIGN.md).
import pLimit from 'p-limit';
import type { VantageName } from '../model/vocabulary.js';
import type { ChecklistItem, Playbook, ProbeStep } from '../playbook/schema.js';
import { withFollowUps } from '../probes/host-probe-support.js';
import type { Observation, Probe } from '../probes/types.js';
import { sectionKey } from '../transport/sections.js';
import type { SectionOutput, SectionRequest } from '../transport/types.js';
import type { Vantage, VantageProvider } from '../runners/types.js';
import type { HostTiming } from './result.js';
import { pruneUndefined, renderValue } from './template.js';
import type { Scope } from './scope.js';
import type { StepResult } from './walk.js';

export type ProbeSpec = ProbeStep | ChecklistItem;

export interface ProbeRunnerOptions {
  playbook: Playbook;
  loadProbe: (kind: string) => Promise<Probe>;
  vantages: VantageProvider;
  timeoutMs: number;
  signal: AbortSignal;
  concurrency: number;
  /** Sees each probe's parameters as rendered, before it runs (the run collects their secrets). */
  onParams?: (kind: string, params: unknown) => void;
}

export class ProbeRunner {
  private readonly probes = new Map<string, Probe>();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly vantagesUsed = new Map<string, Promise<Vantage>>();
  private readonly hostErrors = new Map<string, string>();
  private readonly hostReads = new Map<string, Promise<SectionOutput[]>>();

  constructor(private readonly o: ProbeRunnerOptions) {
    this.limit = pLimit(o.concurrency);
  }

  /** Every probe step and checklist item of the playbook, with the vantage it runs from. */
  private specs(): { spec: ProbeSpec; vantage: VantageName }[] {
    return Object.values(this.o.playbook.steps).flatMap(
      (step): { spec: ProbeSpec; vantage: VantageName }[] =>
        step.kind === 'probe'
          ? [{ spec: step, vantage: step.vantage }]
          : step.kind === 'checklist'
            ? step.items.map((item) => ({ spec: item, vantage: item.vantage ?? step.vantage }))
            : [],
    );
  }

  /** Loads only the probe modules this playbook uses (lazy imports keep startup fast). */
  async load(): Promise<void> {
    const kinds = new Set(this.specs().map((s) => s.spec.probe));
    await Promise.all([...kinds].map(async (k) => this.probes.set(k, await this.o.loadProbe(k))));
  }

  async observe(
    spec: ProbeSpec,
    vantageName: VantageName,
    scope: Scope,
    ctx: Record<string, unknown>,
  ): Promise<StepResult> {
    return this.limit(() => this.observeNow(spec, vantageName, scope, ctx));
  }

  private async observeNow(
    spec: ProbeSpec,
    vantageName: VantageName,
    scope: Scope,
    ctx: Record<string, unknown>,
  ): Promise<StepResult> {
    const started = Date.now();
    const fail = (reason: string, vantage: string = vantageName): StepResult => ({
      outcome: 'error',
      summary: `could not run ${spec.probe}: ${reason}`,
      reason,
      data: {},
      durationMs: Date.now() - started,
      vantage,
    });
    if (this.o.signal.aborted) return fail('the run was stopped');
    const probe = this.probes.get(spec.probe);
    if (!probe) return fail(`unknown probe "${spec.probe}"`);
    const params = probe.params.safeParse(
      pruneUndefined(renderValue(spec.with, ctx) as Record<string, unknown>),
    );
    if (!params.success) {
      const first = params.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      return fail(
        `missing or invalid input for the probe (${where}${first?.message ?? 'invalid'}) — is it in the inventory?`,
      );
    }
    this.o.onParams?.(spec.probe, params.data);
    let vantage: Vantage;
    try {
      vantage = await this.vantage(vantageName, scope);
    } catch (err) {
      return fail(messageOf(err));
    }
    // A probe that holds on purpose (tcp-idle) gets its hold on top of --timeout.
    const timeoutMs = this.o.timeoutMs + (probe.extraTimeMs?.(params.data) ?? 0);
    const signal = AbortSignal.any([this.o.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      let obs: Observation;
      if (probe.needs === 'network') {
        obs = await withHardTimeout(
          probe.run(params.data, {
            signal,
            timeoutMs: this.o.timeoutMs,
            dialer: vantage.dialer,
            host: vantage.host,
          }),
          timeoutMs,
        );
      } else {
        const own = probe.sections(params.data);
        const outputs = await this.readHost(vantage, this.hostSections(vantageName, ctx, own), signal);
        const mine = new Set(own.map(sectionKey));
        // Reads that depend on what was read (included files): one more round trip per level, bounded.
        const read = await withFollowUps(
          probe,
          params.data,
          outputs.filter((o) => mine.has(sectionKey(o))),
          (more) => withHardTimeout(vantage.host.read(more, signal), this.o.timeoutMs * 2),
        );
        obs = probe.evaluate(params.data, read);
        obs = { ...obs, durationMs: obs.durationMs || Date.now() - started };
      }
      return { ...obs, vantage: vantage.dialer.vantage };
    } catch (err) {
      return fail(messageOf(err), vantage.dialer.vantage);
    }
  }

  /**
   * Every host read this playbook can need from this vantage, rendered for
   * this walk's context: the host is read once, in one batch (DESIGN.md).
   * A named later reading (counters after a burst) is read only when the
   * step that names it runs, never ahead with the others.
   */
  private hostSections(
    vantageName: VantageName,
    ctx: Record<string, unknown>,
    own: readonly SectionRequest[],
  ): SectionRequest[] {
    const wanted = new Map<string, SectionRequest>();
    for (const { spec, vantage } of this.specs()) {
      const probe = this.probes.get(spec.probe);
      if (probe?.needs !== 'host' || vantage !== vantageName) continue;
      const params = probe.params.safeParse(
        pruneUndefined(renderValue(spec.with, ctx) as Record<string, unknown>),
      );
      if (!params.success) continue;
      for (const s of probe.sections(params.data)) if (!s.reading) wanted.set(sectionKey(s), s);
    }
    // The shared sections first, in the same order for every probe (one read serves them all).
    for (const s of own) if (!wanted.has(sectionKey(s))) wanted.set(sectionKey(s), s);
    return [...wanted.values()];
  }

  /** One batched read per host per run, shared by every host probe that needs it (concurrent ones too). */
  private readHost(vantage: Vantage, sections: SectionRequest[], signal: AbortSignal) {
    const key = `${vantage.name}\n${JSON.stringify(sections)}`;
    let pending = this.hostReads.get(key);
    if (!pending) {
      pending = withHardTimeout(vantage.host.read(sections, signal), this.o.timeoutMs * 2);
      this.hostReads.set(key, pending);
    }
    return pending;
  }

  private vantage(name: VantageName, scope: Scope): Promise<Vantage> {
    if (name === 'local') return Promise.resolve(this.o.vantages.local());
    const host = name === 'client' ? 'client' : name === 'host' ? scope.host?.name : scope.member?.name;
    if (!host) {
      const bind = name === 'host' ? 'foreach: hosts' : 'foreach: members';
      return Promise.reject(
        new Error(`this step runs on a ${name}, but the walk is not bound to one (add ${bind})`),
      );
    }
    let pending = this.vantagesUsed.get(host);
    if (!pending) {
      pending = this.o.vantages.forHost(host, this.o.signal);
      pending.catch((err: unknown) => this.hostErrors.set(host, messageOf(err)));
      this.vantagesUsed.set(host, pending);
    }
    return pending;
  }

  async hostTimings(): Promise<HostTiming[]> {
    const out: HostTiming[] = [];
    for (const [host, pending] of this.vantagesUsed) {
      const error = this.hostErrors.get(host);
      if (error) {
        out.push({ host, error });
        continue;
      }
      const v = await pending;
      out.push({ host, ...v.timings });
    }
    return out;
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Gives up on a probe that ignores its AbortSignal, so a stuck probe cannot hang a run. */
async function withHardTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${Math.round((ms + 1000) / 1000)} s`)),
      ms + 1000,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
