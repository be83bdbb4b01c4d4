// Shared pieces of the host probes: finding a probe's section in the batched
// read, turning an unreadable section into an `error` observation (never a
// `fail`: "could not check" is not a finding). Parameter pieces are in host-params.ts.
import { sectionKey } from '../transport/sections.js';
import type { SectionOutput, SectionRequest } from '../transport/types.js';
import type { HostProbe, Observation } from './types.js';

export function findSection(
  outputs: readonly SectionOutput[],
  request: SectionRequest,
): SectionOutput | undefined {
  const key = sectionKey(request);
  return outputs.find((o) => sectionKey(o) === key);
}

/** Why a section cannot be used, or undefined when it can. `okCodes` are exit codes that still carry an answer. */
export function sectionProblem(
  out: SectionOutput | undefined,
  what: string,
  okCodes: readonly number[] = [0],
): string | undefined {
  if (!out) return `${what}: not part of the host read`;
  if (okCodes.includes(out.exitCode)) return undefined;
  const detail = out.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
  if (out.exitCode === 127)
    return `${what}: the command is not installed on this host${detail ? ` (${detail})` : ''}`;
  if (out.exitCode === -1) return `${what}: ${detail || 'no output from the host'}`;
  return `${what}: exit code ${out.exitCode}${detail ? `: ${detail}` : ''}`;
}

/** An `error` observation: the probe could not check, and says why. */
export function couldNotCheck(reason: string, raw?: string, data: Record<string, unknown> = {}): Observation {
  return {
    outcome: 'error',
    summary: `could not check: ${reason}`,
    reason,
    data,
    durationMs: 0,
    ...(raw ? { raw } : {}),
  };
}

/** Evidence text of the sections an observation used. */
export function rawOf(...outs: (SectionOutput | undefined)[]): string {
  return outs
    .filter((o): o is SectionOutput => o !== undefined)
    .map(
      (o) =>
        `$ ${[o.id, ...o.args].join(' ')}  (exit ${o.exitCode})\n${o.stdout}${o.stderr ? `[stderr]\n${o.stderr}` : ''}`,
    )
    .join('\n');
}

/** Levels of follow-up reads a host probe may ask for (an include inside an included file is one more). */
export const FOLLOW_UP_ROUNDS = 8;

/**
 * The probe's first read plus the reads that depend on it (HostProbe.followUp),
 * one round trip per level, at most FOLLOW_UP_ROUNDS: what the probe evaluates.
 */
export async function withFollowUps<P>(
  probe: HostProbe<P>,
  params: P,
  first: readonly SectionOutput[],
  read: (more: SectionRequest[]) => Promise<SectionOutput[]>,
): Promise<SectionOutput[]> {
  let outputs = [...first];
  for (let round = 0; probe.followUp && round < FOLLOW_UP_ROUNDS; round++) {
    const seen = new Set(outputs.map(sectionKey));
    const more = probe.followUp(params, outputs).filter((r) => !seen.has(sectionKey(r)));
    if (more.length === 0) break;
    outputs = [...outputs, ...(await read(more))];
  }
  return outputs;
}
