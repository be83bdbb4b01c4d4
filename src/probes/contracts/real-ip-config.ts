// real-ip-config: does the web server take the client address from
// X-Forwarded-For, trusting only the load balancer's range? (FAQ 3.9)
import { z } from 'zod';
import { cidrParam, SHARED_LB_RANGE } from '../host-params.js';
import { defineContract, sometimes } from './define.js';

const configPath = z
  .string()
  .regex(/^(\/[A-Za-z0-9_@%+=,:~.-]+)+$/, 'expected an absolute path such as /etc/nginx/nginx.conf');

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected a header name such as X-Forwarded-For');

export const realIpConfigParams = z
  .object({
    server: z.enum(['nginx', 'apache', 'tomcat']).describe('which web server'),
    path: configPath
      .optional()
      .describe(
        'config file, read with the files it includes; nginx without it reads `nginx -T`, Apache defaults to /etc/httpd/conf/httpd.conf, Tomcat needs server.xml',
      ),
    proxy: cidrParam
      .default(SHARED_LB_RANGE)
      .describe("the load balancer's range: 100.125.0.0/16 for shared, the LB subnet for dedicated"),
    header: z
      .union([headerName, z.array(headerName).min(1).max(8)])
      .default(['X-Forwarded-For', 'X-Real-IP'])
      .describe(
        'header(s) the client address may be taken from: the load balancer sets both X-Forwarded-For and X-Real-IP (FAQ 5.1)',
      ),
  })
  .strict()
  .refine((p) => p.server !== 'tomcat' || p.path !== undefined, {
    message: 'Tomcat needs the path of server.xml, e.g. /usr/tomcat/tomcat8/conf/server.xml',
    path: ['path'],
  });
export type RealIpConfigParams = z.infer<typeof realIpConfigParams>;

export const realIpConfig = z
  .object({
    server: z.enum(['nginx', 'apache', 'tomcat']).describe('which web server'),
    header: sometimes(
      'configured',
      z
        .string()
        .describe(
          'header the server reads the client address from (real_ip_header, RemoteIPHeader, remoteIpHeader)',
        ),
    ),
    trusted: z.array(z.string()).describe('proxies trusted to set it: CIDRs or addresses (nginx, Apache)'),
    trustedRegex: sometimes(
      'tomcat',
      z
        .object({
          pattern: z.string().describe('internalProxies regular expression'),
          isDefault: z.boolean().describe("left at Tomcat's built-in value"),
        })
        .strict()
        .describe('Tomcat RemoteIpValve internalProxies'),
    ),
    sources: z.array(z.string()).describe('where each finding came from, "file:line"'),
    logsForwardedFor: sometimes(
      'tomcat',
      z.boolean().describe('an AccessLogValve logs %{X-Forwarded-For}i (FAQ 3.9)'),
    ),
    moduleLoaded: sometimes('apache', z.boolean().describe('mod_remoteip is loaded in this text')),
  })
  .strict();

const whenRead = 'pass, fail, error when trust cannot be judged';

export const realIpConfigData = z
  .object({
    config: sometimes(whenRead, realIpConfig.describe('what the configuration says')),
    proxyTrusted: sometimes(
      whenRead,
      z.enum(['yes', 'no', 'partial', 'unknown']).describe('is the proxy range trusted to set the header'),
    ),
    headerOk: sometimes(
      whenRead,
      z.boolean().describe('the configured header is one of the header parameter'),
    ),
    files: sometimes(
      'nginx or apache given a file',
      z
        .array(z.string())
        .describe(
          'files read: the given one, then what it includes (Include, IncludeOptional, include), in order',
        ),
    ),
    notRead: sometimes(
      'nginx or apache given a file',
      z
        .array(z.string())
        .describe('includes not followed, "file:line: pattern: why" (a negative answer then is error)'),
    ),
  })
  .strict();

export const realIpConfigContract = defineContract({
  kind: 'real-ip-config',
  needs: 'host',
  summary:
    'web server takes the client IP from X-Forwarded-For, trusting the LB range (nginx/Apache/Tomcat, FAQ 3.9)',
  params: realIpConfigParams,
  data: realIpConfigData,
});
