// http-keepalive: how long does a backend keep an idle keep-alive connection
// open? (FAQ 5.6, 1.5: a backend that closes idle connections sooner than the
// load balancer stops reusing them races the load balancer's next request on
// that connection, and the client gets an intermittent 502.)
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, dialFailureState, sometimes, vantageField } from './define.js';
import { httpErrorKind } from './http.js';
import { tlsVerdictData } from './tls.js';

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
/** A header value as written on the wire: no CR, LF or NUL (they would end or split the line). */
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'a header value must not hold CR, LF or NUL');

export const httpKeepaliveParams = z
  .object({
    host: hostParam.describe('name or IP address to connect to (the member)'),
    port: portParam.describe('TCP port'),
    protocol: z
      .enum(['HTTP', 'HTTPS'])
      .default('HTTP')
      .describe(
        "HTTP or HTTPS, as the pool's protocol or the listener's says; over HTTPS the certificate is judged as the tls probe judges it (data.tls)",
      ),
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'method must be upper case letters, e.g. GET')
      .default('GET')
      .describe('request method'),
    path: z
      .string()
      .regex(/^\/[^\s]*$/, 'path must start with "/" and hold no whitespace')
      .default('/')
      .describe('path and query'),
    hostHeader: headerValue
      .min(1)
      .optional()
      .describe('Host header to send (default host:port); also the SNI when it is a name'),
    headers: z
      .record(headerName, headerValue)
      .optional()
      .describe(
        'extra request headers, written as given: unlike the http probe, Transfer-Encoding is sent too (FAQ 1.5: 501)',
      ),
    body: z.string().optional().describe('request body (Content-Length is added unless headers frame it)'),
    insecure: z
      .boolean()
      .default(false)
      .describe(
        'go on despite a bad certificate, as a load balancer that does not verify its members does (data.tls still says what is wrong with it)',
      ),
    ca: z.string().optional().describe('PEM of the only CA to trust (self-signed labs)'),
    lbIdleSeconds: z
      .number()
      .min(1)
      .max(4000)
      .default(60)
      .describe(
        "how long the load balancer may reuse an idle connection to the member, seconds: the listener's keepalive_timeout (FAQ 5.6; 60 by default)",
      ),
    maxIdleSeconds: z
      .number()
      .min(0)
      .max(4000)
      .default(75)
      .describe(
        'longest idle hold, seconds: the connection is held lbIdleSeconds + 1 s, at most this long; 0 sends the request and holds nothing',
      ),
  })
  .strict();
export type HttpKeepaliveParams = z.infer<typeof httpKeepaliveParams>;

export const httpKeepaliveVerdict = z.enum([
  'shorter',
  'longer',
  'not-persistent',
  'not-measured',
  'not-held',
]);
export type HttpKeepaliveVerdict = z.infer<typeof httpKeepaliveVerdict>;

export const httpKeepaliveData = z
  .object({
    host: z.string().describe('the host parameter'),
    port: z.number().int().describe('the port parameter'),
    vantage: vantageField,
    request: z.string().describe('the request line and Host sent, e.g. "GET / HTTP/1.1, Host: 10.0.0.5:80"'),
    state: sometimes(
      'the dial failed',
      dialFailureState.describe('how the dial failed, as tcp reports it in data.state'),
    ),
    status: sometimes('a complete response arrived', z.number().int().describe('HTTP status code')),
    statusText: sometimes('a complete response with a reason phrase', z.string().describe('reason phrase')),
    httpVersion: sometimes('a complete response arrived', z.string().describe('"1.1" or "1.0"')),
    headers: sometimes(
      'a complete response arrived',
      z
        .record(z.string(), z.union([z.string(), z.array(z.string())]))
        .describe('response headers, lower-case names; repeated ones as a list'),
    ),
    routerCode: sometimes(
      'the response has x-router-code',
      z.string().describe("x-router-code header (FAQ 1.6): the load balancer's own reason for its answer"),
    ),
    body: sometimes(
      'a complete response arrived',
      z.string().describe('body excerpt, UTF-8, at most 2048 bytes'),
    ),
    bodyBytesRead: sometimes('a complete response arrived', z.number().int().describe('body bytes received')),
    keepAliveTimeout: sometimes(
      'the response has Keep-Alive: timeout=N',
      z.number().describe('the idle timeout the member announces in its Keep-Alive header, seconds'),
    ),
    persistent: sometimes(
      'a complete response arrived',
      z
        .boolean()
        .describe(
          'the response lets the connection be reused (HTTP/1.1 without Connection: close, a framed body)',
        ),
    ),
    ended: sometimes(
      'a persistent response arrived and was held',
      z
        .enum(['fin', 'reset', 'open'])
        .describe(
          'how the idle connection ended: fin (the member closed it), reset (RST), open (still open)',
        ),
    ),
    idleMs: sometimes(
      'ended is fin or reset',
      z.number().describe('idle time from the end of the response to the close, ms'),
    ),
    idleSeconds: sometimes(
      'ended is fin or reset',
      z.number().describe('idleMs in seconds, to a tenth, for people'),
    ),
    heldMs: sometimes('a persistent response arrived', z.number().describe('how long it was held idle, ms')),
    tls: sometimes(
      'HTTPS, once the handshake was tried',
      tlsVerdictData.describe(
        'the certificate verdict the tls probe gives (layer handshake, chain, hostname or ok); a failure fails the probe (error.kind tls) unless insecure',
      ),
    ),
    lbIdleSeconds: z.number().describe('the lbIdleSeconds parameter'),
    holdSeconds: z
      .number()
      .describe('the longest idle hold: lbIdleSeconds + 1, at most maxIdleSeconds, seconds'),
    verdict: sometimes(
      'a complete response arrived',
      httpKeepaliveVerdict.describe(
        'shorter: the member closed the idle connection within lbIdleSeconds + 1 s (fail, FAQ 5.6 race); longer: open past it (pass); not-persistent: the response closes the connection, nothing to reuse (pass); not-measured: held maxIdleSeconds only, short of lbIdleSeconds (error); not-held: maxIdleSeconds 0 (pass)',
      ),
    ),
    timings: z
      .object({
        connectMs: sometimes('the connection opened', z.number().describe('TCP connect (and TLS), ms')),
        responseMs: sometimes(
          'a complete response arrived',
          z.number().describe('request sent → response complete, ms'),
        ),
      })
      .strict()
      .describe('where the time went before the hold'),
    error: sometimes(
      'no complete response before the hold (a bad certificate included)',
      z
        .object({
          kind: httpErrorKind.describe(
            'why there is no complete response, in the http probe vocabulary: connect-*, tls, *-before-response, response-timeout, malformed-response, *-mid-body, body-timeout, aborted, other',
          ),
          code: sometimes('the error has a code', z.string().describe('error code, e.g. ECONNRESET')),
          message: z.string().describe('error message'),
        })
        .strict()
        .describe('what went wrong'),
    ),
  })
  .strict();

export const httpKeepaliveContract = defineContract({
  kind: 'http-keepalive',
  needs: 'network',
  summary:
    'send one keep-alive HTTP/1.1 request, read the whole response, hold the connection idle and time when the server closes it (FAQ 5.6 race)',
  params: httpKeepaliveParams,
  data: httpKeepaliveData,
});
