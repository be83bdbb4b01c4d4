// which-member: who answered each request through a listener (FAQ 1.8, 1.11,
// 3.11). Each member is requested directly first, to learn what tells their
// answers apart; then series of requests through the listener are attributed
// to members: new connections (the shares, tested against the weights), one
// kept-alive connection, several source addresses, and a client that keeps
// the cookies it is given (FAQ 3.11's curl -c/-b method).
import { z } from 'zod';
import { isValidIp } from '../../model/net.js';
import { httpTimingTarget } from './http-timing.js';
import { defineContract, sometimes, vantageField } from './define.js';

const ipAddress = z.string().refine((a) => isValidIp(a), 'not an IP address');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');

export const whichMemberSeries = z.enum(['fresh', 'keepalive', 'sources', 'cookie']);

export const whichMemberParams = z
  .object({
    url: z
      .url({ protocol: /^(https?|tcp)$/i, error: 'url must be an http://, https:// or tcp:// URL' })
      .describe(
        "the listener's URL (tcp://: plain HTTP through a TCP listener); its host is the Host header members are asked with too",
      ),
    targets: z
      .array(httpTimingTarget.extend({ weight: z.coerce.number().min(0).default(1).describe('weight') }))
      .min(1, 'give at least one member')
      .describe('the members, asked directly, e.g. "{{ pool.members }}"'),
    memberScheme: z
      .enum(['http', 'https', 'tcp', 'HTTP', 'HTTPS', 'TCP'])
      .optional()
      .describe("scheme to ask the members with (the pool's protocol; TCP: plain HTTP); the URL's otherwise"),
    header: z
      .union([headerName, z.literal('')])
      .optional()
      .describe('response header that names the member; learnt from the direct answers when empty'),
    series: z
      .array(whichMemberSeries)
      .min(1)
      .default(['fresh'])
      .describe(
        'what to send through the listener: fresh (new connections), keepalive (one connection), sources (one client per source address), cookie (a client that sends back its cookies)',
      ),
    requests: z.coerce
      .number()
      .int()
      .min(4)
      .max(400)
      .default(60)
      .describe('requests in each of the fresh, keepalive and cookie series'),
    sources: z
      .union([
        z.array(ipAddress),
        // A playbook input is one string: "127.0.0.2, 127.0.0.3".
        z
          .string()
          .transform((s) => s.split(/[\s,]+/).filter(Boolean))
          .pipe(z.array(ipAddress)),
      ])
      .default([])
      .describe(
        'local source addresses for the sources series (a list, or one string separated by spaces or commas); empty: 127.0.0.2–127.0.0.9 when the listener is on loopback',
      ),
    cookieName: z
      .string()
      .optional()
      .describe(
        'the cookie stickiness should follow (an application cookie); data.cookie.expectedSeen says if it came',
      ),
    alpha: z.coerce
      .number()
      .gt(0)
      .lt(0.5)
      .default(0.001)
      .describe('significance of the chi-square test of the shares against the weights'),
    insecure: z.boolean().default(true).describe('skip certificate verification'),
    requestTimeoutMs: z.coerce
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(3000)
      .describe('time allowed for one request, ms'),
  })
  .strict();
export type WhichMemberParams = z.infer<typeof whichMemberParams>;

const count = (what: string) => z.number().int().describe(what);

export const whichMemberMember = z
  .object({
    name: z.string().describe('the member'),
    weight: z.number().describe('its weight in the inventory'),
    direct: z.enum(['answered', 'no-answer']).describe('asked directly'),
    reason: sometimes('no-answer', z.string().describe('why it gave no answer directly')),
    mark: sometimes(
      'answered, members told apart',
      z.string().describe('what marks its answers (a header value, or body#digest)'),
    ),
    fresh: count('answers of the fresh series it gave'),
    keepalive: count('answers of the keepalive series it gave'),
    cookie: count('answers of the cookie series it gave'),
    expectedShare: z.number().describe('its share by weight, 0..1'),
    share: z.number().describe('its share of the fresh series, 0..1'),
  })
  .strict();

