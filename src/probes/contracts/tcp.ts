// tcp: can this vantage open a TCP connection to host:port? (FAQ 1.2, 2.1/2.2)
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, dialState, sometimes, vantageField } from './define.js';

export const tcpParams = z
  .object({
    host: hostParam.describe('name or IP address to connect to'),
    port: portParam.describe('TCP port'),
  })
  .strict();
export type TcpParams = z.infer<typeof tcpParams>;

export const tcpData = z
  .object({
    host: z.string().describe('the host parameter, as given'),
    port: z.number().int().describe('the port parameter'),
    vantage: vantageField,
    state: dialState.describe(
      'how the dial ended: open (pass); refused (RST), timeout (SYN dropped), reset (accepted then reset) (fail); unreachable, dns-error, aborted, error (error)',
    ),
    connectMs: sometimes(
      'pass',
      z
        .number()
        .describe('TCP handshake time, ms (the whole dial when the dialer does not time phases, e.g. SSH)'),
    ),
    dnsMs: sometimes('pass, local dialer, host is a name', z.number().describe('name resolution time, ms')),
    address: sometimes('pass, local dialer', z.string().describe('the IP address actually dialled')),
    code: sometimes(
      'fail, error, when the failure has a code',
      z.string().describe('errno-style code: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, EHOSTUNREACH…'),
    ),
    message: sometimes('fail, error', z.string().describe("the dialer's error message")),
  })
  .strict();

export const tcpContract = defineContract({
  kind: 'tcp',
  needs: 'network',
  summary: 'TCP connect to host:port: open, refused (RST), timeout (dropped), unreachable or DNS failure',
  params: tcpParams,
  data: tcpData,
});
