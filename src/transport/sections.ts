// Section identity, shared by the batched reader (src/runners/batch.ts) and
// the host probes that find their output in a batch (src/probes/host-probe-support.ts).
import type { SectionRequest } from './types.js';

/** A stable key for deduplicating requests: id plus its arguments. */
export function sectionKey(request: SectionRequest): string {
  const key = [request.id, ...(request.args ?? [])];
  return JSON.stringify(request.reading ? [...key, { reading: request.reading }] : key);
}
