// Facts only the cloud console knows. Resolved in a fixed order (DESIGN.md):
// the inventory, then --set, then --answers, then a prompt when interactive;
// otherwise the question takes its `unknown` branch and the report says so.
import { InputError } from '../errors.js';
import type { AskStep } from '../playbook/schema.js';
import type { FactRecord, FactSource } from './result.js';
import { type Scope, scopeKey } from './scope.js';
import { getPath } from './template.js';

export interface Question {
  key: string;
  question: string;
  /** Why the answer matters. */
  why: string;
  /** Where in the console the answer is found. */
  console: string;
  type: AskStep['type'];
  choices?: string[];
}

/** Asks the operator; resolves undefined for "I don't know". */
export type Prompter = (q: Question) => Promise<unknown>;

export interface FactInputs {
  /** From --set key=value (values are text; typed at use). */
  set: ReadonlyMap<string, string>;
  /** From --answers FILE. */
  answers: Readonly<Record<string, unknown>>;
  prompt?: Prompter;
}

export type Resolved = { known: true; value: unknown; source: FactSource } | { known: false };

export class FactResolver {
  readonly records: FactRecord[] = [];
  private readonly cache = new Map<string, Promise<Resolved>>();
  /** Prompts one at a time even when walks run concurrently. */
  private promptChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly inputs: FactInputs) {}

  resolve(step: AskStep, scope: Scope, ctx: unknown): Promise<Resolved> {
    const scoped = step.scope === 'run' ? undefined : scopeKey(scope, step.scope);
    const key = scoped ? `${step.fact}@${scoped}` : step.fact;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.lookup(step, key, ctx).then((r) => {
        this.records.push({
          key,
          question: step.question,
          value: r.known ? r.value : null,
          source: r.known ? r.source : 'unknown',
        });
        return r;
      });
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async lookup(step: AskStep, key: string, ctx: unknown): Promise<Resolved> {
    if (step.inventory) {
      const v = getPath(ctx, step.inventory);
      if (v !== undefined && v !== null) return { known: true, value: v, source: 'inventory' };
    }
    const fromSet = this.inputs.set.get(key) ?? this.inputs.set.get(step.fact);
    if (fromSet !== undefined)
      return { known: true, value: coerce(step, fromSet, `--set ${step.fact}`), source: 'set' };
    const fromAnswers = this.inputs.answers[key] ?? this.inputs.answers[step.fact];
    if (fromAnswers !== undefined && fromAnswers !== null) {
      return {
        known: true,
        value: coerce(step, fromAnswers, `answers file: ${step.fact}`),
        source: 'answers',
      };
    }
    const prompt = this.inputs.prompt;
    if (prompt) {
      const asked = this.promptChain.then(() =>
        prompt({
          key,
          question: step.question,
          why: step.why,
          console: step.console,
          type: step.type,
          ...(step.choices ? { choices: step.choices } : {}),
        }),
      );
      this.promptChain = asked.catch(() => undefined);
      const value = await asked;
      if (value !== undefined) return { known: true, value, source: 'prompt' };
    }
    return { known: false };
  }
}

/** Types a --set/--answers value by the question's type; a wrong one is bad input (exit 2). */
export function coerce(
  step: Pick<AskStep, 'type' | 'choices' | 'fact'>,
  raw: unknown,
  where: string,
): unknown {
  const text = String(raw).trim();
  switch (step.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (/^(true|yes|y|1|on)$/i.test(text)) return true;
      if (/^(false|no|n|0|off)$/i.test(text)) return false;
      throw new InputError(`${where}: "${text}" is not a yes/no answer`, [], 'use true or false');
    }
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw new InputError(`${where}: "${text}" is not a number`);
      return n;
    }
    case 'choice':
      if (step.choices && !step.choices.includes(text)) {
        throw new InputError(
          `${where}: "${text}" is not one of the choices`,
          [],
          `use one of ${step.choices.join(', ')}`,
        );
      }
      return text;
    default:
      return text;
  }
}

/** Parses `--set key=value` flags; `key` may carry a scope: `hc_enabled@pool:web-pool=true`. */
export function parseSetFlags(flags: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      throw new InputError(
        `--set "${flag}" has no "="`,
        [],
        'write --set fact=value, e.g. --set health_check_enabled=true',
      );
    }
    out.set(flag.slice(0, eq).trim(), flag.slice(eq + 1));
  }
  return out;
}

/**
 * `--set` keys that no ask step of the playbook asks for: most likely a typo,
 * and an answer nobody reads. Returns the unused fact ids.
 */
export function unusedFacts(set: ReadonlyMap<string, string>, asked: readonly string[]): string[] {
  return [...set.keys()].map((k) => k.split('@')[0]!).filter((fact) => !asked.includes(fact));
}
