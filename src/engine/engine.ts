// Walks a playbook. A walk follows one path through the graph; a step with
// `foreach` forks one walk per member/listener/pool, run concurrently, each
// ending in its own conclusion about its own subject. Probes come from an
// injected registry and vantages from an injected provider, so tests drive the
// engine with fakes.
import pLimit from 'p-limit';
import type { Inventory } from '../model/inventory.js';
import type {
  AskStep,
  ChecklistItem,
  ChecklistStep,
  ConcludeStep,
  Playbook,
  ProbeStep,
  Step,
} from '../playbook/schema.js';
import type { Observation, Probe, SectionOutput, SectionRequest } from '../probes/types.js';
import type { Vantage, VantageProvider } from '../runners/types.js';
import { conditionHolds } from './conditions.js';
import type { EngineListener } from './events.js';
import { FactResolver, type FactInputs } from './facts.js';
import {
  type CheckRecord,
  type Finding,
  type HostTiming,
  type Inconclusive,
  REPORT_SCHEMA_VERSION,
  type RunResult,
  type Subject,
  type Verdict,
} from './result.js';
import { expand, type Scope, subjectOf, type Target } from './scope.js';
import { pruneUndefined, renderText, renderValue } from './template.js';

export interface EngineOptions {
  playbook: Playbook;
  inventory?: Inventory;
  target?: Target;
  loadProbe: (kind: string) => Promise<Probe<any>>;
  vantages: VantageProvider;
  facts: FactInputs;
  /** Per-probe timeout. */
  timeoutMs: number;
  /** Stops the run (Ctrl-C, --deadline); what was found so far is still reported. */
  signal?: AbortSignal;
  /** Probes running at once across all walks. */
  concurrency?: number;
  onEvent?: EngineListener;
  toolVersion: string;
}

type StepResults = Record<string, Observation & { vantage: string }>;

interface Walk {
  scope: Scope;
  steps: StepResults;
  path: string[];
}

export async function runPlaybook(opts: EngineOptions): Promise<RunResult> {
  return new Run(opts).execute();
}

class Run {
  private readonly pb: Playbook;
  private readonly findings: Finding[] = [];
  private readonly inconclusive: Inconclusive[] = [];
  private readonly checks: CheckRecord[] = [];
  private readonly visited = new Set<string>();
  private readonly facts: FactResolver;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly signal: AbortSignal;
  private readonly probes = new Map<string, Probe<any>>();
  private readonly vantagesUsed = new Map<string, Promise<Vantage>>();
  private readonly hostErrors = new Map<string, string>();
  private readonly hostReads = new Map<string, Promise<SectionOutput[]>>();
  private readonly emit: EngineListener;

  constructor(private readonly opts: EngineOptions) {
    this.pb = opts.playbook;
    this.facts = new FactResolver(opts.facts);
    this.limit = pLimit(opts.concurrency ?? 16);
    this.signal = opts.signal ?? new AbortController().signal;
    this.emit = opts.onEvent ?? (() => {});
  }

