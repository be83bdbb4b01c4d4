// http: one request through the vantage's Dialer, with the answer and where
// the time went (FAQ 1.5, 1.6).
import { z } from 'zod';
import { isValidIp } from '../../model/net.js';
import { parseStatusExpectation, statusExpectation } from '../http-expect.js';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, dialFailureState, sometimes, vantageField } from './define.js';
import { tlsVerdictData } from './tls.js';

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');

/** "ip", "ip:port" or "[ipv6]:port" (curl --connect-to); undefined when it is none of those. */
export function parseConnectTo(v: string): { host: string; port?: number } | undefined {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(v) ?? /^([^:]+)(?::(\d+))?$/.exec(v);
  if (m?.[1] && isValidIp(m[1])) {
    const port = m[2] === undefined ? undefined : Number(m[2]);
    if (port !== undefined && (port < 1 || port > 65535)) return undefined;
    return { host: m[1], ...(port === undefined ? {} : { port }) };
  }
  if (v.includes(':') && isValidIp(v)) return { host: v };
  return undefined;
}

export const httpParams = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' })
      .optional()
      .describe('full http:// or https:// URL; or give host (+ port, scheme, path) instead'),
    host: hostParam.optional().describe('name or IP address, when no url is given'),
    port: portParam.optional().describe('port, when no url is given (default 80, or 443 for https)'),
    scheme: z
      .enum(['http', 'https'])
      .optional()
      .describe('scheme, when no url is given (default https on port 443, else http)'),
    path: z
      .string()
      .startsWith('/', 'path must start with "/"')
      .optional()
      .describe('path and query (default /)'),
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'method must be upper case letters, e.g. GET')
      .default('GET')
      .describe('request method'),
    hostHeader: z
      .string()
      .min(1)
      .optional()
      .describe("Host header to send (the URL's host otherwise); also the SNI unless servername is set"),
    connectTo: z
      .string()
      .min(1)
      .optional()
      .describe(
        'dial this address ("ip", "ip:port" or "[ipv6]:port") instead, keeping Host and SNI (curl --connect-to)',
      ),
    servername: z.string().min(1).optional().describe('SNI to send (never sent for IP literals)'),
    headers: z.record(headerName, z.string()).optional().describe('extra request headers'),
    cookies: z
      .record(z.string().min(1), z.string())
      .optional()
      .describe('cookies to send, name → value (redacted in the output)'),
    body: z.string().optional().describe('request body'),
    expect: z
      .object({
        status: statusExpectation
          .optional()
          .describe(
            'expected status: 200, "2xx", "200-299,401" or a list of those; any status passes without it',
          ),
      })
      .strict()
      .optional()
      .describe('what the response must look like to pass'),
    bodyBytes: z
      .number()
      .int()
      .min(0)
      .max(1_048_576)
      .default(2048)
      .describe('how much of the body to keep as an excerpt, bytes'),
    insecure: z
      .boolean()
      .default(false)
      .describe('send the request despite a bad certificate (data.tls still says what is wrong with it)'),
    ca: z.string().optional().describe('PEM of the only CA to trust (self-signed labs)'),
    responseTimeoutMs: z
      .number()
      .int()
      .positive()
      // --timeout's own bound: a longer timer overflows and fires at once (a false "timeout").
      .max(600_000)
      .optional()
      .describe(
        'time allowed for the response head after the request is sent, ms; the probe timeout otherwise',
      ),
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
    if (p.connectTo && !parseConnectTo(p.connectTo)) {
      ctx.addIssue({
        code: 'custom',
        message: 'connectTo must be "ip", "ip:port" or "[ipv6]:port"',
        path: ['connectTo'],
      });
    }
    if (p.expect?.status !== undefined) {
      try {
        parseStatusExpectation(p.expect.status);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message, path: ['expect', 'status'] });
      }
    }
  });
export type HttpParams = z.infer<typeof httpParams>;

