// A run's verdict from its findings: any error or warn finding fails it; a
// walk that could not conclude makes it inconclusive, never a pass.
import type { Finding, Inconclusive, Verdict } from './result.js';

export function verdictOf(
  findings: readonly Finding[],
  inconclusive: readonly Inconclusive[],
  interrupted: boolean,
): Verdict {
  if (findings.some((f) => f.severity === 'error' || f.severity === 'warn')) return 'fail';
  if (inconclusive.length > 0 || interrupted) return 'inconclusive';
  return 'pass';
}