  async execute(): Promise<RunResult> {
    const started = Date.now();
    this.emit({ type: 'run-start', playbook: this.pb.id, title: this.pb.title });
    await this.loadProbes();
    await this.walk(this.pb.start, { scope: {}, steps: {}, path: [] });
    const durationMs = Date.now() - started;
    const interrupted = this.signal.aborted;
    this.emit({ type: 'run-finish', durationMs, interrupted });
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'lbdoctor', version: this.opts.toolVersion },
      playbook: { id: this.pb.id, title: this.pb.title, faq: this.pb.faq },
      ...(this.opts.target ? { target: this.opts.target.raw } : {}),
      verdict: verdictOf(this.findings, this.inconclusive, interrupted),
      startedAt: new Date(started).toISOString(),
      durationMs,
      interrupted,
      findings: this.findings,
      inconclusive: this.inconclusive,
      checks: this.checks,
      facts: this.facts.records,
      hosts: await this.hostTimings(),
      visited: [...this.visited],
    };
  }

  /** Loads only the probe modules this playbook uses (lazy imports keep startup fast). */
  private async loadProbes(): Promise<void> {
    const kinds = new Set<string>();
    for (const step of Object.values(this.pb.steps)) {
      if (step.kind === 'probe') kinds.add(step.probe);
      if (step.kind === 'checklist') for (const item of step.items) kinds.add(item.probe);
    }
    await Promise.all([...kinds].map(async (k) => this.probes.set(k, await this.opts.loadProbe(k))));
  }

  private context(w: Walk, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const factValues = Object.fromEntries(this.facts.records.map((r) => [r.key.split('@')[0]!, r.value]));
    return { ...w.scope, target: this.opts.target, facts: factValues, steps: w.steps, ...extra };
  }

  private async walk(id: string, w: Walk): Promise<void> {
    const step = this.pb.steps[id];
    const subject = subjectOf(w.scope, this.opts.target);
    if (!step) {
      this.stop(w, id, `step "${id}" does not exist`, subject);
      return;
    }
    if (this.signal.aborted) {
      this.stop(
        w,
        id,
        this.signal.reason instanceof Error ? this.signal.reason.message : 'the run was stopped',
        subject,
      );
      return;
    }
    if (step.kind !== 'conclude' && step.foreach && !this.bound(step.foreach, w.scope)) {
      await this.fanOut(id, step, w);
      return;
    }
    w.path.push(id);
    this.visited.add(id);
    switch (step.kind) {
      case 'conclude':
        this.conclude(id, step, w);
        return;
      case 'probe':
        return this.probeStep(id, step, w);
      case 'ask':
        return this.askStep(id, step, w);
      case 'checklist':
        return this.checklistStep(id, step, w);
    }
  }

  private bound(kind: 'members' | 'listeners' | 'pools', scope: Scope): boolean {
    return kind === 'members' ? !!scope.member : kind === 'listeners' ? !!scope.listener : !!scope.pool;
  }

  private async fanOut(id: string, step: Exclude<Step, ConcludeStep>, w: Walk): Promise<void> {
    const kind = step.foreach!;
    const scopes = expand(kind, w.scope, this.opts.inventory, this.opts.target).filter(
      (s) => !step.where || conditionHolds(step.where, this.context({ ...w, scope: s })),
    );
    if (scopes.length === 0) {
      const why = this.opts.inventory
        ? `the inventory has no ${kind} to check here`
        : `no inventory: give --inventory (or --target for a single listener) so there are ${kind} to check`;
      this.stop({ ...w, path: [...w.path, id] }, id, why, subjectOf(w.scope, this.opts.target));
      return;
    }
    await Promise.all(
      scopes.map((scope) =>
        this.walk(id, { scope: { ...w.scope, ...scope }, steps: { ...w.steps }, path: [...w.path] }),
      ),
    );
  }

  private next(step: ProbeStep | AskStep, subject: Record<string, unknown>): string | undefined {
    const branch = step.branches.find((b) => conditionHolds(b.when, subject));
    return branch?.goto ?? step.default;
  }

  private async probeStep(id: string, step: ProbeStep, w: Walk): Promise<void> {
    const subject = subjectOf(w.scope, this.opts.target);
    this.emit({
      type: 'step-start',
      step: id,
      title: step.title,
      kind: 'probe',
      ...(subject ? { subject } : {}),
    });
    const obs = await this.runProbe(id, undefined, step, step.vantage, w, subject);
    w.steps[id] = obs;
    const to = this.next(step, { ...obs });
    if (!to) {
      this.stop(
        w,
        id,
        obs.outcome === 'error'
          ? `could not check: ${obs.reason ?? obs.summary}`
          : `no branch of "${id}" matches: ${obs.summary}`,
        subject,
      );
      return;
    }
    await this.walk(to, w);
  }

  private async askStep(id: string, step: AskStep, w: Walk): Promise<void> {
    const subject = subjectOf(w.scope, this.opts.target);
    this.emit({
      type: 'step-start',
      step: id,
      title: step.title,
      kind: 'ask',
      ...(subject ? { subject } : {}),
    });
    const started = Date.now();
    const r = await this.facts.resolve(step, w.scope, this.context(w));
    this.emit({
      type: 'step-finish',
      step: id,
      title: step.title,
      ...(subject ? { subject } : {}),
      outcome: r.known ? 'pass' : 'skip',
      summary: r.known ? `${step.fact} = ${String(r.value)} (from ${r.source})` : `${step.fact} unknown`,
      durationMs: Date.now() - started,
    });
    if (!r.known) {
      await this.walk(step.unknown, w);
      return;
    }
    w.steps[id] = {
      outcome: 'pass',
      summary: `${step.question} ${String(r.value)}`,
      data: { value: r.value },
      durationMs: 0,
      vantage: 'operator',
    };
    const to = this.next(step, { value: r.value, outcome: 'pass' });
    if (!to) {
      this.stop(w, id, `no branch of "${id}" matches the answer ${String(r.value)}`, subject);
      return;
    }
    await this.walk(to, w);
  }

  private async checklistStep(id: string, step: ChecklistStep, w: Walk): Promise<void> {
    const subject = subjectOf(w.scope, this.opts.target);
    this.emit({
      type: 'step-start',
      step: id,
      title: step.title,
      kind: 'checklist',
      ...(subject ? { subject } : {}),
    });
    // `each: members` runs the items once per member of this walk's scope, as FAQ check tables do per backend.
    const scopes = step.each ? expand(step.each, w.scope, this.opts.inventory, this.opts.target) : [w.scope];
    if (step.each && scopes.length === 0) {
      const why = this.opts.inventory
        ? `the inventory has no ${step.each} to check here`
        : `no inventory, so the ${step.each} could not be checked one by one (give --inventory)`;
      this.stop({ ...w, path: [...w.path, id] }, id, why, subject);
    }
    const runs = scopes.flatMap((scope) => {
      const sw: Walk = { ...w, scope: { ...w.scope, ...scope } };
      const itemSubject = subjectOf(sw.scope, this.opts.target);
      return step.items.map(async (item) => {
        const obs = await this.runProbe(id, item.id, item, item.vantage ?? step.vantage, sw, itemSubject);
        return { item, obs, sw, itemSubject };
      });
    });
    const done = await Promise.all(runs);
    for (const { item, obs, sw, itemSubject } of done) {
      if (!step.each) w.steps[`${id}.${item.id}`] = obs;
      if (obs.outcome === 'fail') {
        const conclusion = this.pb.steps[item.conclude];
        if (conclusion?.kind === 'conclude') {
          this.visited.add(item.conclude);
          this.conclude(
            item.conclude,
            conclusion,
            { ...sw, path: [...w.path, `${id}.${item.id}`, item.conclude] },
            { item: obs },
          );
        }
      } else if (obs.outcome === 'error') {
        this.inconclusive.push({
          reason: `${item.title}: could not check: ${obs.reason ?? obs.summary}`,
          path: [...w.path, `${id}.${item.id}`],
          step: id,
          ...(itemSubject ? { subject: itemSubject } : {}),
        });
      }
    }
    // Nothing could be checked (host unreachable, auth failed): the walk stops here, inconclusive,
    // rather than going on to a conclusion that would read as "checked and fine".
    if (done.length > 0 && done.every((d) => d.obs.outcome === 'error')) return;
    await this.walk(step.next, w);
  }

  private async runProbe(
    step: string,
    item: string | undefined,
    spec: ProbeStep | ChecklistItem,
    vantageName: 'local' | 'member' | 'client',
    w: Walk,
    subject: Subject | undefined,
  ): Promise<Observation & { vantage: string }> {
    const title = spec.title;
    const started = Date.now();
    const obs = await this.limit(() => this.observe(spec, vantageName, w));
    const durationMs = obs.durationMs || Date.now() - started;
    const record: CheckRecord = {
      step,
      ...(item ? { item } : {}),
      title,
      probe: spec.probe,
      vantage: obs.vantage,
      ...(subject ? { subject } : {}),
      outcome: obs.outcome,
      observation: obs,
      startedAt: new Date(started).toISOString(),
      durationMs,
    };
    this.checks.push(record);
    this.emit({
      type: 'step-finish',
      step,
      ...(item ? { item } : {}),
      title,
      ...(subject ? { subject } : {}),
      outcome: obs.outcome,
      summary: obs.summary,
      durationMs,
    });
    return obs;
  }

  private async observe(
    spec: ProbeStep | ChecklistItem,
    vantageName: 'local' | 'member' | 'client',
    w: Walk,
  ): Promise<Observation & { vantage: string }> {
    const started = Date.now();
    const fail = (reason: string, vantage = vantageName as string) => ({
      outcome: 'error' as const,
      summary: `could not run ${spec.probe}: ${reason}`,
      reason,
      data: {},
      durationMs: Date.now() - started,
      vantage,
    });
    if (this.signal.aborted) return fail('the run was stopped');
    const probe = this.probes.get(spec.probe);
    if (!probe) return fail(`unknown probe "${spec.probe}"`);
    const params = probe.params.safeParse(
      pruneUndefined(renderValue(spec.with, this.context(w)) as Record<string, unknown>),
    );
    if (!params.success) {
      const first = params.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      return fail(
        `missing or invalid input for the probe (${where}${first?.message ?? 'invalid'}) — is it in the inventory?`,
      );
    }
    let vantage: Vantage;
    try {
      vantage = await this.vantage(vantageName, w.scope);
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(this.opts.timeoutMs)]);
    try {
      let obs: Observation;
      if (probe.needs === 'network') {
        obs = await withHardTimeout(
          probe.run(params.data, {
            signal,
            timeoutMs: this.opts.timeoutMs,
            dialer: vantage.dialer,
            host: vantage.host,
          }),
          this.opts.timeoutMs,
        );
      } else {
        const outputs = await this.readHost(vantage, this.hostSections(vantageName, w), signal);
        const mine = probe.sections(params.data).map((s) => `${s.id}\0${(s.args ?? []).join('\0')}`);
        obs = probe.evaluate(
          params.data,
          outputs.filter((o) => mine.includes(`${o.id}\0${o.args.join('\0')}`)),
        );
        obs = { ...obs, durationMs: obs.durationMs || Date.now() - started };
      }
      return { ...obs, vantage: vantage.dialer.vantage };
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err), vantage.dialer.vantage);
    }
  }

  /**
   * Every host read this playbook can need from this vantage, rendered for
   * this walk's scope: the host is read once, in one batch (DESIGN.md).
   */
  private hostSections(vantageName: string, w: Walk): SectionRequest[] {
    const wanted = new Map<string, SectionRequest>();
    const add = (spec: ProbeStep | ChecklistItem, vantage: string) => {
      const probe = this.probes.get(spec.probe);
      if (probe?.needs !== 'host' || vantage !== vantageName) return;
      const params = probe.params.safeParse(
        pruneUndefined(renderValue(spec.with, this.context(w)) as Record<string, unknown>),
      );
      if (!params.success) return;
      for (const s of probe.sections(params.data)) wanted.set(`${s.id}\0${(s.args ?? []).join('\0')}`, s);
    };
    for (const step of Object.values(this.pb.steps)) {
      if (step.kind === 'probe') add(step, step.vantage);
      if (step.kind === 'checklist') for (const item of step.items) add(item, item.vantage ?? step.vantage);
    }
    return [...wanted.values()];
  }

  /** One batched read per host per run, shared by every host probe that needs it (concurrent ones too). */
  private readHost(vantage: Vantage, sections: SectionRequest[], signal: AbortSignal) {
    const key = `${vantage.name}\n${JSON.stringify(sections)}`;
    let pending = this.hostReads.get(key);
    if (!pending) {
      pending = withHardTimeout(vantage.host.read(sections, signal), this.opts.timeoutMs * 2);
      this.hostReads.set(key, pending);
    }
    return pending;
  }

  private vantage(name: 'local' | 'member' | 'client', scope: Scope): Promise<Vantage> {
    if (name === 'local') return Promise.resolve(this.opts.vantages.local());
    const host = name === 'client' ? 'client' : scope.member?.name;
    if (!host)
      return Promise.reject(
        new Error('this step runs on a member, but the walk is not bound to one (add foreach: members)'),
      );
    let pending = this.vantagesUsed.get(host);
    if (!pending) {
      pending = this.opts.vantages.forHost(host, this.signal);
      pending.catch((err: unknown) =>
        this.hostErrors.set(host, err instanceof Error ? err.message : String(err)),
      );
      this.vantagesUsed.set(host, pending);
    }
    return pending;
  }

  private async hostTimings(): Promise<HostTiming[]> {
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

  private conclude(id: string, step: ConcludeStep, w: Walk, extra: Record<string, unknown> = {}): void {
    const ctx = this.context(w, extra);
    const subject = subjectOf(w.scope, this.opts.target);
    const evidence = step.evidence.length
      ? step.evidence.map((e) => renderText(e, ctx))
      : // Without explicit evidence, what was observed on the way here is the evidence.
        w.path
          .map((p) => w.steps[p])
          .filter((o): o is StepResults[string] => !!o && o.vantage !== 'operator')
          .map((o) => o.summary);
    const finding: Finding = {
      code: `${this.pb.id}/${id}`,
      conclusion: id,
      severity: step.severity,
      title: renderText(step.title, ctx),
      cause: renderText(step.cause, ctx),
      evidence,
      fix: step.fix.map((f) => renderText(f, ctx)),
      faq: step.faq ?? this.pb.faq,
      path: [...w.path],
      ...(subject ? { subject } : {}),
    };
    this.findings.push(finding);
    this.emit({ type: 'finding', finding });
  }

  private stop(w: Walk, step: string, reason: string, subject: Subject | undefined): void {
    this.inconclusive.push({ reason, path: [...w.path], step, ...(subject ? { subject } : {}) });
  }
}

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

export function verdictOf(
  findings: readonly Finding[],
  inconclusive: readonly Inconclusive[],
  interrupted: boolean,
): Verdict {
  if (findings.some((f) => f.severity === 'error' || f.severity === 'warn')) return 'fail';
  if (inconclusive.length > 0 || interrupted) return 'inconclusive';
  return 'pass';
}