/** What went wrong, when something did: `data.error.kind` (FAQ 1.5's causes of 502 and 504). */
export const httpErrorKind = z.enum([
  'dns',
  'connect-refused',
  'connect-timeout',
  'unreachable',
  'connect-error',
  'tls',
  'reset-before-response',
  'closed-before-response',
  'response-timeout',
  'malformed-response',
  'reset-mid-body',
  'closed-mid-body',
  'body-timeout',
  'aborted',
  'other',
]);
export type HttpErrorKind = z.infer<typeof httpErrorKind>;

export const httpTimings = z
  .object({
    dnsMs: sometimes('local dialer, host is a name', z.number().describe('name resolution, ms')),
    connectMs: sometimes('the connection opened', z.number().describe('TCP handshake, ms')),
    tlsMs: sometimes('https, handshake done', z.number().describe('TLS handshake, ms')),
    firstByteMs: sometimes(
      'a response head arrived',
      z
        .number()
        .describe("connection ready → response head, ms: the server's think time plus one round trip"),
    ),
    totalMs: z.number().describe('the whole request, ms'),
  })
  .strict();
export type HttpTimings = z.infer<typeof httpTimings>;

export const httpData = z
  .object({
    url: z.string().describe('the URL requested'),
    method: z.string().describe('the request method'),
    vantage: vantageField,
    dialed: z.string().describe('host:port actually dialled (connectTo, else the URL host)'),
    servername: sometimes('https with a host name', z.string().describe('SNI sent')),
    status: sometimes('a response head arrived (pass, fail)', z.number().int().describe('HTTP status code')),
    statusText: sometimes(
      'pass, fail with a complete response, non-empty',
      z.string().describe('reason phrase'),
    ),
    headers: sometimes(
      'a response head arrived (pass, fail)',
      z
        .record(z.string(), z.union([z.string(), z.array(z.string())]))
        .describe('response headers, lower-case names; repeated ones (set-cookie) as a list'),
    ),
    routerCode: sometimes(
      'the response has x-router-code',
      z.string().describe("x-router-code header (FAQ 1.6): the load balancer's own reason for its answer"),
    ),
    body: sometimes(
      'pass, fail (also when the body broke off after some bytes)',
      z.string().describe('body excerpt, UTF-8, at most bodyBytes'),
    ),
    bodyBytesRead: sometimes('like body', z.number().int().describe('body bytes received, bytes')),
    bodyTruncated: sometimes(
      'pass, fail with a complete response',
      z.boolean().describe('the body was longer than bodyBytes and reading stopped'),
    ),
    timings: httpTimings.describe('where the time went'),
    address: sometimes(
      'pass, fail with a complete response, local dialer',
      z.string().describe('IP address dialled'),
    ),
    tlsProtocol: sometimes(
      'https, complete response',
      z.string().describe('negotiated TLS version, e.g. TLSv1.3'),
    ),
    cipher: sometimes('https, complete response', z.string().describe('negotiated cipher suite')),
    tls: sometimes(
      'https, a handshake was tried',
      tlsVerdictData.describe(
        'the certificate verdict the tls probe gives (layer handshake, chain, hostname or ok); a failure fails the request (error.kind tls) unless insecure',
      ),
    ),
    error: sometimes(
      'error (no response), fail (the body broke off, or TLS failed)',
      z
        .object({
          kind: httpErrorKind.describe(
            'why: dns, connect-* and unreachable (dial), tls, *-before-response and response-timeout (no head), malformed-response, *-mid-body and body-timeout (after the head), aborted, other',
          ),
          code: sometimes(
            'the error has a code',
            z.string().describe('error code, e.g. ECONNRESET, UND_ERR_SOCKET'),
          ),
          message: z.string().describe('error message'),
          dialState: sometimes(
            'the dial failed',
            dialFailureState.describe('the dial failure, as tcp reports it in data.state'),
          ),
        })
        .strict()
        .describe('what went wrong'),
    ),
  })
  .strict();

export const httpContract = defineContract({
  kind: 'http',
  needs: 'network',
  summary: 'HTTP(S) request: status, headers (x-router-code, set-cookie), body excerpt, phase timings',
  params: httpParams,
  data: httpData,
});
