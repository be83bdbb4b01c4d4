// The helper every contract is written with. A contract is the light half of
// a probe: its kind, its parameters and the shape of its Observation.data, as
// zod schemas, importable without the probe's implementation (undici, tls,
// ssh, the reference LB). The playbook validator checks `with:` keys and
// `data.*` paths against these; docs/probes.md renders its tables from them.
//
// Contract modules import only zod, other contract or parameter modules and
// light model modules (src/model/inventory.ts, src/model/net.ts).
import { z } from 'zod';
export type { ProbeContract } from '../types.js';

/**
 * Returns the contract as written, keeping its literal kind and exact schema
 * types (so `tcpContract.params` stays `typeof tcpParams`).
 */
export function defineContract<
  const K extends string,
  const N extends 'network' | 'host',
  P extends z.ZodType,
  D extends z.ZodType<Record<string, unknown>>,
>(contract: {
  kind: K;
  needs: N;
  summary: string;
  params: P;
  data: D;
}): { readonly kind: K; readonly needs: N; readonly summary: string; readonly params: P; readonly data: D } {
  return contract;
}

/**
 * A data field present in some observations only; `when` says which (the
 * "when present" column of docs/probes.md), e.g. "pass" or "fail, error".
 */
export function sometimes<T extends z.ZodType>(when: string, schema: T): z.ZodOptional<T> {
  return schema.optional().meta({ when });
}

/** `A` and `B` are the same set of values (for compile-time checks that an enum lists a union exactly). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile unless `T` is `true`: `type _ = Proof<Same<z.infer<typeof s>, DialState>>`. */
export type Proof<T extends true> = T;

/** The vocabulary of a dial attempt (transport/dialers/local.ts DialState), shared by the network probes. */
export const dialState = z.enum([
  'open',
  'refused',
  'timeout',
  'reset',
  'unreachable',
  'dns-error',
  'aborted',
  'error',
]);
/** A dial that did not open. */
export const dialFailureState = dialState.exclude(['open']);

export const vantageField = z
  .string()
  .describe('where the probe ran from: "local", or "ssh://user@host:port" through an SSH host');
