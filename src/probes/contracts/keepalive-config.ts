// keepalive-config: the backend web server's configured idle keep-alive
// timeout, read from its configuration (FAQ 5.6, 1.5: shorter than the load
// balancer's reuse of idle connections, it yields intermittent 502s). nginx,
// through the allow-listed `nginx -T` read.
import { z } from 'zod';
import { portParam } from '../network-params.js';
import { defineContract, sometimes } from './define.js';

export const keepaliveConfigParams = z
  .object({
    server: z.enum(['nginx']).default('nginx').describe('which web server (nginx: `nginx -T`)'),
    port: portParam.describe("the member's backend port: the server blocks that listen on it are read"),
    lbIdleSeconds: z
      .number()
      .min(1)
      .max(4000)
      .default(60)
      .describe(
        "how long the load balancer may reuse an idle connection, seconds: the listener's keepalive_timeout (FAQ 5.6; 60 by default)",
      ),
  })
  .strict();
export type KeepaliveConfigParams = z.infer<typeof keepaliveConfigParams>;

const setting = z
  .object({
    timeoutSeconds: z.number().describe('idle keep-alive timeout, seconds (0: keep-alive off)'),
    source: z.string().describe('"file:line" of the keepalive_timeout directive, or "nginx default" (75 s)'),
  })
  .strict();

export const keepaliveConfigData = z
  .object({
    server: z.enum(['nginx']).describe('the server parameter'),
    port: z.number().int().describe('the port parameter'),
    lbIdleSeconds: z.number().describe('the lbIdleSeconds parameter'),
    timeoutSeconds: sometimes(
      'pass, fail',
      z.number().describe('the shortest idle keep-alive timeout of the server blocks on the port, seconds'),
    ),
    source: sometimes(
      'pass, fail',
      z.string().describe('where that timeout is set ("file:line" or "nginx default")'),
    ),
    servers: sometimes(
      'the configuration was read',
      z
        .array(
          setting.extend({
            listen: z.string().describe('the listen directive that matched the port, as written'),
            names: z.array(z.string()).describe('server_name values'),
          }),
        )
        .describe('every server block listening on the port, with the keepalive_timeout in effect for it'),
    ),
    http: sometimes(
      'the configuration was read',
      setting.nullable().describe('keepalive_timeout at http level; null: not set there'),
    ),
    locations: sometimes(
      'the configuration was read',
      z
        .array(setting)
        .describe('keepalive_timeout set in location blocks of those servers (overrides for their paths)'),
    ),
  })
  .strict();

export const keepaliveConfigContract = defineContract({
  kind: 'keepalive-config',
  needs: 'host',
  summary:
    "the web server's configured idle keep-alive timeout on a port (nginx -T), against the load balancer's",
  params: keepaliveConfigParams,
  data: keepaliveConfigData,
});
