// One explicit registry (STYLE: k8sgpt analyzer.go): every probe kind is listed
// in network-registry.ts or host-registry.ts, typed so a missing entry fails to
// compile. Entries are loaders: a probe's module (undici, tls, ssh…) is
// imported only when a run needs it, which keeps --help and list fast.
import { UsageError } from '../errors.js';
import { hostProbes } from './host-registry.js';
import { networkProbes } from './network-registry.js';
import type { Probe } from './types.js';

export type ProbeLoader = () => Promise<Probe>;

export const probeLoaders: Readonly<Record<string, ProbeLoader>> = { ...networkProbes, ...hostProbes };

export function probeKinds(): string[] {
  return Object.keys(probeLoaders).sort();
}

export async function loadProbe(kind: string): Promise<Probe> {
  const loader = probeLoaders[kind];
  if (!loader) {
    throw new UsageError(
      `unknown probe "${kind}"`,
      `known probes: ${probeKinds().join(', ')}`,
      'LBD_ERR_UNKNOWN_PROBE',
    );
  }
  return loader();
}
