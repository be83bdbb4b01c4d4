// Answers the load balancer gives by itself, never a backend (FAQ 1.5, 1.6,
// 7.8). They look like ELB's: a short HTML page naming the status, and the
// x-router-code header where FAQ 1.6 says ELB sets one. The page's footer line
// ("elb") is how a person or a probe tells them apart from a backend page.
import { STATUS_CODES } from 'node:http';

/** FAQ 1.6 Table 1-6. */
export const RouterCode = {
  /** The default pool has no members, or no policy matched and there is no default pool. */
  defaultPoolEmpty: '40000',
  /** The matched forwarding policy's pool has no members. */
  policyPoolEmpty: '40001',
  /** Every member is unhealthy (or weight 0 / admin down). */
  allMembersUnavailable: '50000',
  /** The configuration is still loading. */
  configurationLoading: '50001',
} as const;
export type RouterCode = (typeof RouterCode)[keyof typeof RouterCode];

/** The footer marking an LB-generated page. */
export const LB_PAGE_MARK = '<center>elb</center>';

export function lbPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr>${LB_PAGE_MARK}\r\n</body>\r\n</html>\r\n`;
}

export interface LbAnswerOptions {
  routerCode?: RouterCode;
  /** Close the client connection afterwards (framing unknown, or the request body was not read). */
  close?: boolean;
  /** For the access log and metrics: why the LB answered. */
  reason?: string;
  /** The request was HEAD: headers only. */
  head?: boolean;
}

/** The answer as the bytes to write on the client connection (latin1; the page is ASCII). */
export function lbAnswer(status: number, opts: LbAnswerOptions = {}): string {
  const body = lbPage(status);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'content-type: text/html\r\n' +
    (opts.routerCode ? `x-router-code: ${opts.routerCode}\r\n` : '') +
    `content-length: ${body.length}\r\n` +
    (opts.close ? 'connection: close\r\n\r\n' : '\r\n') +
    (opts.head ? '' : body)
  );
}
