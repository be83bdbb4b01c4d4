// health-check-log: how much of a backend's own access log is health checks,
// from how many source addresses, how often (FAQ 2.3, 2.5, 2.7).
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const healthCheckLogParams = z
  .object({
    path: z
      .string()
      .regex(/^(\/[A-Za-z0-9_@%+=,:~.-]+)+$/, 'expected an absolute path such as /var/log/nginx/access.log')
      .default('/var/log/nginx/access.log')
      .describe("absolute path of the backend's access log (nginx combined, Apache common or combined)"),
    healthPath: z
      .string()
      .startsWith('/')
      .default('/')
      .describe(
        'the health check path (healthmonitor.url_path): GET and HEAD requests of it are counted as health checks',
      ),
    lines: z.number().int().min(1).max(100_000).default(5000).describe('how many lines to read from the end'),
    maxShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('largest share of the parsed lines that may be health checks before the probe fails'),
    interval: z
      .number()
      .positive()
      .optional()
      .describe(
        'the configured health check interval (healthmonitor.delay), seconds: with it, data.checksPerInterval is reported',
      ),
  })
  .strict();
export type HealthCheckLogParams = z.infer<typeof healthCheckLogParams>;

const seconds = (d: string) => z.number().nullable().describe(`${d}, seconds; null: fewer than two checks`);

export const healthCheckSource = z
  .object({
    address: z.string().describe('the address the requests came from, as the server logged it'),
    checks: z.number().int().describe('health checks from it'),
    medianIntervalSeconds: seconds(
      "median time between two of its checks, at the log's time resolution (whole seconds for nginx combined)",
    ),
    meanIntervalSeconds: seconds('its first-to-last time divided by the intervals between its checks'),
    first: z.string().describe('time of its first check, ISO 8601 UTC'),
    last: z.string().describe('time of its last check, ISO 8601 UTC'),
  })
  .strict();
export type HealthCheckSource = z.infer<typeof healthCheckSource>;

const whenRead = 'pass, fail';
const whenLinesRead = 'pass, fail, error when no line parses';

export const healthCheckLogData = z
  .object({
    path: z.string().describe('the log read'),
    healthPath: z.string().describe('the health check path counted'),
    linesRead: sometimes(
      whenLinesRead,
      z.number().int().describe('non-empty lines read from the end of the log'),
    ),
    parsedLines: sometimes(
      whenRead,
      z.number().int().describe('lines in nginx combined or Apache common/combined format'),
    ),
    unparsedLines: sometimes(whenLinesRead, z.number().int().describe('lines in neither format')),
    unparsedSample: sometimes(
      'some lines did not parse',
      z.array(z.string()).describe('up to 3 of the lines that did not parse, as read'),
    ),
    formats: sometimes(
      whenRead,
      z
        .object({
          combined: z.number().int().describe('lines in combined format (nginx default, Apache combined)'),
          common: z.number().int().describe('lines in common format (Apache common)'),
        })
        .strict()
        .describe('parsed lines by format'),
    ),
    healthChecks: sometimes(
      whenRead,
      z.number().int().describe('GET and HEAD requests whose path (query left out) is healthPath'),
    ),
    share: sometimes(whenRead, z.number().describe('healthChecks / parsedLines, 0 to 1 (three decimals)')),
    sources: sometimes(
      whenRead,
      z
        .array(healthCheckSource)
        .describe(
          'the addresses health checks came from (the checker nodes the member sees, FAQ 2.3), most checks first, at most 50',
        ),
    ),
    sourceCount: sometimes(
      whenRead,
      z.number().int().describe('how many distinct addresses sent health checks'),
    ),
    checksPerMinute: sometimes(
      whenRead,
      z
        .number()
        .nullable()
        .describe(
          'health checks per minute from all sources, over their first-to-last time; null: fewer than two',
        ),
    ),
    meanCheckIntervalSeconds: sometimes(
      whenRead,
      seconds('average time between two consecutive health checks from any source'),
    ),
    checksPerInterval: sometimes(
      'pass, fail, interval given',
      z
        .number()
        .nullable()
        .describe(
          'health checks per configured interval (interval / meanCheckIntervalSeconds): about how many checker nodes are checking; null: fewer than two checks',
        ),
    ),
    spanSeconds: sometimes(
      whenRead,
      z.number().describe('time from the first to the last parsed line, seconds'),
    ),
    from: sometimes(whenRead, z.string().describe('time of the first parsed line, ISO 8601 UTC')),
    to: sometimes(whenRead, z.string().describe('time of the last parsed line, ISO 8601 UTC')),
    timeResolutionSeconds: sometimes(
      whenRead,
      z.number().describe("the log's time resolution: 1 (whole seconds, nginx combined) or 0.001"),
    ),
  })
  .strict();

export const healthCheckLogContract = defineContract({
  kind: 'health-check-log',
  needs: 'host',
  summary:
    "share of a backend's access log that is health checks, their sources and rate (FAQ 2.3, 2.5, 2.7)",
  params: healthCheckLogParams,
  data: healthCheckLogData,
});
