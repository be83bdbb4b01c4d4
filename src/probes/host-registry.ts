// Host probes: they read a host through the batched HostReader; evaluation is pure.
import type { ProbeLoader } from './registry.js';

export type HostProbeKind = never;

export const hostProbes: { readonly [K in HostProbeKind]: ProbeLoader } = {};
