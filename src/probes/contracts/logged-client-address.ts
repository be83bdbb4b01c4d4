// logged-client-address: which client address did the backend's own access
// log record for a request lbdoctor sent through the listener? FAQ 3.9: behind
// a Layer-7 listener the backend sees the load balancer's address unless it
// takes the client's from X-Forwarded-For; its access log shows which.
import { z } from 'zod';
import { cidrParam, SHARED_LB_RANGE } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

export const loggedClientAddressParams = z
  .object({
    path: z
      .string()
      .regex(/^(\/[A-Za-z0-9_@%+=,:~.-]+)+$/, 'expected an absolute path such as /var/log/nginx/access.log')
      .default('/var/log/nginx/access.log')
      .describe("absolute path of the backend's access log (nginx combined, Apache common or combined)"),
    marker: z
      .string()
      .regex(/^\/[A-Za-z0-9_./?=&-]{0,200}$/, 'expected a request path such as /lbdoctor-client-ip')
      .describe(
        'path and query of the request sent through the listener, unique to it (client-ip adds the run id and the listener index): only lines for exactly this are read, the last one counts',
      ),
    proxy: cidrParam
      .default(SHARED_LB_RANGE)
      .describe(
        "the load balancer's range: a logged address inside it is the load balancer's, not the client's",
      ),
    lines: z.number().int().min(1).max(100_000).default(2000).describe('how many lines to read from the end'),
  })
  .strict();
export type LoggedClientAddressParams = z.infer<typeof loggedClientAddressParams>;

const whenFound = 'pass, fail';

export const loggedClientAddressData = z
  .object({
    path: z.string().describe('the log read'),
    marker: z.string().describe('the request path looked for'),
    address: sometimes(
      whenFound,
      z.string().describe('the client address the server logged for that request'),
    ),
    fromProxy: sometimes(
      whenFound,
      z.boolean().describe("the logged address is in the load balancer's range (proxy)"),
    ),
    line: sometimes(whenFound, z.string().describe('the log line, as read')),
    matches: sometimes(
      'pass, fail, skip',
      z.number().int().describe('lines for the marker among those read (0: the request went elsewhere)'),
    ),
    others: sometimes(
      'pass, fail, skip',
      z
        .number()
        .int()
        .describe(
          "lines for the marker's path with another query: earlier runs' or other listeners' requests, never used",
        ),
    ),
  })
  .strict();

export const loggedClientAddressContract = defineContract({
  kind: 'logged-client-address',
  needs: 'host',
  summary:
    "the client address a backend's access log recorded for a request sent through the listener (FAQ 3.9)",
  params: loggedClientAddressParams,
  data: loggedClientAddressData,
});
