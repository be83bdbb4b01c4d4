// websocket: does an RFC 6455 upgrade handshake get through the load balancer?
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, sometimes, vantageField } from './define.js';
import { tlsVerdictData } from './tls.js';

export const websocketParams = z
  .object({
    url: z
      .url({ protocol: /^wss?$/, error: 'url must be a ws:// or wss:// URL' })
      .optional()
      .describe('full ws:// or wss:// URL; or give host (+ port, scheme, path) instead'),
    host: hostParam.optional().describe('name or IP address, when no url is given'),
    port: portParam.optional().describe('port, when no url is given (default 80, or 443 for wss)'),
    scheme: z
      .enum(['ws', 'wss'])
      .optional()
      .describe('scheme, when no url is given (default wss on port 443, else ws)'),
    path: z
      .string()
      .startsWith('/', 'path must start with "/"')
      .optional()
      .describe('path and query (default /)'),
    hostHeader: z.string().min(1).optional().describe("Host header to send (the URL's host:port otherwise)"),
    origin: z.string().min(1).optional().describe('Origin header to send'),
    subprotocol: z
      .string()
      .min(1)
      .optional()
      .describe('Sec-WebSocket-Protocol to ask for; the server must select it'),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/), z.string())
      .optional()
      .describe('extra request headers'),
    servername: z
      .string()
      .min(1)
      .optional()
      .describe('SNI for wss (default: the Host header name; never an IP)'),
    ca: z.string().optional().describe('PEM of the only CA to trust, for wss'),
    insecure: z
      .boolean()
      .default(false)
      .describe('wss: upgrade despite a bad certificate (data.tls still says what is wrong)'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.url && !p.host)
      ctx.addIssue({ code: 'custom', message: 'give url, or host (and port)', path: ['url'] });
    if (p.url && (p.host || p.port || p.scheme || p.path)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either url or host/port/scheme/path, not both',
        path: ['url'],
      });
    }
  });
export type WebsocketParams = z.infer<typeof websocketParams>;

export const websocketErrorKind = z.enum([
  'refused',
  'timeout',
  'reset',
  'unreachable',
  'dns-error',
  'aborted',
  'error',
  'tls',
  'closed',
  'response-timeout',
  'malformed-response',
  'other',
]);

export const websocketData = z
  .object({
    url: z.string().describe('ws:// or wss:// URL requested (with the Host header as authority)'),
    dialed: z.string().describe('host:port dialled'),
    vantage: vantageField,
    status: sometimes(
      'an HTTP response arrived (pass, fail)',
      z.number().int().describe('HTTP status; 101 to pass'),
    ),
    headers: sometimes(
      'an HTTP response arrived',
      z
        .record(z.string(), z.string())
        .describe('response headers, lower-case names; repeated ones joined with ", "'),
    ),
    handshakeMs: sometimes('an HTTP response arrived', z.number().describe('dial to response head, ms')),
    problems: sometimes(
      'fail with an HTTP response',
      z
        .array(z.string())
        .describe('what is wrong: status, Upgrade or Connection header, Sec-WebSocket-Accept, subprotocol'),
    ),
    tls: sometimes(
      'wss, a handshake was tried',
      tlsVerdictData.describe(
        'the certificate verdict the tls probe gives; a failure fails the upgrade (error.kind tls) unless insecure',
      ),
    ),
    error: sometimes(
      'error (no answer), fail (not HTTP, or TLS failed)',
      z
        .object({
          kind: websocketErrorKind.describe(
            'dial states as tcp reports them (refused, timeout, reset, unreachable, dns-error, aborted, error); tls (handshake failed); reset, closed, response-timeout or aborted while waiting for the head; malformed-response (not HTTP, or a head over 64 KB)',
          ),
        })
        .strict()
        .describe('why no upgrade answer came'),
    ),
  })
  .strict();

export const websocketContract = defineContract({
  kind: 'websocket',
  needs: 'network',
  summary: 'WebSocket upgrade handshake (RFC 6455): 101 with a valid Sec-WebSocket-Accept',
  params: websocketParams,
  data: websocketData,
});
