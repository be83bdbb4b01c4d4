// known_hosts, read the way OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE
// FORMAT"): markers, comma-separated patterns with `*`, `?` and `!`, the
// `[host]:port` form for ports other than 22, and hashed names
// (`|1|base64(salt)|base64(HMAC-SHA1(salt, name))`). Pure functions: the SSH
// runner feeds them the raw key blob ssh2 hands its hostVerifier.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (patterns, or a `|1|…` hash). */
  hostField: string;
  keyType: string;
  /** The SSH wire-format public key (what ssh2 passes to hostVerifier). */
  key: Buffer;
}

export interface ParseResult {
  entries: KnownHostEntry[];
  /** Lines that are not comments and could not be read: reported, never silently trusted. */
  malformed: Array<{ file: string; line: number; text: string }>;
}

export type HostKeyVerdict =
  | { status: 'match'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'changed'; expected: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'cert-authority'; entries: KnownHostEntry[] };

export function parseKnownHosts(text: string, file: string): ParseResult {
  const entries: KnownHostEntry[] = [];
  const malformed: ParseResult['malformed'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else {
        malformed.push({ file, line: i + 1, text: trimmed });
        return;
      }
    }
    const [hostField, keyType, keyB64] = fields;
    if (!hostField || !keyType || !keyB64) {
      malformed.push({ file, line: i + 1, text: trimmed });
      return;
    }
    const key = Buffer.from(keyB64, 'base64');
    // The blob starts with its own type name: a cheap check that the base64 is a key.
    if (key.length < 8 || key.subarray(4, 4 + key.readUInt32BE(0)).toString() !== keyType) {
      malformed.push({ file, line: i + 1, text: trimmed });
      return;
    }
    entries.push({ file, line: i + 1, ...(marker ? { marker } : {}), hostField, keyType, key });
  });
  return { entries, malformed };
}

/** The name OpenSSH looks up: `host` on port 22, else `[host]:port`. */
export function lookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH's match_pattern: `*` any run, `?` one character; whole-string, case-insensitive. */
export function wildcardMatch(name: string, pattern: string): boolean {
  const re = new RegExp(
    `^${pattern
      .toLowerCase()
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  );
  return re.test(name);
}

function hashedMatch(hostField: string, name: string): boolean {
  const parts = hostField.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const want = Buffer.from(parts[3]!, 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Does this entry's host field name `host:port`? Negated patterns veto the whole line. */
export function hostFieldMatches(hostField: string, host: string, port: number): boolean {
  const name = lookupName(host, port);
  if (hostField.startsWith('|')) return hashedMatch(hostField, name);
  let positive = false;
  for (const p of hostField.split(',')) {
    if (p === '') continue;
    if (p.startsWith('!')) {
      if (wildcardMatch(name, p.slice(1))) return false;
    } else if (wildcardMatch(name, p)) {
      positive = true;
    }
  }
  return positive;
}

/** `SHA256:…` as OpenSSH prints it (unpadded base64 of the key blob's SHA-256). */
export function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type name inside a wire-format key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  return key.subarray(4, 4 + key.readUInt32BE(0)).toString();
}

/**
 * OpenSSH's decision for a presented host key: a revoked key is refused even
 * if a plain line also lists it; a plain line with the same key accepts; other
 * keys for the name mean it changed; `@cert-authority` alone we cannot verify
 * (ssh2 does not do host certificates) and say so rather than accept.
 */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  presented: Buffer,
): HostKeyVerdict {
  const forHost = entries.filter((e) => hostFieldMatches(e.hostField, host, port));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.key.equals(presented));
  if (match) return { status: 'match', entry: match };
  if (plain.length > 0) return { status: 'changed', expected: plain };
  const cas = forHost.filter((e) => e.marker === 'cert-authority');
  if (cas.length > 0) return { status: 'cert-authority', entries: cas };
  return { status: 'unknown' };
}

/** Key types known for a host, so the client can ask the server for one of them first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  return [
    ...new Set(
      entries
        .filter((e) => e.marker === undefined && hostFieldMatches(e.hostField, host, port))
        .map((e) => e.keyType),
    ),
  ];
}

/** The line accept-new appends: plain name (or `[name]:port`), key type, base64 blob. */
export function knownHostsLine(host: string, port: number, key: Buffer): string {
  return `${lookupName(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}`;
}
