// access-log-summary: an ELB access log on this machine, summarised by the
// `lbdoctor logs` library (src/logs) into what the playbooks that read logs
// branch on: who answered (FAQ 1.5, 7.8), how slow (3.8, 1.9), the 499s and
// what they were waiting for (7.9), bursts, slow members and paths, retries.
// Nothing goes on the wire: the observation is of the file.
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const accessLogSummaryParams = z
  .object({
    path: z
      .string()
      .min(1)
      .describe(
        'the access log to read on this machine (a playbook passes a file input: {{ inputs.access_log }}); plain or gzip',
      ),
    healthCheckPaths: z
      .array(z.string().startsWith('/'))
      .optional()
      .describe("health-check paths besides the usual ones (/health, /healthz…), e.g. the pool's url_path"),
    maxSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe(
        'time allowed for reading the log, on top of --timeout, seconds (a day of logs takes a while)',
      ),
  })
  .strict();
export type AccessLogSummaryParams = z.infer<typeof accessLogSummaryParams>;

const whenRead = 'pass';
const seconds = (what: string) => z.number().nullable().describe(`${what}, seconds; null: no value`);

/** p50/p90/p99/max/mean of one field (DDSketch: within 1 %; max exact). */
const percentiles = (unit: string) =>
  z
    .object({
      count: z.number().int().describe('values seen'),
      p50: z.number().nullable().describe(`median, ${unit}; null: no value`),
      p90: z.number().nullable().describe(`90th percentile, ${unit}; null: no value`),
      p99: z.number().nullable().describe(`99th percentile, ${unit}; null: no value`),
      max: z.number().nullable().describe(`largest, ${unit}; null: no value`),
      mean: z.number().nullable().describe(`mean, ${unit}; null: no value`),
    })
    .strict();

const timeWindow = z
  .object({
    start: z.string().describe("window start, ISO 8601 in the log's own offset"),
    end: z.string().describe('window end'),
    count: z.number().int().describe('lines of the code in the window'),
    lines: z.number().int().describe('lines in the window, all statuses'),
    share: z.number().describe('count / lines'),
  })
  .strict();

const burstReport = (code: string) =>
  z
    .object({
      threshold: z
        .number()
        .int()
        .describe(
          `a window is part of a burst with at least this many ${code} lines (5, or 3× the median window) and twice the log's share`,
        ),
      worstWindows: z.array(timeWindow).describe(`the three windows with most ${code} lines`),
      bursts: z
        .array(timeWindow.extend({ peak: timeWindow.describe('its busiest window') }))
        .describe(`runs of hot windows, largest first, at most 5`),
    })
    .strict();

const lines = (what: string) => z.number().int().describe(what);

const statusClasses = z
  .object({
    '2xx': lines('its 2xx answers'),
    '3xx': lines('its 3xx answers'),
    '4xx': lines('its 4xx answers'),
    '5xx': lines('its own 5xx answers'),
  })
  .strict();

