// HTTP/HTTPS health check: a GET (or HEAD) for `url_path` with `domain_name`
// as Host, passing when the status is one of the expected codes (FAQ 2.8;
// 2.1 "Checking the Health Check Configuration": a backend that checks the
// Host header needs the domain name). HTTPS checks do not verify the member's
// certificate — ELB does not either — but send SNI when a domain name is set.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { ExpectedCodes } from './expected-codes.js';
import { checkSignal, seconds } from './timeout.js';
import type { CheckResult, CheckTarget } from './types.js';

export interface HttpCheckOptions {
  tls: boolean;
  method: 'GET' | 'HEAD';
  path: string;
  /** Host header; null → the member address (and port when not the scheme's default). */
  domainName: string | null | undefined;
  expected: ExpectedCodes;
  timeoutSeconds: number;
}

export function hostHeader(target: CheckTarget, domainName: string | null | undefined, tls: boolean): string {
  if (domainName) return domainName;
  const host = net.isIPv6(target.address) ? `[${target.address}]` : target.address;
  return target.port === (tls ? 443 : 80) ? host : `${host}:${target.port}`;
}

export function httpCheck(
  target: CheckTarget,
  opts: HttpCheckOptions,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const started = performance.now();
  const scheme = opts.tls ? 'HTTPS' : 'HTTP';
  const where = `${target.address}:${target.port}`;
  const abort = checkSignal(opts.timeoutSeconds, signal);
  const host = hostHeader(target, opts.domainName, opts.tls);
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<CheckResult, 'durationMs' | 'phase'>) => {
      if (done) return;
      done = true;
      abort.removeEventListener('abort', onAbort);
      req.destroy();
      resolve({ ...r, durationMs: performance.now() - started, phase: 'http' });
    };
    const requestOptions: https.RequestOptions = {
      host: target.address,
      port: target.port,
      method: opts.method,
      path: opts.path,
      headers: { Host: host, 'User-Agent': 'lbdoctor-health-check', Connection: 'close' },
      agent: false,
    };
    if (opts.tls) {
      requestOptions.rejectUnauthorized = false;
      if (opts.domainName && !net.isIP(opts.domainName)) requestOptions.servername = opts.domainName;
    }
    const req = (opts.tls ? https : http).request(requestOptions, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      if (opts.expected.accepts(status)) {
        finish({
          outcome: 'pass',
          statusCode: status,
          reason: `${scheme} ${status} on ${opts.path} (Host ${host})`,
        });
      } else {
        finish({
          outcome: 'fail',
          statusCode: status,
          reason: `${scheme} ${status} on ${opts.path} (Host ${host}), expected ${opts.expected.text} (FAQ 2.8)`,
        });
      }
    });
    const onAbort = () =>
      finish(
        signal?.aborted
          ? { outcome: 'error', reason: `${scheme} check of ${where} cancelled` }
          : {
              outcome: 'fail',
              reason: `${scheme} GET ${opts.path} on ${where} got no response within ${seconds(opts.timeoutSeconds)} (FAQ 2.1)`,
            },
      );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const what =
        err.code === 'ECONNREFUSED'
          ? `connection refused: nothing listens on port ${target.port}`
          : err.code === 'ECONNRESET'
            ? 'connection reset by the member'
            : (err.code ?? err.message);
      finish({
        outcome: 'fail',
        reason: `${scheme} check of ${where}${opts.path} failed: ${what} (FAQ 2.1)`,
      });
    });
    if (abort.aborted) return onAbort();
    abort.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}
