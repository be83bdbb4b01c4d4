// Access logs for the log-summary tests: the documented example lines, and
// lines from the committed generator (scripts/gen-access-log.mjs).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const GENERATOR = fileURLToPath(new URL('../../../scripts/gen-access-log.mjs', import.meta.url));

/** The two example lines of shared/elb-access-log.md: a 200 from be1, a 499 waiting on be2. */
export const DOC_LINE_200 =
  '1764030000.125 5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa [2026-11-25T08:20:00+08:00] elb_01 203.0.113.7:51234 200 "GET http://shop.example.com/cart HTTP/1.1" 512 880 420 0.034 "200" "0.001" "0.033" "0.034" "10.0.1.12:8080" "curl/8.5.0" "-" "-" loadbalancer_shop listener_web 2b6f0e1c3d pool_web "be1" 9a8b7c6d5e 198.51.100.10:80 "10.0.1.12:8080" - - - - 1520 -';
export const DOC_LINE_499 =
  '1764030001.980 5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa [2026-11-25T08:20:01+08:00] elb_01 203.0.113.9:40022 499 "POST https://shop.example.com/pay HTTP/1.1" 1024 0 0 10.001 "-" "0.001" "-" "-" "10.0.1.13:8080" "okhttp/4.12.0" "-" "-" loadbalancer_shop listener_tls 2b6f0e1c3e pool_web "be2" 9a8b7c6d5e 198.51.100.10:443 "10.0.1.13:8080" cert_1 TLSv1.3 TLS_AES_128_GCM_SHA256 shop.example.com 48210 -';

/** A line like DOC_LINE_200 with some fields replaced (by index, 0-based, as written). */
export function line(over: Record<number, string> = {}, base = DOC_LINE_200): string {
  const fields: string[] = [];
  const re = /"[^"]*"|\[[^\]]*\]|\S+/g;
  for (const m of base.matchAll(re)) fields.push(m[0]);
  for (const [k, v] of Object.entries(over)) fields[Number(k)] = v;
  return fields.join(' ');
}

/** Output of the generator with these arguments (deterministic for a seed). */
export function generate(args: string[]): Buffer {
  return execFileSync(process.execPath, [GENERATOR, ...args], { maxBuffer: 256 * 1024 * 1024 });
}

/** Every field a LogRecord gives the summary (src/logs/record.ts): what two readers must agree on. */
export const RECORD_FIELDS = [
  'msec',
  'time',
  'status',
  'method',
  'uri',
  'requestTime',
  'upstream',
  'userAgent',
  'memberName',
  'tcpinfoRtt',
  'clientAddress',
] as const;

/** xorshift32: the same numbers on every run. */
export function randomFrom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * Generated lines (`lines` of them, or about `size` bytes) with `members`
 * members, many retries and a 499 storm, whose paths are rewritten to up to
 * `paths` distinct ones, a few busy and a long tail: enough keys to overflow
 * the summary's tables, so that what is kept and what goes to "(other)" matters.
 */
export function manyKeyLines(o: {
  lines?: number;
  size?: string;
  members: number;
  paths: number;
  seed: number;
}): string[] {
  const random = randomFrom(o.seed);
  const text = generate([
    ...(o.size ? ['--size', o.size] : ['--lines', String(o.lines ?? 10_000)]),
    '--seed',
    String(o.seed),
    '--members',
    String(o.members),
    '--retry-rate',
    '0.3',
    '--storm-499',
    '12:00/60m',
  ]).toString('latin1');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) =>
      l.replace(/(https?:\/\/shop\.example\.com)\/[^ ]*/, (_, host) => {
        const k = Math.floor(o.paths * random() ** 3);
        return `${host}/p${k.toString(36)}/x`;
      }),
    );
}