export const accessLogSummaryData = z
  .object({
    path: z.string().describe('the file read'),
    lines: sometimes(
      whenRead,
      z
        .object({
          total: z.number().int().describe('lines in the file, blank ones included'),
          records: z.number().int().describe('lines in the ELB layout'),
          bad: z.number().int().describe('lines not in the layout (counted, left out)'),
        })
        .strict()
        .describe('what was read'),
    ),
    time: sometimes(
      whenRead,
      z
        .object({
          first: z.string().nullable().describe("first line's time, ISO 8601 in the log's offset"),
          last: z.string().nullable().describe("last line's time"),
          spanSeconds: z.number().describe('first to last, seconds'),
        })
        .strict()
        .describe('the time the log covers'),
    ),
    status: sometimes(
      whenRead,
      z
        .object({
          codes: z
            .array(
              z
                .object({
                  code: z.number().int().describe('status sent to the client'),
                  count: z.number().int().describe('lines with it'),
                  share: z.number().describe('count / records'),
                  loadBalancer: z.number().int().describe('of them, made by the load balancer (FAQ 7.8)'),
                  backend: z.number().int().describe("of them, the backend's own answer passed on"),
                })
                .strict(),
            )
            .describe('every status code, most lines first'),
          classes: z
            .object({
              '1xx': lines('1xx lines'),
              '2xx': lines('2xx lines'),
              '3xx': lines('3xx lines'),
              '4xx': lines('4xx lines, 499 included'),
              '5xx': lines('5xx lines'),
            })
            .strict()
            .describe('lines by status class (4xx includes 499)'),
          answeredBy: z
            .object({
              loadBalancer: z
                .number()
                .int()
                .describe('lines the load balancer answered itself (499 included)'),
              backend: z.number().int().describe('lines whose status is the last upstream_status'),
            })
            .strict()
            .describe('who made each status, by the rules of docs/logs.md (FAQ 1.5, 7.8)'),
          count5xx: z.number().int().describe('5xx lines'),
          share5xx: z.number().describe('5xx lines / records'),
          lb5xx: z
            .number()
            .int()
            .describe('5xx lines the load balancer made (no backend status, or replaced)'),
        })
        .strict()
        .describe('status codes and who made them'),
    ),
    latency: sometimes(
      whenRead,
      z
        .object({
          requestTime: percentiles('seconds').describe('request_time of every line (FAQ 3.8)'),
          upstreamConnectTime: percentiles('seconds').describe('upstream_connect_time, one value per try'),
          upstreamHeaderTime: percentiles('seconds').describe(
            'upstream_header_time, one value per try that got a response head: how long the backends took to start answering',
          ),
          upstreamResponseTime: percentiles('seconds').describe('upstream_response_time, one value per try'),
          tcpinfoRttMs: percentiles('ms').describe("tcpinfo_rtt: the client connection's round-trip time"),
        })
        .strict()
        .describe('time percentiles over the whole log'),
    ),
    clientClosed: sometimes(
      whenRead,
      z
        .object({
          count: z
            .number()
            .int()
            .describe('499 lines: the client closed the connection before the answer (FAQ 7.9)'),
          share: z.number().describe('499 lines / records'),
          waitingForBackend: z
            .number()
            .int()
            .describe(
              '499s whose last try had no status and no header time: the backend had not started answering',
            ),
          duringResponse: z
            .number()
            .int()
            .describe(
              '499s whose backend had answered (a status or header time): the client left during the answer',
            ),
          beforeUpstream: z.number().int().describe('499s with no backend tried at all'),
          waitingShare: z.number().describe('waitingForBackend / count (0 when there are no 499s)'),
          waitingOn: z
            .array(
              z
                .object({
                  address: z.string().describe('upstream_addr'),
                  name: z.string().nullable().describe('member_name, when the log names it'),
                  count: z.number().int().describe('499s left waiting on it'),
                })
                .strict(),
            )
            .describe('the members the waiting 499s were waiting on, most first, at most 10'),
          requestTime: percentiles('seconds').describe(
            'request_time of the 499 lines: how long the clients waited',
          ),
          upstreamResponseTime: percentiles('seconds').describe(
            'upstream_response_time of their last try (nginx writes the time waited; the reference LB "-")',
          ),
          tcpinfoRttMs: percentiles('ms').describe('tcpinfo_rtt of the 499 lines'),
          clientTimeoutSeconds: seconds(
            'the request_time most 499s share (≥ 10 of them, p10 to p90 within 10 % of the median): a client-side timeout',
          ),
          requestTimeSpread: z
            .number()
            .nullable()
            .describe(
              "p90 / p50 of the 499s' request_time, two decimals: near 1 when the clients give up at one time (a timeout); null: no 499 or p50 0",
            ),
          upstreamShare: z
            .number()
            .nullable()
            .describe(
              "p50 of the 499s' upstream_response_time / p50 of their request_time, two decimals: near 1 when the wait was all backend; null: no upstream times",
            ),
          rttRatio: z
            .number()
            .nullable()
            .describe(
              "p50 tcpinfo_rtt of the 499s / p50 of all lines, two decimals; null: no RTT logged, or all lines' p50 is 0",
            ),
          slowNetwork: z
            .boolean()
            .describe(
              "the 499s' tcpinfo_rtt p50 is at least twice all lines' and 50 ms more (the rule of the logs finding clients-on-slow-network, without its 10-line minimum; FAQ 7.9)",
            ),
        })
        .strict()
        .describe('the 499 lines (FAQ 7.9): what the clients were waiting for, and how long'),
    ),
    bursts: sometimes(
      whenRead,
      z
        .object({
          windowSeconds: z.number().describe('width of the time windows, seconds'),
          '499': burstReport('499').describe('499 lines over time'),
          '5xx': burstReport('5xx').describe('5xx lines over time'),
        })
        .strict()
        .describe('499 and 5xx bursts over time (docs/logs.md)'),
    ),
    members: sometimes(
      whenRead,
      z
        .object({
          distinct: z.number().int().describe('distinct upstream addresses'),
          slowest: z
            .array(
              z
                .object({
                  address: z.string().describe('upstream_addr'),
                  name: z.string().nullable().describe('member_name, when the log names it'),
                  attempts: z
                    .number()
                    .int()
                    .describe('tries sent to it (a retried line counts once per try)'),
                  noStatus: z
                    .number()
                    .int()
                    .describe('tries with no status: refused, reset or timed out (499s left out)'),
                  abandoned: z.number().int().describe('tries a 499 left waiting on it'),
                  status: statusClasses.describe('its own answers by class'),
                  upstreamResponseTime: percentiles('seconds').describe('its upstream_response_time'),
                })
                .strict(),
            )
            .describe('members by upstream_response_time p99, slowest first, at most 10'),
        })
        .strict()
        .describe('the backends the log names'),
    ),
    paths: sometimes(
      whenRead,
      z
        .object({
          distinct: z.number().int().describe('distinct paths (query dropped, ids folded to {id})'),
          minCount: z.number().int().describe('lines a path needs to be ranked'),
          slowest: z
            .array(
              z
                .object({
                  path: z.string().describe('the path, query dropped, identifiers as {id}'),
                  count: z.number().int().describe('lines'),
                  '5xx': z.number().int().describe('5xx lines'),
                  '499': z.number().int().describe('499 lines'),
                  requestTime: percentiles('seconds').describe('its request_time'),
                })
                .strict(),
            )
            .describe('paths by request_time p99, slowest first, at most 10'),
        })
        .strict()
        .describe('the paths requested'),
    ),
    retries: sometimes(
      whenRead,
      z
        .object({
          lines: z.number().int().describe('lines with several upstream tries (FAQ 1.9 step 4, 3.8)'),
          share: z.number().describe('retried lines / records'),
          attempts: z
            .object({
              '2': lines('lines tried on 2 members'),
              '3': lines('lines tried on 3'),
              '4+': lines('lines tried on 4 or more'),
            })
            .strict()
            .describe('retried lines by number of tries'),
          endedIn: z
            .object({
              '2xx': lines('ended 2xx'),
              '3xx': lines('ended 3xx'),
              '4xx': lines('ended 4xx other than 499'),
              '499': lines('ended 499'),
              '5xx': lines('ended 5xx'),
              other: lines('ended otherwise'),
            })
            .strict()
            .describe('how the retried lines ended'),
          routes: z
            .array(
              z
                .object({
                  from: z.string().describe('first member tried'),
                  to: z.string().describe('last member tried'),
                  count: lines('retried lines that went this way'),
                })
                .strict(),
            )
            .describe('the most common first → last member, at most 10'),
        })
        .strict()
        .describe('requests the load balancer sent to more than one member'),
    ),
    findings: sometimes(
      whenRead,
      z
        .array(
          z
            .object({
              id: z.string().describe('stable id (docs/logs.md, Findings)'),
              severity: z.enum(['warn', 'info']).describe('how much it matters'),
              faq: z.array(z.string()).describe('FAQ sections'),
              message: z.string().describe('a sentence with the numbers in it'),
            })
            .strict(),
        )
        .describe('what `lbdoctor logs` concludes from the same numbers'),
    ),
    error: sometimes(
      'error',
      z.string().describe('why the log could not be summarised (unreadable, not the ELB layout, no lines)'),
    ),
  })
  .strict();

export const accessLogSummaryContract = defineContract({
  kind: 'access-log-summary',
  needs: 'network',
  summary:
    'an ELB access log on this machine, summarised: who answered, 499s, bursts, latency, slow members and paths, retries (FAQ 3.8, 7.9)',
  params: accessLogSummaryParams,
  data: accessLogSummaryData,
});
