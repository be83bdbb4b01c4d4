// ping: ICMP echo with the vantage's own `ping` (FAQ 2.4: ELB's UDP check pings first).
import { z } from 'zod';
import { hostParam } from '../network-params.js';
import { defineContract, sometimes, vantageField } from './define.js';

export const pingParams = z
  .object({
    host: hostParam.describe('name or IP address to ping'),
    count: z.number().int().min(1).max(20).default(3).describe('echo requests to send (ping -c)'),
    waitSeconds: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(1)
      .describe('seconds to wait for each reply (ping -W)'),
  })
  .strict();
export type PingParams = z.infer<typeof pingParams>;

export const pingVerdict = z.enum(['replies', 'no-reply', 'unknown-host', 'network-unreachable', 'error']);
export const pingFormat = z.enum(['iputils', 'busybox', 'bsd', 'unknown']);

export const pingData = z
  .object({
    host: z.string().describe('the host parameter'),
    vantage: z
      .string()
      .describe(`${vantageField.description}; the host's name when pinged through its host reader`),
    verdict: sometimes(
      'ping ran',
      pingVerdict.describe(
        'replies (pass), no-reply (fail: icmp_echo_ignore_all or ICMP filtered, FAQ 2.4), unknown-host, network-unreachable, error (error)',
      ),
    ),
    format: sometimes('ping ran', pingFormat.describe('which ping printed the output')),
    address: sometimes(
      'ping printed its header',
      z.string().describe('the address ping resolved the host to'),
    ),
    transmitted: sometimes('ping printed statistics', z.number().int().describe('echo requests sent')),
    received: sometimes('ping printed statistics', z.number().int().describe('echo replies received')),
    lossPercent: sometimes('ping printed statistics', z.number().describe('packet loss, percent')),
    rtt: sometimes(
      'ping printed round-trip times',
      z
        .object({
          minMs: z.number().describe('fastest reply, ms'),
          avgMs: z.number().describe('average, ms'),
          maxMs: z.number().describe('slowest reply, ms'),
          mdevMs: sometimes('iputils, bsd', z.number().describe('standard deviation, ms')),
        })
        .strict()
        .describe('round-trip times'),
    ),
    icmpErrors: sometimes(
      'ICMP errors came back',
      z
        .array(
          z
            .object({
              from: z.string().describe('who sent the ICMP error'),
              message: z.string().describe('e.g. "Destination Host Unreachable"'),
            })
            .strict(),
        )
        .describe('"From … icmp_seq=N …" lines'),
    ),
    exitCode: sometimes('ping ran', z.number().int().describe("ping's exit code (-1: killed)")),
  })
  .strict();

export const pingContract = defineContract({
  kind: 'ping',
  needs: 'network',
  summary: "ICMP echo with the vantage's ping: replies, loss, round-trip times",
  params: pingParams,
  data: pingData,
});
