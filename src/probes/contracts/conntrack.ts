// conntrack: is the connection-tracking table dropping connections?
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const conntrackParams = z
  .object({
    maxInsertFailed: z.number().int().min(0).default(0).describe('highest acceptable insert_failed count'),
    maxDrop: z.number().int().min(0).default(0).describe('highest acceptable drop count'),
    maxFillPercent: z
      .number()
      .min(0)
      .max(100)
      .default(90)
      .describe('fail when the table is at least this full, percent of nf_conntrack_max'),
  })
  .strict();
export type ConntrackParams = z.infer<typeof conntrackParams>;

const whenRead = 'pass, fail (skip: conntrack not in use)';
const counter = (what: string) =>
  sometimes(whenRead, z.number().nullable().describe(`${what}; null: not reported`));

export const conntrackData = z
  .object({
    insertFailed: counter('insert_failed, summed over CPUs (insert races)'),
    drop: counter('drop, summed over CPUs (new connections dropped)'),
    earlyDrop: counter('early_drop, summed over CPUs (entries evicted to make room)'),
    count: counter('net.netfilter.nf_conntrack_count: entries now'),
    max: counter('net.netfilter.nf_conntrack_max: table size'),
    fillPercent: counter('count / max, percent'),
  })
  .strict();

export const conntrackContract = defineContract({
  kind: 'conntrack',
  needs: 'host',
  summary: 'connection tracking: insert failures, drops, table fill',
  params: conntrackParams,
  data: conntrackData,
});
