// Turning `lbdoctor probe` flags into a probe's parameters: `--target`,
// `--with key=value` and a few named flags, validated by the probe's own zod
// schema so the command line and a playbook's `with:` accept the same things.
import { isIP } from 'node:net';
import { z } from 'zod';
import { InputError, type Problem, UsageError } from '../errors.js';
import { parseTarget } from './options.js';

/**
 * `--with` values are JSON when they read as JSON (numbers, booleans, lists,
 * objects, quoted strings) and plain strings otherwise, so `port=8080` is a
 * number and `path=/health` a string. Dotted keys nest: `expect.status=2xx`.
 */
export function parseWithPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    // A value may be a secret (headers, cookies): errors name the key, never echo the value.
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        `--with "${/^[\w.-]{0,64}/.exec(pair)?.[0] ?? ''}…" is not key=value`,
        'write e.g. --with path=/health',
      );
    const key = pair.slice(0, eq).trim();
    const text = pair.slice(eq + 1);
    if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(key)) {
      throw new UsageError(
        `--with ${JSON.stringify(key.slice(0, 64))}=…: not a parameter name`,
        'a name is letters, digits, _ and -, dotted for nested parameters (expect.status=2xx)',
      );
    }
    let value: unknown = text;
    if (/^\s*(-?\d|true$|false$|null$|\[|\{|")/.test(text)) {
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
    }
    const path = key.split('.');
    let node = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) {
        node[part] = value;
      } else {
        const next = node[part];
        if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) {
          throw new UsageError(`--with ${key}=…: "${path.slice(0, i + 1).join('.')}" is already a value`);
        }
        node[part] = next ?? {};
        node = node[part] as Record<string, unknown>;
      }
    }
  }
  return out;
}

/** The parameter names a probe's schema knows, for "does not apply" errors. */
export function paramKeys(schema: z.ZodType): string[] | undefined {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}

/** `--target` for a probe: host:port, or just a host for probes without a port (ping). */
export function targetParams(text: string, keys: readonly string[] | undefined): Record<string, unknown> {
  const wantsPort = keys === undefined || keys.includes('port');
  if (!wantsPort) {
    const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    if (!host || /[\s/?#@]/.test(host) || (host.includes(':') && isIP(host) !== 6)) {
      throw new UsageError(
        `--target "${text}" is not a host name or IP address`,
        'write e.g. --target 10.0.0.5',
      );
    }
    return { host };
  }
  const t = parseTarget(text);
  return { host: t.host, port: t.port };
}

export interface ProbeFlagValues {
  target?: string;
  with?: string[];
  /** Named flags already mapped to parameter names, e.g. { url, servername }. */
  named: Record<string, unknown>;
}

/** Builds and validates parameters; bad ones are InputError (exit 2) naming each field. */
export function buildProbeParams<P>(kind: string, schema: z.ZodType<P>, flags: ProbeFlagValues): P {
  const keys = paramKeys(schema);
  const raw: Record<string, unknown> = {};
  if (flags.target !== undefined) Object.assign(raw, targetParams(flags.target, keys));
  for (const [name, value] of Object.entries(flags.named)) {
    if (value === undefined) continue;
    if (keys && !keys.includes(name)) {
      throw new UsageError(
        `the ${name} option does not apply to probe ${kind}`,
        `probe ${kind} takes: ${keys.join(', ')}`,
      );
    }
    raw[name] = value;
  }
  Object.assign(raw, parseWithPairs(flags.with ?? []));
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems: Problem[] = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const unknown = issue.code === 'unrecognized_keys' ? ` (${kind} takes: ${keys?.join(', ') ?? '?'})` : '';
    return { ...(field ? { field } : {}), message: `${issue.message}${unknown}` };
  });
  throw new InputError(
    `invalid parameters for probe ${kind}`,
    problems,
    `give them with --target host:port and --with key=value`,
  );
}
