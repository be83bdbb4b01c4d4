// listen-overflows: has an accept queue overflowed? (the LB sees connect timeouts)
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const listenOverflowsParams = z
  .object({
    max: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('highest acceptable ListenOverflows/ListenDrops (counters since boot)'),
    reading: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/)
      .optional()
      .describe(
        "name a second reading (e.g. after-burst): the counters are read again at this step instead of reusing the run's first read, so two steps can compare before and after",
      ),
  })
  .strict();
export type ListenOverflowsParams = z.infer<typeof listenOverflowsParams>;

const whenRead = 'pass, fail';

export const listenOverflowsData = z
  .object({
    listenOverflows: sometimes(
      whenRead,
      z.number().int().nullable().describe('TcpExt ListenOverflows since boot; null: not reported'),
    ),
    listenDrops: sometimes(
      whenRead,
      z.number().int().nullable().describe('TcpExt ListenDrops since boot; null: not reported'),
    ),
    somaxconn: sometimes(
      whenRead,
      z.string().nullable().describe('net.core.somaxconn as sysctl prints it (a string); null: not read'),
    ),
    tcpMaxSynBacklog: sometimes(
      whenRead,
      z
        .string()
        .nullable()
        .describe('net.ipv4.tcp_max_syn_backlog as sysctl prints it (a string); null: not read'),
    ),
  })
  .strict();

export const listenOverflowsContract = defineContract({
  kind: 'listen-overflows',
  needs: 'host',
  summary: 'accept-queue overflows (TcpExt ListenOverflows/ListenDrops) and the backlog limits',
  params: listenOverflowsParams,
  data: listenOverflowsData,
});
