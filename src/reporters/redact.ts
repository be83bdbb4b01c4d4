// Secrets never reach a report (DESIGN.md "Reports and exit codes"): evidence
// is built from raw command output and HTTP exchanges, which can carry
// passwords, cookies, bearer tokens and private keys. Every format renders the
// copy this module returns, so one tested function covers all of them.
import type { FactRecord, RunResult } from '../engine/result.js';
import type { Inventory } from '../model/inventory.js';

export const REDACTED = '[REDACTED]';

export interface RedactOptions {
  /** Literal values to remove wherever they appear (e.g. a password read from `password_env`). */
  extraSecrets?: readonly string[];
}

// A key names a secret when one of these words is in it...
const SECRET_KEY =
  /pass(?:word|wd)|secret|token|api[_-]?key|private[_-]?key|authorization|cookie|session|credential/i;
// ...unless it only describes the secret's shape, not its value: a cookie's
// *name* (FAQ 1.11 sticky sessions need it), the *name* of the environment
// variable holding a password, the session-persistence settings, a flag.
const DESCRIBES_NOT_HOLDS =
  /(?:^|[_\-.\s])(?:name|names|env|type|persistence|enable|enabled|timeout|algo|policy|present|count)$|^has[_-]/i;

/** Does a data key, header name or fact id (scope `@…` ignored) name a secret? */
export function isSecretKey(key: string): boolean {
  const bare = key.split('@')[0] ?? key;
  return SECRET_KEY.test(bare) && !DESCRIBES_NOT_HOLDS.test(bare);
}

// Header lines (raw HTTP heads, curl -v output) anywhere in a string: the rest
// of the line is the credential. `set-cookie` before `cookie` so the longer
// name wins; `\b` also catches `Proxy-Authorization`.
const HEADER_LINE = /\b(set-cookie|cookie|authorization)([ \t]*:)[^\r\n]*/gi;
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;
// PEM private keys of any flavour (RSA, EC, ENCRYPTED, OPENSSH), also when a
// truncated capture lost the END line.
const PEM_PRIVATE_KEY =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
// scheme://user:password@host — keep the user (useful to debug), drop the password.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]+)@/gi;
// key=value and key: value in query strings, command lines and config dumps
// (`--password=pw`, `?token=…&`, `"api_key": "…"`, `db_password: …`). A key
// that continues (`password_env:`, `token_count=`) is a different key.
const KEY_VALUE =
  /(?<![A-Za-z])(pass(?:word|wd)|secret|token|api[_-]?key|private[_-]?key)(["']?)([ \t]*[:=][ \t]*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s,;&"'}]+)/gi;

/** Removes every secret pattern (and the extra literal secrets) from one string. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  // Literal secrets first, longest first, so a secret containing another is removed whole.
  for (const secret of [...extraSecrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(HEADER_LINE, (_m, name: string, colon: string) => `${name}${colon} ${REDACTED}`)
    .replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(KEY_VALUE, (_m, key: string, quote: string, sep: string, value: string) => {
      const q = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
      return `${key}${quote}${sep}${q}${REDACTED}${q}`;
    });
}

function redactValue(value: unknown, extra: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, extra);
  if (Array.isArray(value)) {
    // Flat name/value lists (Node's rawHeaders: ['Set-Cookie', 'sid=…', …]) and
    // [name, value] pairs: a value right after a secret header name is a secret.
    return value.map((v, i) => {
      const prev: unknown = value[i - 1];
      const isValueSlot = i % 2 === 1 && typeof v === 'string' && typeof prev === 'string';
      if (isValueSlot && HEADER_NAME.test(prev) && isSecretKey(prev)) return REDACTED;
      return redactValue(v, extra);
    });
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && holdsSomething(v) ? REDACTED : redactValue(v, extra);
    }
    return out;
  }
  return value;
}

// null/undefined/booleans carry no secret ("cookie: false" says a cookie was
// absent, which is evidence worth keeping).
function holdsSomething(v: unknown): boolean {
  return v !== null && v !== undefined && typeof v !== 'boolean';
}

function redactFact(f: FactRecord, extra: readonly string[]): FactRecord {
  const copy = redactValue(f, extra) as FactRecord;
  if (isSecretKey(f.key) && holdsSomething(f.value)) copy.value = REDACTED;
  return copy;
}

/** A deep copy of the result with every secret replaced by `[REDACTED]`; the input is not touched. */
export function redact(result: RunResult, options: RedactOptions = {}): RunResult {
  const extra = options.extraSecrets ?? [];
  const { facts, ...rest } = result;
  const copy = redactValue(rest, extra) as Omit<RunResult, 'facts'>;
  return { ...copy, facts: facts.map((f) => redactFact(f, extra)) } as RunResult;
}

/**
 * The passwords an inventory points at: the values of the environment
 * variables its hosts name in `password_env`. They are not in the result on
 * purpose, but an SSH error message or a captured command line could echo one.
 */
export function secretsFromInventory(inventory: Pick<Inventory, 'hosts'>, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const access of Object.values(inventory.hosts)) {
    const name = access.password_env;
    const value = name ? env[name] : undefined;
    if (value) out.push(value);
  }
  return out;
}
