// The health checks as a library: the reference LB's checker and the doctor's
// "what would ELB say about this member" use the same code.
export { HealthChecker, type HealthCheckerOptions } from './checker.js';
export { type ExpectedCodes, expectedCodesFor, parseExpectedCodes } from './expected-codes.js';
export {
  type ExplainMemberHealthInput,
  explainMemberHealth,
  type MemberHealthExplanation,
} from './explain.js';
export { checkTarget, runHealthCheck } from './run-check.js';
export type { CheckResult, CheckTarget } from './types.js';
