// Option parsing shared by commands. Every bad value is a UsageError (exit 2)
// that says what was expected.
import { UsageError } from '../errors.js';
import { isValidIp } from '../model/net.js';
import type { Target } from '../engine/scope.js';
import { type DurationBounds, describeBounds, TIMEOUT_BOUNDS } from './duration-bounds.js';

/** "5s", "1500ms", "2m", "1h", "30" (seconds) → milliseconds, within `bounds`. */
export function parseDuration(text: string, flag: string, bounds: DurationBounds = TIMEOUT_BOUNDS): number {
  const m = /^(\d{1,15}(?:\.\d{1,6})?)(ms|s|m|h)?$/.exec(text.trim());
  const range = describeBounds(bounds);
  if (!m)
    throw new UsageError(`${flag} "${text}" is not a duration`, `write e.g. 5s, 1500ms, 2m or 1h, ${range}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  const ms = n * unit;
  if (!(ms >= bounds.minMs && ms <= bounds.maxMs))
    throw new UsageError(
      `${flag} ${text.trim()} is out of range: it must be ${range}`,
      `write e.g. ${flag} 5s`,
    );
  return ms;
}

/** "host:port" or "[v6]:port". */
export function parseTarget(text: string): Target {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  const host = m?.[1];
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(
      `--target "${text}" is not host:port`,
      'write e.g. --target 127.0.0.1:8080 or --target [::1]:8080',
    );
  }
  if (text.startsWith('[') && !(isValidIp(host) && host.includes(':')))
    throw new UsageError(`--target "${text}": "${host}" is not an IPv6 address`);
  return { host, port, raw: text };
}

/** Prompts only when a person can answer: a TTY on stdin, not CI, not --non-interactive. */
export function isInteractive(flag: boolean | undefined, env = process.env, stdin = process.stdin): boolean {
  if (flag) return false;
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return false;
  return stdin.isTTY === true;
}
export { collect } from './collect.js';
