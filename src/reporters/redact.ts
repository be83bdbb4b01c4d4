// Secrets never reach a report (DESIGN.md "Reports and exit codes"): evidence
// is built from raw command output and HTTP exchanges, which can carry
// passwords, cookies, bearer tokens and private keys. Every format renders the
// copy this module returns, so one tested function covers all of them.
//
// Two nets, both always applied (docs/redaction.md):
// - by value: every secret the user gave this run (header and cookie values
//   passed to probes, passwords from password_env, URL credentials) is
//   collected once into a SecretSet and removed wherever it appears: a member
//   that echoes its request (as httpbin does), a template that renders a
//   response body, an error message;
// - by shape: values under secret-looking keys and headers, header lines,
//   key=value pairs, URL passwords and PEM private keys, for secrets nobody
//   told us about (a cookie the server set, a token in a config dump).
// Names stay: a cookie's or header's name is evidence (FAQ 1.11 stickiness).
import type { FactRecord, RunResult } from '../engine/result.js';
import type { Inventory } from '../model/inventory.js';

export const REDACTED = '[REDACTED]';

/**
 * Shorter values are redacted where they sit (under a secret key, header or
 * parameter) but not wherever they appear: a 3-character value would match
 * status codes, ports and words all over the report.
 */
export const MIN_SECRET_LENGTH = 4;

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

// Request headers whose values are credentials: Authorization and Cookie, and
// the custom ones APIs use (X-Api-Key, X-Auth-Token, X-CSRF-Token, a session
// id, a signature). Other headers (Host, X-Debug, X-Trace) are evidence.
const CREDENTIAL_HEADER =
  /auth|cookie|token|secret|passw|api[-_]?key|(?:^|[-_])key$|session|credential|signature|jwt|csrf|xsrf/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** `a=b; c=d` → [['a','b'], ['c','d']] (a Cookie header, or the first pair of a Set-Cookie). */
