// tcp-idle: does the load balancer reset a TCP connection left idle? (FAQ 1.4
// step 3, 5.6: a TCP listener's idle timeout, 300 s by default, ends quiet
// connections with an RST.)
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, dialState, sometimes, vantageField } from './define.js';

export const tcpIdleParams = z
  .object({
    host: hostParam.describe('name or IP address to connect to (the listener)'),
    port: portParam.describe('TCP port'),
    idleTimeout: z
      .number()
      .min(1)
      .max(330)
      .describe("the listener's idle timeout, seconds: the connection is held silent that long plus 3 s"),
  })
  .strict();
export type TcpIdleParams = z.infer<typeof tcpIdleParams>;

export const tcpIdleData = z
  .object({
    host: z.string().describe('the host parameter'),
    port: z.number().int().describe('the port parameter'),
    vantage: vantageField,
    state: sometimes(
      'the dial did not open',
      dialState.describe('how the dial failed (see tcp): the idle hold could not start'),
    ),
    ended: sometimes(
      'the connection opened',
      z
        .enum(['reset', 'closed', 'open'])
        .describe('reset: an RST ended it; closed: a FIN; open: still open after the hold'),
    ),
    afterMs: sometimes('ended is reset or closed', z.number().describe('idle time before it ended, ms')),
    heldMs: sometimes('the connection opened', z.number().describe('how long it was held, ms')),
  })
  .strict();

export const tcpIdleContract = defineContract({
  kind: 'tcp-idle',
  needs: 'network',
  summary: 'hold a TCP connection idle and report whether and when the far end resets or closes it',
  params: tcpIdleParams,
  data: tcpIdleData,
});
