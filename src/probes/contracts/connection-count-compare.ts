// connection-count-compare: the load balancer's active connections (Cloud
// Eye's figure, read by the operator at a given minute) against the sum the
// members hold, counted over SSH (FAQ 6.11). Arithmetic on numbers already
// gathered: nothing goes on the wire.
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const connectionCountCompareParams = z
  .object({
    loadBalancer: z.coerce
      .number()
      .int()
      .min(0)
      .describe("the load balancer's active connections (Cloud Eye)"),
    readAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected the minute as HH:MM (UTC), such as 14:05')
      .describe('the minute (HH:MM, UTC) the load balancer’s figure was read'),
    members: z.coerce.number().int().min(0).describe("the members' established connections, summed"),
    unread: z.coerce
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('members whose connections could not be read (the sum would be short)'),
    tolerancePercent: z.coerce
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe('a difference up to this share of the larger figure (and at least 2 connections) is noise'),
    maxMinutesApart: z.coerce
      .number()
      .int()
      .min(0)
      .max(60)
      .default(5)
      .describe('how far the minute of the figure may be from the time the members were read'),
  })
  .strict();
export type ConnectionCountCompareParams = z.infer<typeof connectionCountCompareParams>;

export const connectionCountCompareData = z
  .object({
    loadBalancer: z.number().int().describe('the loadBalancer parameter'),
    members: z.number().int().describe('the members parameter'),
    difference: z.number().int().describe('loadBalancer − members'),
    tolerance: z.number().int().describe('the largest difference taken as noise, in connections'),
    minutesApart: z.number().int().describe('minutes between readAt and when the comparison ran (UTC)'),
    direction: sometimes(
      'fail',
      z
        .enum(['fewer', 'more'])
        .describe('the members hold fewer, or more, connections than the load balancer counts'),
    ),
  })
  .strict();

export const connectionCountCompareContract = defineContract({
  kind: 'connection-count-compare',
  needs: 'network',
  summary:
    "the load balancer's active connections (Cloud Eye) against the members' sum, within a tolerance (FAQ 6.11)",
  params: connectionCountCompareParams,
  data: connectionCountCompareData,
});
