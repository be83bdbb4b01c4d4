// Network probes: they take a Dialer, so they run from any vantage.
import type { ProbeLoader } from './registry.js';

export type NetworkProbeKind = never;

export const networkProbes: { readonly [K in NetworkProbeKind]: ProbeLoader } = {};
