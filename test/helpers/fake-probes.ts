// Fake probes and vantages for engine tests: scripted observations keyed by
// the rendered parameters, so a test says what the world looks like and checks
// which conclusion the engine reaches.
import { z } from 'zod';
import type { HostProbe, NetworkProbe, Observation, Probe, ProbeContract } from '../../src/probes/types.js';
import type { SectionOutput } from '../../src/transport/types.js';
import type { Vantage, VantageProvider } from '../../src/runners/types.js';

export type Script = (params: Record<string, unknown>) => Partial<Observation> & Pick<Observation, 'outcome'>;

export function fakeNetworkProbe(
  kind: string,
  script: Script,
  calls: Record<string, unknown>[] = [],
): NetworkProbe<Record<string, unknown>> {
  return {
    kind,
    summary: `fake ${kind}`,
    needs: 'network',
    params: z.record(z.string(), z.unknown()),
    data: z.record(z.string(), z.unknown()),
    async run(params, ctx) {
      calls.push({ ...params, vantage: ctx.dialer.vantage });
      const o = script(params);
      return { summary: `${kind} ${JSON.stringify(params)} → ${o.outcome}`, data: {}, durationMs: 1, ...o };
    },
  };
}

/** A host probe reading one section and passing when its stdout equals `want`. */
export function fakeHostProbe(kind: string, section: string): HostProbe<{ want: string }> {
  return {
    kind,
    summary: `fake host ${kind}`,
    needs: 'host',
    params: z.object({ want: z.string() }),
    data: z.record(z.string(), z.unknown()),
    sections: () => [{ id: section }],
    evaluate(params, outputs: SectionOutput[]): Observation {
      const got = outputs[0]?.stdout.trim();
      return {
        outcome: got === params.want ? 'pass' : 'fail',
        summary: `${section} is ${got}`,
        data: { value: got },
        durationMs: 0,
      };
    },
  };
}

export function registryOf(...probes: Probe[]): (kind: string) => Promise<Probe> {
  return async (kind) => {
    const p = probes.find((x) => x.kind === kind);
    if (!p) throw new Error(`no fake probe ${kind}`);
    return p;
  };
}

/** Vantages whose host reads answer from a table and count how often each host was read. */
export function fakeVantages(
  hostTable: Record<string, Record<string, string>> = {},
  unreachable: string[] = [],
) {
  const reads: Record<string, number> = {};
  const make = (name: string): Vantage => ({
    name,
    dialer: {
      vantage: name === 'local' ? 'local' : `ssh://${name}`,
      connect: () => Promise.reject(new Error('no network in fakes')),
    },
    host: {
      host: name,
      async read(requests) {
        reads[name] = (reads[name] ?? 0) + 1;
        return requests.map((r) => ({
          id: r.id,
          args: r.args ?? [],
          exitCode: 0,
          stdout: hostTable[name]?.[r.id] ?? '',
          stderr: '',
        }));
      },
    },
    timings: { connectMs: 5, readMs: 7 },
  });
  const provider: VantageProvider = {
    local: () => make('local'),
    forHost: async (name) => {
      if (unreachable.includes(name)) throw new Error(`${name}: connect ETIMEDOUT`);
      return make(name);
    },
    close: async () => {},
  };
  return { provider, reads };
}

/** Contracts for fake probes: any parameter, any data (the validator then checks only structure and scope). */
export function looseContracts(kinds: readonly string[]): Record<string, ProbeContract> {
  return Object.fromEntries(
    kinds.map((kind) => [
      kind,
      {
        kind,
        needs: 'network' as const,
        summary: `fake ${kind}`,
        params: z.record(z.string(), z.unknown()),
        data: z.record(z.string(), z.unknown()),
      },
    ]),
  );
}
