// The shape of what templates and `decide` cases read, as zod schemas the
// validator walks: the inventory views a fan-out binds (engine/scope.ts), the
// whole inventory, --target, a checklist's counts and an answer's value.
// Keep in step with src/engine/scope.ts and src/engine/checklist-summary.ts.
import { z } from 'zod';
import {
  Certificate,
  Client,
  HostAccess,
  Listener,
  LoadBalancer,
  LoadBalancerEntry,
  Member,
  Pool,
  ReferenceSettings,
} from '../model/inventory.js';
import { Outcome } from '../model/vocabulary.js';

export const ListenerViewSchema = Listener.partial().extend({
  name: z.string(),
  protocol: Listener.shape.protocol,
  address: z.string().optional(),
  port: z.number().optional(),
  hostport: z.string().optional(),
  scheme: z.enum(['http', 'https', 'tcp', 'udp']),
  index: z.number(),
  server_names: z.array(z.string()),
  server_name: z.string().optional(),
});

export const ForwarderSchema = z.object({
  loadbalancer: z.string(),
  listener: z.string(),
  protocol: Listener.shape.protocol,
  transparent_client_ip: z.boolean(),
  port_range: z.boolean(),
});

export const MemberViewSchema = Member.extend({
  name: z.string(),
  hostport: z.string(),
  forwarded_by: z.array(ForwarderSchema),
  client_ip_forwarders: z.number(),
  port_range_forwarders: z.number(),
  has_ssh: z.boolean(),
});

export const LbViewSchema = LoadBalancer.extend({ source_range: z.string().optional() });

export const PoolViewSchema = Pool.extend({
  domain_names: z.array(z.string()),
  weighted_members: z.number(),
});

export const HostViewSchema = HostAccess.extend({ name: z.string(), member: MemberViewSchema.optional() });

export const InventorySchema = z.object({
  source: z.string().optional(),
  loadbalancers: z.array(LoadBalancerEntry),
  hosts: z.record(z.string(), HostAccess),
  client: Client.nullable(),
  certificates: z.array(Certificate),
  reference: ReferenceSettings.nullable(),
});

export const TargetSchema = z.object({ host: z.string(), port: z.number(), raw: z.string() });

/** `run`: what belongs to the run itself (engine/walk.ts RunValues). */
export const RunSchema = z.object({ id: z.string() });

/** What the scope keys hold once a fan-out bound them. */
export const SCOPE_SCHEMAS = {
  lb: LbViewSchema,
  listener: ListenerViewSchema,
  pool: PoolViewSchema,
  member: MemberViewSchema,
  host: HostViewSchema,
} as const;
export type ScopeKey = keyof typeof SCOPE_SCHEMAS;

const Counts = z.object({
  pass: z.number(),
  fail: z.number(),
  error: z.number(),
  skip: z.number(),
  total: z.number(),
});
const Failed = z.enum(['none', 'some', 'all', 'unknown']);

/** The fields every step result has (`steps.<id>.summary`, …). */
const resultFields = {
  outcome: Outcome,
  summary: z.string(),
  reason: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  durationMs: z.number(),
  raw: z.string().optional(),
  vantage: z.string(),
};

export function probeResultSchema(data: z.ZodType): z.ZodType {
  return z.object({ ...resultFields, data });
}

/** The numeric fields of a probe's data: what a checklist sums into `totals` (any key when the shape is unknown). */
function totalsSchema(data: z.ZodType | undefined): z.ZodType {
  if (!(data instanceof z.ZodObject)) return z.record(z.string(), z.number());
  const numeric = Object.entries(data.shape as Record<string, z.ZodType>).filter(([, f]) => {
    const inner = f instanceof z.ZodOptional ? f.unwrap() : f;
    return inner instanceof z.ZodNumber;
  });
  // Absent when no run of the item could check: a template reading one needs a fallback.
  return z.object(Object.fromEntries(numeric.map(([k]) => [k, z.number().optional()])));
}

/** A checklist's result; `items` gives each item's id and its probe's data schema (for `totals`). */
export function checklistResultSchema(
  items: readonly { id: string; data?: z.ZodType | undefined }[],
): z.ZodType {
  const item = (data: z.ZodType | undefined) =>
    z.object({ counts: Counts, failed: Failed, failing: z.array(z.string()), totals: totalsSchema(data) });
  return z.object({
    ...resultFields,
    data: z.object({
      counts: Counts,
      failed: Failed,
      items: z.object(Object.fromEntries(items.map((i) => [i.id, item(i.data)]))),
    }),
  });
}

export function askResultSchema(type: 'boolean' | 'string' | 'number' | 'choice'): z.ZodType {
  const value = type === 'boolean' ? z.boolean() : type === 'number' ? z.number() : z.string();
  return z.object({ ...resultFields, value, data: z.object({ value, source: z.string() }) });
}
