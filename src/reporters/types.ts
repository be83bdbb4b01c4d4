// The reporter contract: a reporter turns a finished RunResult into text. It
// never decides anything about the run (verdict and exit code come from the
// engine), and it only ever sees a result that redact() has already cleaned
// (and, but for JSON, with control characters made visible: visible.ts).
import type { RunResult } from '../engine/result.js';
import type { Inventory } from '../model/inventory.js';
import type { DecisionGraph } from '../playbook/graph-types.js';
import type { Secrets } from './redact.js';

export interface ReportContext {
  /** ANSI colours; the CLI decides (shouldUseColor in color.ts). Files never get colour. */
  color: boolean;
  /** The playbook's decision graph, for the markdown report's flowchart. */
  graph?: DecisionGraph;
  /** Columns the text report fits (the terminal's when it is one; 80 by default). */
  width?: number;
  /** Show every check and fact, not only the ones that need attention. */
  verbose?: boolean;
  /** The inventory the run used: fills the FAQ 7.5 support-ticket table in markdown. */
  inventory?: Inventory;
  /**
   * The run's secrets: values that must never appear in a report, wherever
   * they turn up (header and cookie values given to probes, the password a
   * host's `password_env` names, URL credentials). See SecretSet.
   */
  secrets?: Secrets;
}

export interface Reporter {
  name: string;
  description: string;
  /** File extension without the dot, for `--format NAME:FILE` defaults and docs. */
  extension: string;
  render(result: RunResult, ctx: ReportContext): string;
}