function cookiePairs(text: string): [string, string][] {
  return text.split(';').flatMap((part) => {
    const eq = part.indexOf('=');
    return eq > 0 ? [[part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as [string, string]] : [];
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The literal secrets of one run: collected once from everything the user
 * gave (inventory, flags, environment variables named by password_env,
 * playbook and probe parameters), applied by every reporter to every string.
 * A run adds to it while it goes (each probe's rendered parameters), so the
 * live renderer, which holds the same set, masks what was added before.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private cached: { sorted: string[]; pattern: RegExp | undefined } | undefined;

  constructor(values: Iterable<string> = []) {
    for (const v of values) this.add(v);
  }

  get size(): number {
    return this.values.size;
  }

  /**
   * A secret, and the spellings it takes in an echo: JSON-escaped (also
   * twice, for a JSON body rendered inside JSON, and ASCII-only, as Python's
   * json.dumps writes it: httpbin) and URL-encoded.
   */
  add(value: unknown): this {
    if (typeof value !== 'string') return this;
    const json = JSON.stringify(value).slice(1, -1);
    const forms = [
      value,
      value.trim(),
      json,
      JSON.stringify(json).slice(1, -1),
      json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ];
    try {
      forms.push(encodeURIComponent(value));
    } catch {
      // a lone surrogate: no URL-encoded form
    }
    for (const form of forms) {
      if (form.length >= MIN_SECRET_LENGTH && !this.values.has(form)) {
        this.values.add(form);
        this.cached = undefined;
      }
    }
    return this;
  }

  /** A request header: its value when the header carries a credential (and the credential alone, after `Bearer`). */
  addHeader(name: string, value: unknown): this {
    if (!isCredentialHeader(name)) return this;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string') continue;
      if (/cookie/i.test(name)) {
        for (const [, cookie] of cookiePairs(v)) this.add(cookie);
        if (!v.includes('=')) this.add(v);
        continue;
      }
      // "Bearer abc": the scheme is evidence, the rest the secret.
      const scheme = /^\s*[A-Za-z][\w-]*\s+(\S[\s\S]*)$/.exec(v);
      this.add(scheme ? scheme[1] : v);
    }
    return this;
  }

  /** URL credentials: the password as written and decoded, and the Basic credential a client would send. */
  addUrl(text: string): this {
    for (const m of text.matchAll(URL_USERINFO)) {
      const user = m[2] ?? '';
      const password = m[3] ?? '';
      let decoded = password;
      let decodedUser = user;
      try {
        decoded = decodeURIComponent(password);
        decodedUser = decodeURIComponent(user);
      } catch {
        // keep the text as written
      }
      this.add(password).add(decoded);
      this.add(Buffer.from(`${decodedUser}:${decoded}`).toString('base64'));
    }
    return this;
  }

  /**
   * A probe's parameters (as `--with`, named flags or a playbook's `with:`
   * give them): credential headers, every cookie value, URL passwords, and
   * anything under a secret-looking key.
   */
  addParams(params: unknown, key?: string): this {
    if (typeof params === 'string') {
      if (key !== undefined && isSecretKey(key)) this.add(params);
      this.addUrl(params);
    } else if (Array.isArray(params)) {
      for (const v of params) this.addParams(v, key);
    } else if (params !== null && typeof params === 'object') {
      for (const [k, v] of Object.entries(params)) {
        if (/^headers$/i.test(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          for (const [name, value] of Object.entries(v)) this.addHeader(name, value);
        } else if (/^cookies$/i.test(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          for (const value of Object.values(v)) this.add(value);
        } else this.addParams(v, k);
      }
    }
    return this;
  }

  /** Values given under secret-looking names: `--set`, an answers file, `--input`. */
  addNamed(values: Iterable<[string, unknown]>): this {
    for (const [k, v] of values) if (isSecretKey(k) && v !== null && v !== undefined) this.add(String(v));
    return this;
  }

  /**
   * What an inventory points at: the values of the environment variables its
   * hosts name in `password_env` (never in a result on purpose, but an SSH
   * error or a captured command line could echo one), passwords written into
   * an `ssh://` reach, private keys given inline.
   */
  addInventory(inventory: Pick<Inventory, 'hosts'> & Partial<Inventory>, env: NodeJS.ProcessEnv): this {
    for (const value of secretsFromInventory(inventory, env)) this.add(value);
    for (const access of Object.values(inventory.hosts)) this.addUrl(access.ssh);
    if (inventory.client?.ssh) this.addUrl(inventory.client.ssh);
    for (const c of inventory.certificates ?? [])
      if (c.private_key?.includes('PRIVATE KEY')) this.add(c.private_key);
    return this;
  }

  /** Longest first, so a secret containing another is removed whole. */
  list(): readonly string[] {
    return this.compiled().sorted;
  }

  /** Every secret in `text` replaced by [REDACTED]. */
  replaceIn(text: string): string {
    const { pattern } = this.compiled();
    return pattern ? text.replace(pattern, REDACTED) : text;
  }

  private compiled() {
    if (!this.cached) {
      const sorted = [...this.values].sort((a, b) => b.length - a.length);
      this.cached = {
        sorted,
        pattern: sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined,
      };
    }
    return this.cached;
  }
}

/** A set, or literal secrets as a list (tests, callers with a few known values). */
export type Secrets = SecretSet | readonly string[];

export function toSecretSet(secrets: Secrets | undefined): SecretSet {
  return secrets instanceof SecretSet ? secrets : new SecretSet(secrets ?? []);
}

// A header's value with its secret parts removed and its names kept: the
// cookie names of Cookie, the cookie name and attributes (Path, Max-Age:
// FAQ 1.11 stickiness evidence) of Set-Cookie, the scheme of Authorization.
export function redactHeaderValue(name: string, value: string): string {
  if (/^set-cookie$/i.test(name)) {
    const [first = '', ...attributes] = value.split(';');
    const eq = first.indexOf('=');
    const pair = eq > 0 ? `${first.slice(0, eq)}=${first.slice(eq + 1).trim() ? REDACTED : ''}` : REDACTED;
    return [pair, ...attributes].join(';');
  }
  if (/^cookie$/i.test(name)) {
    return value
      .split(';')
      .map((part) => {
        const eq = part.indexOf('=');
        return eq > 0 ? `${part.slice(0, eq)}=${part.slice(eq + 1).trim() ? REDACTED : ''}` : part;
      })
      .join(';');
  }
  if (/authorization$/i.test(name)) {
    const scheme = /^(\s*[A-Za-z][\w-]*\s+)\S/.exec(value);
    return scheme ? `${scheme[1]}${REDACTED}` : REDACTED;
  }
  return REDACTED;
}

// Header lines (raw HTTP heads, curl -v output) anywhere in a string: the rest
// of the line is the credential. `set-cookie` before `cookie` so the longer
// name wins; `Proxy-Authorization` too.
const HEADER_LINE = /\b(set-cookie|cookie|(?:proxy-)?authorization)([ \t]*:[ \t]*)([^\r\n]*)/gi;
// The same headers as JSON text: a member echoing its request, a template
// rendering a headers object.
const JSON_HEADER = /"(set-cookie|cookie|(?:proxy-)?authorization)"(\s*:\s*)"((?:[^"\\\r\n]|\\.)*)"/gi;
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

/** Removes the run's literal secrets, then every secret pattern, from one string. */
export function redactText(text: string, secrets: Secrets = []): string {
  return toSecretSet(secrets)
    .replaceIn(text)
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(
      JSON_HEADER,
      (_m, name: string, sep: string, value: string) => `"${name}"${sep}"${redactHeaderValue(name, value)}"`,
    )
    .replace(
      HEADER_LINE,
      (_m, name: string, sep: string, value: string) => `${name}${sep}${redactHeaderValue(name, value)}`,
    )
    .replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(KEY_VALUE, (_m, key: string, quote: string, sep: string, value: string) => {
      const q = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
      return `${key}${quote}${sep}${q}${REDACTED}${q}`;
    });
}

// null/undefined/booleans carry no secret ("cookie: false" says a cookie was
// absent, which is evidence worth keeping).
function holdsSomething(v: unknown): boolean {
  return v !== null && v !== undefined && typeof v !== 'boolean';
}

/** A value found under a secret key: headers keep their names, a cookie jar its cookie names. */
export function redactSecretValue(key: string, value: unknown): unknown {
  if (!holdsSomething(value)) return value;
  if (/^(?:set-)?cookie$|authorization$/i.test(key)) {
    if (typeof value === 'string') return redactHeaderValue(key, value);
    if (Array.isArray(value))
      return value.map((v) => (typeof v === 'string' ? redactHeaderValue(key, v) : REDACTED));
  }
  if (/^cookies$/i.test(key) && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.keys(value as object).map((name) => [name, REDACTED]));
  }
  return REDACTED;
}

/** A deep copy of any value with every secret removed, by value and by shape. */
export function redactValue(value: unknown, secrets: Secrets = []): unknown {
  const set = toSecretSet(secrets);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, set);
    if (Array.isArray(v)) {
      // Flat name/value lists (Node's rawHeaders: ['Set-Cookie', 'sid=…', …]) and
      // [name, value] pairs: a value right after a secret header name is a secret.
      return v.map((item, i) => {
        const prev: unknown = v[i - 1];
        const isValueSlot = i % 2 === 1 && typeof item === 'string' && typeof prev === 'string';
        if (isValueSlot && HEADER_NAME.test(prev) && isSecretKey(prev))
          return redactText(redactHeaderValue(prev, item), set);
        return walk(item);
      });
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        out[k] = isSecretKey(k) && holdsSomething(item) ? walk(redactSecretValue(k, item)) : walk(item);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

function redactFact(f: FactRecord, secrets: SecretSet): FactRecord {
  const copy = redactValue(f, secrets) as FactRecord;
  if (isSecretKey(f.key) && holdsSomething(f.value)) copy.value = REDACTED;
  return copy;
}

export interface RedactOptions {
  /** The run's literal secrets (see SecretSet). */
  secrets?: Secrets;
}

/** A deep copy of the result with every secret replaced by `[REDACTED]`; the input is not touched. */
export function redact(result: RunResult, options: RedactOptions = {}): RunResult {
  const set = toSecretSet(options.secrets);
  const { facts, ...rest } = result;
  const copy = redactValue(rest, set) as Omit<RunResult, 'facts'>;
  return { ...copy, facts: facts.map((f) => redactFact(f, set)) } as RunResult;
}

/** The values of the environment variables an inventory's hosts name in `password_env`. */
export function secretsFromInventory(inventory: Pick<Inventory, 'hosts'>, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const access of Object.values(inventory.hosts)) {
    const name = access.password_env;
    const value = name ? env[name] : undefined;
    if (value) out.push(value);
  }
  return out;
}
