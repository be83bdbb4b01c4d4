// tcp-burst: many TCP connections to host:port at once, held open until every
// one has an answer (FAQ 1.10: a stress test the backend cannot keep up with).
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, dialState, vantageField } from './define.js';

export const tcpBurstParams = z
  .object({
    host: hostParam.describe('name or IP address to connect to'),
    port: portParam.describe('TCP port'),
    connections: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(200)
      .describe('connections opened at once, each held until all have an answer (0: none, only watch)'),
    connectTimeoutMs: z
      .number()
      .int()
      .min(200)
      .max(30_000)
      .default(3000)
      .describe('how long one connection may take to open (a dropped SYN is resent after 1 s, then 3 s)'),
    watchSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(600)
      .default(0)
      .describe(
        "seconds to wait after the burst before the step ends: the operator's own load test runs meanwhile, so a reading taken next counts it too",
      ),
  })
  .strict();
export type TcpBurstParams = z.infer<typeof tcpBurstParams>;

const millis = z.object({
  median: z.number().describe('median, ms'),
  p99: z.number().describe('99th percentile, ms'),
  max: z.number().describe('slowest, ms'),
});

export const tcpBurstData = z
  .object({
    host: z.string().describe('the host parameter, as given'),
    port: z.number().int().describe('the port parameter'),
    vantage: vantageField,
    attempted: z.number().int().describe('connections started'),
    watchedSeconds: z.number().int().describe('seconds waited after the burst (the watchSeconds parameter)'),
    opened: z.number().int().describe('connections that opened'),
    failed: z.number().int().describe('connections that did not open (any state but open)'),
    retransmitted: z
      .number()
      .int()
      .describe('connections that opened only after 1 s or more: their first SYN was dropped (a full queue)'),
    states: z.partialRecord(dialState, z.number().int()).describe('connections by how the dial ended'),
    connectMs: millis
      .nullable()
      .describe('time to open, over the connections that opened; null: none opened'),
  })
  .strict();

export const tcpBurstContract = defineContract({
  kind: 'tcp-burst',
  needs: 'network',
  summary:
    'a burst of TCP connections at once: how many opened, timed out, were refused, or waited for a resent SYN',
  params: tcpBurstParams,
  data: tcpBurstData,
});
