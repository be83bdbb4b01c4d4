// Walks a playbook. A walk follows one path through the graph; a step with
// `foreach` forks one walk per item, run concurrently, each ending in its own
// conclusion about its own subject. Each step kind has its handler in steps/;
// probes come from an injected registry and vantages from an injected
// provider, so tests drive the engine with fakes.
import { randomBytes } from 'node:crypto';
import type { Inventory } from '../model/inventory.js';
import type { VantageName } from '../model/vocabulary.js';
import { describeCondition } from '../playbook/graph.js';
import type { ConcludeStep, Playbook, Step } from '../playbook/schema.js';
import type { Probe } from '../probes/types.js';
import type { VantageProvider } from '../runners/types.js';
import { buildChart } from './chart.js';
import { testsHold } from './conditions.js';
import type { EngineListener } from './events.js';
import { type FactInputs, FactResolver } from './facts.js';
import { ProbeRunner, type ProbeSpec } from './probe-runner.js';
import {
  type CheckRecord,
  type Finding,
  type Inconclusive,
  REPORT_SCHEMA_VERSION,
  type RunResult,
} from './result.js';
import type { Route } from './routing.js';
import { expand, isBound, type Scope, scopeAt, scopeKey, subjectOf, type Target } from './scope.js';
import { askStep } from './steps/ask-step.js';
import { checklistStep } from './steps/checklist-step.js';
import { decideStep } from './steps/decide-step.js';
import { probeStep } from './steps/probe-step.js';
import type { Walker } from './steps/types.js';
import { isSecretKey, redactSecretValue, redactValue } from '../reporters/redact.js';
import { renderText } from './template.js';
import { verdictOf } from './verdict.js';
import { contextOf, fork, newWalk, type RunValues, type StepResult, type Walk } from './walk.js';

export interface EngineOptions {
  playbook: Playbook;
  inventory?: Inventory;
  target?: Target;
  /** Values given with --input (the playbook's declared defaults fill the rest). */
  inputs?: Readonly<Record<string, string>>;
  loadProbe: (kind: string) => Promise<Probe>;
  vantages: VantageProvider;
  facts: FactInputs;
  /** Per-probe timeout. */
  timeoutMs: number;
  /** Stops the run (Ctrl-C, --deadline); what was found so far is still reported. */
  signal?: AbortSignal;
  /** Probes running at once across all walks. */
  concurrency?: number;
  onEvent?: EngineListener;
  /**
   * Each probe's parameters as rendered, before it runs: the run collects the
   * secrets in them (header and cookie values) to redact them wherever a
   * member echoes them back.
   */
  onProbeParams?: (kind: string, params: unknown) => void;
  toolVersion: string;
  /** `{{ run.id }}`; random unless a test fixes it. */
  runId?: string;
}

export async function runPlaybook(opts: EngineOptions): Promise<RunResult> {
  return new Run(opts).execute();
}

class Run implements Walker {
  readonly playbook: Playbook;
  readonly inventory: Inventory | undefined;
  readonly target: Target | undefined;
  readonly facts: FactResolver;
  readonly probes: ProbeRunner;
  readonly emit: EngineListener;
  readonly inputs: Record<string, string>;
  readonly run: RunValues;
  private readonly findings: Finding[] = [];
  /** Conclusions with `once_per` already reported, by "conclusion scope-key". */
  private readonly reportedOnce = new Set<string>();
  private readonly inconclusive: Inconclusive[] = [];
  private readonly checks: CheckRecord[] = [];
  private readonly visited = new Set<string>();
  private readonly signal: AbortSignal;

