// Proves the probe contracts against reality: every observation a probe test
// produces must parse with its contract's data schema (src/probes/contracts).
// Wrap a probe once per test file with `checked(probe)`; its run/evaluate then
// fail the test, naming the probe and the path, when data leaves the schema.
import { expect } from 'vitest';
import { isProbeKind, probeContracts } from '../../src/probes/contracts/index.js';
import type { HostProbe, NetworkProbe, Observation, Probe } from '../../src/probes/types.js';

/** Asserts `obs.data` parses with the data schema of `kind`'s contract; returns the observation. */
export function expectDataMatchesContract(kind: string, obs: Observation): Observation {
  if (!isProbeKind(kind)) throw new Error(`no contract for probe kind "${kind}"`);
  const parsed = probeContracts[kind].data.safeParse(obs.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `data.${i.path.join('.')}: ${i.message}`).join('\n  ');
    expect.fail(
      `${kind} ${obs.outcome} observation does not match its contract (src/probes/contracts/${kind}.ts):\n  ${issues}\ndata: ${JSON.stringify(obs.data, null, 2)}`,
    );
  }
  return obs;
}

/** The probe, with every observation it returns checked against its contract. */
export function checked<P>(probe: NetworkProbe<P>): NetworkProbe<P>;
export function checked<P>(probe: HostProbe<P>): HostProbe<P>;
export function checked<P>(probe: Probe<P>): Probe<P> {
  if (probe.needs === 'network') {
    return {
      ...probe,
      run: async (params, ctx) => expectDataMatchesContract(probe.kind, await probe.run(params, ctx)),
    };
  }
  return {
    ...probe,
    evaluate: (params, outputs) => expectDataMatchesContract(probe.kind, probe.evaluate(params, outputs)),
  };
}
