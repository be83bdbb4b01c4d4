// Events the engine emits while it walks; the text reporter renders them live.
import type { Outcome, StepKind } from '../model/vocabulary.js';
import type { Finding, Subject } from './result.js';

export type EngineEvent =
  | { type: 'run-start'; playbook: string; title: string }
  | {
      type: 'step-start';
      step: string;
      title: string;
      kind: StepKind;
      subject?: Subject;
    }
  | {
      type: 'step-finish';
      step: string;
      item?: string;
      title: string;
      subject?: Subject;
      outcome: Outcome;
      summary: string;
      durationMs: number;
    }
  | { type: 'host-ready'; host: string; connectMs?: number; readMs?: number; error?: string }
  | { type: 'finding'; finding: Finding }
  | { type: 'run-finish'; durationMs: number; interrupted: boolean };

export type EngineListener = (event: EngineEvent) => void;