export const whichMemberData = z
  .object({
    url: z.string().describe('the listener URL'),
    vantage: vantageField,
    identity: z
      .object({
        by: z
          .enum(['header', 'body', 'single', 'none'])
          .describe('what tells members apart: a header, the body, only one member, or nothing'),
        header: sometimes('by header', z.string().describe('the header')),
        detail: z.string().describe('a sentence'),
      })
      .strict()
      .describe('how answers are put down to members'),
    members: z.array(whichMemberMember).describe('each member'),
    noDirect: count('members that gave no answer directly'),
    noDirectNames: z.string().describe('those members with why; empty when none'),
    weightsEqual: z.boolean().describe('every member with a weight above 0 has the same weight'),
    weightedMembers: count('members with a weight above 0'),
    fresh: sometimes(
      'series fresh ran',
      z
        .object({
          requests: count('requests sent, each on a new connection'),
          answered: count('answers'),
          unattributed: count('answers no member mark matched'),
          unattributed2xx: count(
            "of those, answers with a 2xx status: a member the targets do not list (the load balancer's own pages are errors)",
          ),
          distinct: count('members that answered at least once'),
          statistic: z.number().describe("Pearson's chi-square statistic of the shares against the weights"),
          df: count('degrees of freedom'),
          pValue: z.number().describe('probability of shares at least this far from the weights by chance'),
          alpha: z.number().describe('significance the test is read at'),
          verdict: z
            .enum(['as-weighted', 'uneven', 'one-member', 'too-few'])
            .describe(
              'as-weighted: p ≥ alpha; uneven: p < alpha; one-member: every answer from one of several weighted members; too-few: fewer than 10 attributed answers',
            ),
          shares: z.string().describe('e.g. "be1 45 (75%, weight 75%), be2 15 (25%, weight 25%)"'),
        })
        .strict()
        .describe('requests on new connections: the shares, tested against the weights'),
    ),
    keepalive: sometimes(
      'series keepalive ran',
      z
        .object({
          requests: count('requests sent on one kept-alive connection'),
          answered: count('answers'),
          connections: count('connections it took (1 when the listener kept it alive throughout)'),
          distinct: count('members that answered'),
          members: z.string().describe('the members that answered, with counts'),
        })
        .strict()
        .describe('requests on one kept-alive connection'),
    ),
    sources: sometimes(
      'series sources ran',
      z
        .object({
          tried: count('source addresses used'),
          answered: count('source addresses that got an answer'),
          distinct: count('members that answered over all sources'),
          spread: count('source addresses whose answers came from more than one member'),
          perSource: z.string().describe('e.g. "127.0.0.2 → be1, 127.0.0.3 → be2"'),
          skipped: sometimes(
            'none could be used',
            z.string().describe('why (another vantage than local, or no addresses given)'),
          ),
        })
        .strict()
        .describe('a few requests from each of several source addresses'),
    ),
    cookie: sometimes(
      'series cookie ran',
      z
        .object({
          requests: count('requests sent, each on a new connection, with the cookies received so far'),
          answered: count('answers'),
          distinct: count('members that answered'),
          members: z.string().describe('the members that answered, with counts'),
          names: z
            .string()
            .describe('names of the cookies the answers set (values are never kept); empty when none'),
          setCount: count('answers that set a cookie'),
          changing: z
            .boolean()
            .describe(
              'a cookie the same member set again on at least 3 answers in a row, each time to a value other than the one sent',
            ),
          changingNames: z.string().describe('the cookies that change so; empty when none'),
          expectedSeen: sometimes('cookieName given', z.boolean().describe('an answer set cookieName')),
        })
        .strict()
        .describe('a client that sends back the cookies it was given (curl -c/-b)'),
    ),
  })
  .strict();

export const whichMemberContract = defineContract({
  kind: 'which-member',
  needs: 'network',
  summary:
    'which member answered each request through a listener, learnt from direct answers: shares against weights (chi-square), keep-alive, source addresses, cookies kept (FAQ 1.8, 1.11, 3.11)',
  params: whichMemberParams,
  data: whichMemberData,
});
