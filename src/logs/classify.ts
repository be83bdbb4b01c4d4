// Who produced the status of a line: the load balancer itself or the backend
// (FAQ 1.5 lists whose each code usually is; FAQ 7.8 says how to tell). The
// access log tells it line by line: the upstream fields are "-" when no
// backend was reached, and hold the backend's own status when one answered.
// The rules are tried in this order; the first that matches decides.
import type { LogRecord } from './record.js';

export type AnsweredBy = 'load-balancer' | 'backend';

export const ANSWER_RULES = [
  {
    id: 'client-closed',
    answeredBy: 'load-balancer',
    short: '499: the client closed first',
    description:
      'status 499: the client closed the connection before the response; only the load balancer writes this code, and only in its logs (FAQ 1.5, 7.9)',
  },
  {
    id: 'no-upstream',
    answeredBy: 'load-balancer',
    short: 'upstream fields "-": no backend tried',
    description:
      'every upstream field is "-": no backend was tried, the load balancer answered by itself (malformed or oversized request, client timeout, listener or forwarding-policy configuration; FAQ 1.5, 7.8)',
  },
  {
    id: 'upstream-no-status',
    answeredBy: 'load-balancer',
    short: 'backend tried, no upstream_status (refused, reset, timed out)',
    description:
      'a backend was tried but its last attempt has no upstream_status (connection refused, reset or timed out): the load balancer made the answer, typically 502 or 504 (FAQ 1.5, 7.8)',
  },
  {
    id: 'status-differs',
    answeredBy: 'load-balancer',
    short: 'status differs from the last upstream_status',
    description:
      'the last upstream_status differs from the status sent to the client: the load balancer replaced the backend answer (e.g. an invalid response became 502; FAQ 7.8)',
  },
  {
    id: 'upstream-status',
    answeredBy: 'backend',
    short: 'status = the last upstream_status',
    description:
      'the status equals the last upstream_status: the backend answered and the load balancer passed it on (FAQ 7.8)',
  },
] as const satisfies readonly { id: string; answeredBy: AnsweredBy; short: string; description: string }[];

export type AnswerRuleId = (typeof ANSWER_RULES)[number]['id'];

/** Index into ANSWER_RULES (the summary counts by index: no string per line). */
export function answerRuleIndex(r: Pick<LogRecord, 'status' | 'upstream'>): number {
  if (r.status === 499) return 0;
  const up = r.upstream;
  if (up.length === 0) return 1;
  const last = up[up.length - 1]?.status ?? null;
  if (last === null) return 2;
  return last === r.status ? 4 : 3;
}

/** Which rule classifies this line, and so who answered it. */
export function classifyAnswer(r: Pick<LogRecord, 'status' | 'upstream'>): {
  rule: AnswerRuleId;
  answeredBy: AnsweredBy;
} {
  const rule = ANSWER_RULES[answerRuleIndex(r)] ?? ANSWER_RULES[4];
  return { rule: rule.id, answeredBy: rule.answeredBy };
}
