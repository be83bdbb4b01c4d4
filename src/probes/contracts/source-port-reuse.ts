// source-port-reuse: does a host use one local address:port for connections
// to several peers? On a client that is FAQ 1.3's fixed source port.
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const sourcePortReuseParams = z
  .object({
    peers: z
      .array(z.string().regex(/^[0-9A-Fa-f.:]{2,45}$/, 'expected an IP address'))
      .optional()
      .describe(
        "count only connections to these addresses (the load balancers' VIPs or EIPs); all without it",
      ),
  })
  .strict();
export type SourcePortReuseParams = z.infer<typeof sourcePortReuseParams>;

const whenRead = 'pass, fail';

export const reusedPort = z
  .object({
    local: z.string().describe('local address:port'),
    peers: z
      .array(
        z
          .object({
            peer: z.string().describe('peer address:port'),
            state: z.string().describe('socket state as ss prints it: ESTAB, SYN-SENT…'),
          })
          .strict(),
      )
      .describe('its connections'),
  })
  .strict();

export const sourcePortReuseData = z
  .object({
    reused: sometimes(
      whenRead,
      z.array(reusedPort).describe('local address:ports (not listening) connected to two or more peers'),
    ),
    sockets: sometimes(
      whenRead,
      z.number().int().describe('outgoing TCP sockets counted (listening ports left out)'),
    ),
  })
  .strict();

export const sourcePortReuseContract = defineContract({
  kind: 'source-port-reuse',
  needs: 'host',
  summary: 'one local port used towards several peers, e.g. a client with a fixed source port (FAQ 1.3)',
  params: sourcePortReuseParams,
  data: sourcePortReuseData,
});
