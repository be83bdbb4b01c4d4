// access-log-tail: the last lines of an access log, parsed as ELB access-log
// lines where they are (FAQ 1.5, 1.9, 3.8).
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const accessLogTailParams = z
  .object({
    path: z
      .string()
      .regex(/^(\/[A-Za-z0-9_@%+=,:~.-]+)+$/, 'expected an absolute path such as /var/log/nginx/access.log')
      .describe('absolute path of the log file'),
    lines: z.number().int().min(1).max(100_000).default(100).describe('how many lines to read from the end'),
  })
  .strict();
export type AccessLogTailParams = z.infer<typeof accessLogTailParams>;

const str = (d: string) => z.string().nullable().describe(`${d}; null: "-"`);
const num = (d: string) => z.number().nullable().describe(`${d}; null: "-"`);

/** One ELB access-log line (src/accesslog/elb-line.ts ElbAccessLogRecord). */
export const elbAccessLogRecord = z
  .object({
    msec: z.number().describe('write time, epoch seconds with millisecond fraction'),
    topicId: str('access-log topic id'),
    time: z.string().describe('$time_iso8601 as written'),
    logVersion: z.string().describe('log format version, e.g. elb_01'),
    clientAddress: z.string().describe('client address'),
    clientPort: num('client port'),
    status: z
      .number()
      .int()
      .describe('what the load balancer answered the client (499: the client left first)'),
    method: z.string().describe('request method'),
    scheme: z.string().describe('request scheme'),
    host: z.string().describe('request host'),
    uri: z.string().describe('request path and query'),
    protocol: z.string().describe('HTTP version'),
    requestLength: num('request length, bytes'),
    bytesSent: num('bytes sent to the client'),
    bodyBytesSent: num('body bytes sent to the client'),
    requestTime: num('request time, seconds'),
    upstream: z
      .array(
        z
          .object({
            status: num('backend status (no response: null)'),
            connectTime: num('connect time, seconds'),
            headerTime: num('time to the response head, seconds'),
            responseTime: num('time to the whole response, seconds'),
            addr: z.string().describe('address:port of the member tried'),
          })
          .strict(),
      )
      .describe('one entry per backend attempt; empty when the load balancer answered by itself (FAQ 7.8)'),
    userAgent: str('User-Agent'),
    referer: str('Referer'),
    xForwardedFor: str('X-Forwarded-For'),
    lbName: str('load balancer name'),
    listenerName: str('listener name'),
    listenerId: str('listener id'),
    poolName: str('pool name'),
    memberName: str('member name'),
    tenantId: str('tenant id'),
    eipAddress: str('EIP address'),
    eipPort: num('EIP port'),
    upstreamAddrPriv: str('private upstream address'),
    certificateId: str('certificate id'),
    sslProtocol: str('TLS version with the client'),
    sslCipher: str('TLS cipher with the client'),
    sniDomainName: str('SNI the client sent'),
    tcpinfoRtt: num('client connection round-trip time, microseconds'),
    selfDefinedHeader: str('self-defined header'),
  })
  .strict();

export const accessLogTailData = z
  .object({
    format: sometimes(
      'pass',
      z
        .enum(['elb', 'raw'])
        .describe('elb: at least one line parsed as an ELB access-log line; raw: none did'),
    ),
    records: sometimes('format elb', z.array(elbAccessLogRecord).describe('the lines that parsed')),
    unreadableLines: sometimes('format elb', z.number().int().describe('lines that did not parse')),
    statuses: sometimes(
      'format elb',
      z.record(z.string(), z.number().int()).describe('count of records by status'),
    ),
    lines: sometimes(
      'pass',
      z
        .union([z.number().int(), z.array(z.string())])
        .describe(
          'format elb: the number of non-empty lines read; format raw: the non-empty lines themselves',
        ),
    ),
  })
  .strict();

export const accessLogTailContract = defineContract({
  kind: 'access-log-tail',
  needs: 'host',
  summary: 'the last N lines of an access log (ELB-format lines parsed)',
  params: accessLogTailParams,
  data: accessLogTailData,
});
