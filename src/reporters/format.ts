// Small wording helpers shared by the human-facing reporters, so text,
// markdown, junit and the live renderer name things the same way.
import {
  type Finding,
  type Inconclusive,
  type RunResult,
  SEVERITIES,
  type Severity,
  type Subject,
} from '../engine/result.js';

/** "0.4 ms", "12 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** "member be1 (10.0.1.12:8080)"; "the run" when a finding concerns no one thing. */
export function subjectLabel(subject: Subject | undefined): string {
  if (!subject) return 'the run';
  const address = subject.address && subject.address !== subject.name ? ` (${subject.address})` : '';
  return `${subject.kind} ${subject.name}${address}`;
}

export function subjectKey(subject: Subject | undefined): string {
  return subject ? `${subject.kind}\u0000${subject.name}` : '';
}

export interface SubjectGroup {
  subject: Subject | undefined;
  findings: Finding[];
  inconclusive: Inconclusive[];
}

const severityRank: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

/**
 * Findings and inconclusive walks grouped by what they concern (most FAQ checks
 * are per backend server): run-wide first, then subjects in order of first
 * appearance; within a group the most severe finding first.
 */
export function groupBySubject(result: Pick<RunResult, 'findings' | 'inconclusive'>): SubjectGroup[] {
  const groups = new Map<string, SubjectGroup>();
  const get = (s: Subject | undefined) => {
    const key = subjectKey(s);
    let g = groups.get(key);
    if (!g) {
      g = { subject: s, findings: [], inconclusive: [] };
      groups.set(key, g);
    }
    return g;
  };
  if (result.findings.some((f) => !f.subject) || result.inconclusive.some((i) => !i.subject)) get(undefined);
  for (const f of result.findings) get(f.subject).findings.push(f);
  for (const i of result.inconclusive) get(i.subject).inconclusive.push(i);
  for (const g of groups.values())
    g.findings.sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
  return [...groups.values()];
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warn: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "FAQ 1.6, 2.1". */
export function faqLabel(faq: readonly string[]): string {
  return faq.length === 0 ? '' : `FAQ ${faq.join(', ')}`;
}

/** One line summing up the verdict: "FAIL: 2 findings (1 error, 1 warn), 1 inconclusive walk". */
export function verdictSummary(result: RunResult): string {
  const counts = countBySeverity(result.findings);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const findings =
    result.findings.length === 0
      ? 'no findings'
      : `${plural(result.findings.length, 'finding')} (${parts.join(', ')})`;
  const inconclusive =
    result.inconclusive.length > 0 ? `, ${plural(result.inconclusive.length, 'inconclusive walk')}` : '';
  const interrupted = result.interrupted ? ', interrupted before every walk concluded' : '';
  return `${result.verdict.toUpperCase()}: ${findings}${inconclusive}${interrupted}`;
}

/** Facts that were not established: the operator should know the run assumed or skipped them. */
export function unknownFacts(result: RunResult) {
  return result.facts.filter((f) => f.source === 'unknown');
}

/** A host read this slow is worth a word: usually a shell rc file (.bashrc) doing work on login. */
export const SLOW_HOST_MS = 2000;

/**
 * Whether a fix line is a shell command (shown after `$`, in a `sh` block) or
 * a console step in words ("Compare the health check … with …."). Playbooks
 * mix both; a sentence starts with a capital letter or ends like one.
 */
export function isCommand(fix: string): boolean {
  const line = fix.trim();
  if (line.includes('\n')) return /^[a-z0-9_./~-]/.test(line);
  return /^[a-z0-9_./~-]/.test(line) && !/[.?!:]$/.test(line);
}