  constructor(opts: EngineOptions) {
    this.playbook = opts.playbook;
    this.inventory = opts.inventory;
    this.target = opts.target;
    this.facts = new FactResolver(opts.facts);
    this.signal = opts.signal ?? new AbortController().signal;
    this.emit = opts.onEvent ?? (() => {});
    this.run = { id: opts.runId ?? randomBytes(6).toString('hex') };
    this.inputs = {
      ...Object.fromEntries(
        Object.entries(opts.playbook.inputs)
          .filter(([, spec]) => spec.default !== undefined)
          .map(([id, spec]) => [id, spec.default!]),
      ),
      ...opts.inputs,
    };
    this.probes = new ProbeRunner({
      playbook: opts.playbook,
      loadProbe: opts.loadProbe,
      vantages: opts.vantages,
      timeoutMs: opts.timeoutMs,
      signal: this.signal,
      concurrency: opts.concurrency ?? 16,
      ...(opts.onProbeParams ? { onParams: opts.onProbeParams } : {}),
    });
    this.toolVersion = opts.toolVersion;
  }

  private readonly toolVersion: string;

  async execute(): Promise<RunResult> {
    const started = Date.now();
    this.emit({ type: 'run-start', playbook: this.playbook.id, title: this.playbook.title });
    await this.probes.load();
    await this.walk(this.playbook.start, newWalk());
    const durationMs = Date.now() - started;
    const interrupted = this.signal.aborted;
    this.emit({ type: 'run-finish', durationMs, interrupted });
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'lbdoctor', version: this.toolVersion },
      playbook: { id: this.playbook.id, title: this.playbook.title, faq: this.playbook.faq },
      ...(this.target ? { target: this.target.raw } : {}),
      verdict: verdictOf(this.findings, this.inconclusive, interrupted),
      startedAt: new Date(started).toISOString(),
      durationMs,
      interrupted,
      findings: this.findings,
      inconclusive: this.inconclusive,
      checks: this.checks,
      facts: this.facts.records,
      hosts: await this.probes.hostTimings(),
      visited: [...this.visited],
    };
  }

  context(w: Walk, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return contextOf(w, this, extra);
  }

  scopeSubject(scope: Scope) {
    return subjectOf(scope, this.target);
  }

  markVisited(id: string): void {
    this.visited.add(id);
  }

  private async walk(id: string, w: Walk): Promise<void> {
    const step = this.playbook.steps[id];
    if (!step) {
      this.stop(w, id, `step "${id}" does not exist`);
      return;
    }
    if (this.signal.aborted) {
      this.stop(
        w,
        id,
        this.signal.reason instanceof Error ? this.signal.reason.message : 'the run was stopped',
      );
      return;
    }
    if (step.kind !== 'conclude' && step.foreach && !isBound(step.foreach, w.scope)) {
      await this.fanOut(id, step, w);
      return;
    }
    w.path.push(id);
    this.visited.add(id);
    if (step.kind !== 'conclude') {
      const subject = this.scopeSubject(w.scope);
      this.emit({
        type: 'step-start',
        step: id,
        title: step.title,
        kind: step.kind,
        ...(subject ? { subject } : {}),
      });
    }
    switch (step.kind) {
      case 'conclude':
        this.conclude(id, step, w);
        return;
      case 'probe':
        return probeStep(this, id, step, w);
      case 'ask':
        return askStep(this, id, step, w);
      case 'checklist':
        return checklistStep(this, id, step, w);
      case 'decide':
        return decideStep(this, id, step, w);
    }
  }

  private async fanOut(id: string, step: Exclude<Step, ConcludeStep>, w: Walk): Promise<void> {
    const kind = step.foreach!;
    const all = expand(kind, w.scope, this.inventory, this.target);
    const scopes = all.filter((s) => !step.where || testsHold(step.where, this.context(fork(w, s))));
    if (scopes.length === 0) {
      this.stop({ ...w, path: [...w.path, id] }, id, this.nothingToFanOver(kind, all.length, step.where));
      return;
    }
    await Promise.all(scopes.map((scope) => this.walk(id, fork(w, scope))));
  }

  /**
   * Why a fan-out found nothing to walk. Where `where:` filtered every item
   * out, the inventory is not empty: say how many there were and the
   * condition none of them met, so nobody goes looking for missing members.
   */
  private nothingToFanOver(
    kind: string,
    before: number,
    where: Exclude<Step, ConcludeStep>['where'],
  ): string {
    if (!this.inventory)
      return `no inventory: give --inventory (or --target for a single listener) so there are ${kind} to check`;
    if (before === 0 || !where) return `the inventory has no ${kind} to check here`;
    const condition = `the step's where: ${describeCondition(where)}`;
    return before === 1
      ? `1 ${kind.replace(/s$/, '')} here; it does not meet ${condition}`
      : `${before} ${kind} here; none meets ${condition}`;
  }

  async follow(route: Route, step: string, w: Walk): Promise<void> {
    if ('stop' in route) this.stop(w, step, route.stop);
    else await this.walk(route.to, w);
  }

  async check(
    step: string,
    item: string | undefined,
    spec: ProbeSpec,
    vantage: VantageName,
    w: Walk,
  ): Promise<StepResult & { record: CheckRecord }> {
    const subject = this.scopeSubject(w.scope);
    const started = Date.now();
    const obs = await this.probes.observe(spec, vantage, w.scope, this.context(w));
    const durationMs = obs.durationMs || Date.now() - started;
    const record: CheckRecord = {
      step,
      ...(item ? { item } : {}),
      title: spec.title,
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
      title: spec.title,
      ...(subject ? { subject } : {}),
      outcome: obs.outcome,
      summary: obs.summary,
      durationMs,
    });
    return { ...obs, record };
  }

  conclude(id: string, step: ConcludeStep, w: Walk, extra: Record<string, unknown> = {}): void {
    // A finding about the listener (pool, load balancer) rather than the member: the first of its walks
    // to reach it reports it, about the listener; the others end here without repeating it. Its text
    // reads nothing member-specific (validate checks), so which walk came first does not show.
    let about = w.scope;
    const key = step.once_per && scopeKey(w.scope, step.once_per);
    if (step.once_per && key) {
      if (this.reportedOnce.has(`${id} ${key}`)) return;
      this.reportedOnce.add(`${id} ${key}`);
      about = scopeAt(w.scope, step.once_per);
    }
    const ctx = this.context(w, extra);
    const render = (text: string) => renderText(text, ctx, shownInReport);
    const subject = this.scopeSubject(about);
    const evidence = step.evidence.length
      ? // A line whose every template fell back to '' has nothing to show.
        step.evidence.map((e) => render(e)).filter((e) => e.trim() !== '')
      : // Without explicit evidence, what was observed on the way here is the evidence.
        w.path
          .map((p) => w.steps[p])
          .filter((o): o is StepResult => !!o && o.vantage !== 'operator')
          .map((o) => o.summary);
    const chart = step.chart ? buildChart(step.chart, ctx, render) : undefined;
    const finding: Finding = {
      code: `${this.playbook.id}/${id}`,
      conclusion: id,
      severity: step.severity,
      title: render(step.title),
      cause: render(step.cause),
      evidence,
      fix: step.fix.map((f) => render(f)),
      faq: step.faq ?? this.playbook.faq,
      ...(step.see?.length ? { see: step.see } : {}),
      ...(step.explain?.length ? { explain: step.explain } : {}),
      path: [...w.path],
      ...(subject ? { subject } : {}),
      ...(chart ? { chart } : {}),
    };
    this.findings.push(finding);
    this.emit({ type: 'finding', finding });
  }

  stop(w: Walk, step: string, reason: string): void {
    const subject = this.scopeSubject(w.scope);
    this.inconclusive.push({ reason, path: [...w.path], step, ...(subject ? { subject } : {}) });
  }
}

/**
 * What a conclusion's template may show of a value: the report's redaction by
 * shape, applied before the value becomes text. A headers object keeps its
 * names and loses its credentials; `{{ steps.x.data.headers.set-cookie }}`
 * keeps the cookie's name and attributes. Literal secrets are removed later,
 * by the reporters, from the rendered text as from everything else.
 */
function shownInReport(path: string, value: unknown): unknown {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const v = isSecretKey(key) ? redactSecretValue(key, value) : value;
  return typeof v === 'object' && v !== null ? redactValue(v) : v;
}
