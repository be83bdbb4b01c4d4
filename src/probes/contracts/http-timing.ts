// http-timing: the same request several times, to one address or to each of
// several (a pool's members, dialled with the listener's Host), with the
// median of each phase (DNS, connect, TLS, first byte, transfer, total): the
// comparison FAQ 1.9 asks for (directly to the members against through the
// load balancer), in one step, since a playbook has no loops.
import { z } from 'zod';
import { httpErrorKind } from './http.js';
import { defineContract, sometimes, vantageField } from './define.js';
import { tlsVerdictData } from './tls.js';

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');

export const httpTimingTarget = z
  .object({
    name: z.string().min(1).optional().describe('what to call it in the report (a member name)'),
    address: z.string().min(1).describe('IP address to dial'),
    protocol_port: z.number().int().min(1).max(65535).describe('port to dial'),
  })
  .describe('an address to dial instead of the URL host (an inventory member: other fields are ignored)');

export const httpTimingParams = z
  .object({
    url: z
      .url({ protocol: /^https?$/i, error: 'url must be an http:// or https:// URL' })
      .describe('the URL to request; its host is the Host header and SNI unless hostHeader says otherwise'),
    targets: z
      .array(httpTimingTarget)
      .optional()
      .describe(
        'dial each of these instead of the URL host, keeping Host and SNI (curl --connect-to), and time each apart; e.g. "{{ pool.members }}"',
      ),
    method: z
      .string()
      .regex(/^[A-Z]+$/, 'method must be upper case letters, e.g. GET')
      .default('GET')
      .describe('request method'),
    hostHeader: z.string().min(1).optional().describe("Host header to send (the URL's host otherwise)"),
    headers: z.record(headerName, z.string()).optional().describe('extra request headers'),
    insecure: z.boolean().default(false).describe('skip certificate verification'),
    ca: z.string().optional().describe('PEM of the only CA to trust'),
    // Numbers may come as text: a playbook passes its inputs ({{ inputs.slow_ms }}) as strings.
    requests: z.coerce
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('requests per target, one after another, each on a new connection'),
    slowMs: z.coerce
      .number()
      .positive()
      .default(1000)
      .describe('a request taking this long or longer (total) is slow, ms'),
    requestTimeoutMs: z.coerce
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(5000)
      .describe(
        "time allowed for each request's connection and response head, ms: past it the request has no answer and the target is not asked again",
      ),
  })
  .strict();
export type HttpTimingParams = z.infer<typeof httpTimingParams>;

const ms = (what: string) => z.number().describe(`${what}, ms`);

export const httpTimingPhases = z
  .object({
    dnsMs: sometimes('the host is a name (local dialer)', ms('name resolution')),
    connectMs: sometimes('a connection opened', ms('TCP handshake')),
    tlsMs: sometimes('https', ms('TLS handshake')),
    firstByteMs: sometimes(
      'a response head arrived',
      ms("connection ready → response head: the server's think time plus one round trip"),
    ),
    transferMs: sometimes(
      'a response arrived',
      ms('response head → end of the body (at most 1 MiB read): the download, where bandwidth shows'),
    ),
    totalMs: sometimes('a response arrived', ms('the whole request')),
  })
  .strict();

const verdict = z
  .enum(['fast', 'slow', 'no-answer'])
  .describe(
    'fast: answered, median total below slowMs; slow: at or above it; no-answer: no request got a response',
  );

export const httpTimingTargetResult = z
  .object({
    name: z
      .string()
      .describe('the target name (a member name), else address:port; the URL host without targets'),
    dialed: z.string().describe('host:port dialled'),
    requests: z.number().int().describe('requests sent (fewer than asked once one got no answer)'),
    answered: z.number().int().describe('requests that got a complete response'),
    statuses: z.array(z.number().int()).describe('status of each answered request, in order'),
    timings: httpTimingPhases.describe('median of each phase over the answered requests'),
    minTotalMs: sometimes('answered > 0', ms('fastest answered request, total')),
    maxTotalMs: sometimes('answered > 0', ms('slowest answered request, total')),
    slowRequests: z.number().int().describe('answered requests at or above slowMs'),
    status5xx: z.number().int().describe('answered requests whose status is 5xx'),
    verdict,
    error: sometimes(
      'a request got no answer (or broke off)',
      z
        .object({
          kind: httpErrorKind.describe(
            'why, in the http probe vocabulary (response-timeout: no head within requestTimeoutMs)',
          ),
          message: z.string().describe('error message'),
        })
        .strict()
        .describe('the first request that failed'),
    ),
  })
  .strict();

export const httpTimingData = z
  .object({
    url: z.string().describe('the URL requested'),
    method: z.string().describe('the request method'),
    vantage: vantageField,
    slowMs: z.number().describe('the slowMs parameter'),
    targets: z
      .array(httpTimingTargetResult)
      .describe('each target (one: the URL host, without targets), in order'),
    timings: httpTimingPhases.describe('median of each phase over every answered request of every target'),
    slowRequests: z.number().int().describe('answered requests at or above slowMs, all targets'),
    status5xx: z.number().int().describe('answered requests whose status is 5xx, all targets'),
    verdict: verdict.describe(
      'over the targets: no-answer when none answered; slow when any target is slow; else fast (a target with no answer among answering ones shows in counts.noAnswer)',
    ),
    counts: z
      .object({
        fast: z.number().int().describe('targets whose median total is below slowMs'),
        slow: z.number().int().describe('targets whose median total is at or above slowMs'),
        noAnswer: z.number().int().describe('targets that answered no request'),
        total: z.number().int().describe('targets'),
      })
      .strict()
      .describe('targets by verdict'),
    slowNames: z
      .string()
      .describe('the slow targets with their median total, e.g. "be2 (1503 ms)"; empty when none'),
    fastNames: z.string().describe('the fast targets with their median total; empty when none'),
    noAnswerNames: z.string().describe('the targets that did not answer, with why; empty when none'),
    slowest: sometimes(
      'a target answered',
      z
        .object({
          name: z.string().describe('the target'),
          totalMs: ms('its median total'),
          firstByteMs: sometimes('known', ms('its median first byte')),
        })
        .strict()
        .describe('the answering target with the largest median total'),
    ),
    fastest: sometimes(
      'a target answered',
      z
        .object({
          name: z.string().describe('the target'),
          totalMs: ms('its median total'),
          firstByteMs: sometimes('known', ms('its median first byte')),
        })
        .strict()
        .describe('the answering target with the smallest median total'),
    ),
    tls: sometimes(
      'https, a handshake was tried',
      tlsVerdictData.describe(
        "the first certificate verdict seen, as the http probe's data.tls (with insecure the requests go on past it)",
      ),
    ),
  })
  .strict();

export const httpTimingContract = defineContract({
  kind: 'http-timing',
  needs: 'network',
  summary:
    'the same HTTP(S) request several times, to one address or each pool member: median DNS, connect, TLS, first byte, transfer, total (FAQ 1.9)',
  params: httpTimingParams,
  data: httpTimingData,
});
