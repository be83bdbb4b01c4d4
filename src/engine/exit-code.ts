// Exit codes, computed in one place from the result (DESIGN.md, a contract):
// 0 nothing at or above --fail-on; 1 findings at or above it; 3 the run could
// not check what it needed. (2, bad input, never gets this far.)
import { ExitCode } from '../errors.js';
import { type RunResult, SEVERITIES, type Severity } from './result.js';

export type FailOn = Severity | 'inconclusive';
export const FAIL_ON_LEVELS: readonly FailOn[] = [...SEVERITIES, 'inconclusive'];

const rank: Record<Severity, number> = { info: 1, warn: 2, error: 3 };

export function exitCodeFor(
  result: Pick<RunResult, 'findings' | 'inconclusive' | 'interrupted'>,
  failOn: FailOn,
): number {
  // `inconclusive` fails on error findings and on anything left unchecked.
  const threshold = failOn === 'inconclusive' ? rank.error : rank[failOn];
  if (result.findings.some((f) => rank[f.severity] >= threshold)) return ExitCode.findings;
  // Nothing was concluded at all (every probe errored, unreachable, auth failed, stopped early).
  if (result.findings.length === 0 && (result.inconclusive.length > 0 || result.interrupted))
    return ExitCode.couldNotCheck;
  if (failOn === 'inconclusive' && (result.inconclusive.length > 0 || result.interrupted))
    return ExitCode.findings;
  return ExitCode.ok;
}
