// listening: is anything listening on the port, on an address the load
// balancer can reach? (FAQ 2.1/2.2)
import { z } from 'zod';
import { ipParam, portNumber } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const listeningParams = z
  .object({
    port: portNumber.describe('the health-check or backend port'),
    protocol: z.enum(['tcp', 'udp']).default('tcp').describe('transport protocol'),
    address: ipParam
      .optional()
      .describe(
        'the member address the load balancer connects to; a socket must be bound to it or to a wildcard',
      ),
  })
  .strict();
export type ListeningParams = z.infer<typeof listeningParams>;

export const listeningSocket = z
  .object({
    protocol: z.enum(['tcp', 'udp']).describe('transport protocol'),
    address: z.string().describe('local address: 0.0.0.0, ::, * (wildcards), 127.0.0.1…'),
    port: z.number().int().describe('local port'),
    device: sometimes('bound to a device (addr%eth0)', z.string().describe('interface')),
    recvQ: sometimes(
      'always from ss and netstat',
      z.number().int().describe('Recv-Q: connections waiting to be accepted'),
    ),
    sendQ: sometimes(
      'always from ss and netstat',
      z.number().int().describe('Send-Q: the backlog limit for listeners'),
    ),
    processes: z
      .array(
        z
          .object({
            name: z.string().describe('process name'),
            pid: sometimes('shown', z.number().int().describe('process id')),
          })
          .strict(),
      )
      .describe('owning processes (empty without privileges)'),
  })
  .strict();

const whenRead = 'pass, fail';

export const listeningData = z
  .object({
    sockets: sometimes(
      whenRead,
      z.array(listeningSocket).describe('listening sockets on that port and protocol'),
    ),
    otherPorts: sometimes(
      whenRead,
      z.array(z.number().int()).describe('every port listened on with that protocol, sorted'),
    ),
  })
  .strict();

export const listeningContract = defineContract({
  kind: 'listening',
  needs: 'host',
  summary: 'a socket listens on port/protocol, on an address the load balancer can reach (ss -ltnup)',
  params: listeningParams,
  data: listeningData,
});
