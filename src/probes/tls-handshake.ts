// One TLS handshake and one verdict for every probe that speaks TLS (tls,
// http over https, websocket over wss). Before this module each probe ran
// its own handshake and judged it its own way, so the same expired
// certificate read FAIL in `probe tls`, ERROR in `probe http` and PASS in a
// playbook that skipped verification. Now the handshake always completes
// with verification off, and the certificate is judged here, the way FAQ
// 1.12 walks its causes: handshake (no shared cipher or protocol, causes 1
// and 4) → chain (expired, not yet valid, self-signed, untrusted root,
// incomplete or misordered chain, cause 2) → host name (cause 3).
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ConnectionOptions,
  type PeerCertificate,
  rootCertificates,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
import { tapIncoming } from '../transport/dialers/flowing.js';
import type { ChainVerdict, HandshakeFailure, TlsLayer, TlsVerdictData } from './contracts/tls.js';
import {
  inIssuerOrder,
  isSelfSigned,
  parsePemBundle,
  presentedCertificates,
  requestedClientCertificate,
} from './tls-chain.js';

export interface Handshake {
  protocol?: string;
  cipher?: { name: string; standardName?: string; version: string };
  authorizationError?: string;
  /** The chain as OpenSSL rebuilt it, issuer after issuer. */
  chain: X509Certificate[];
  /** What the server sent, in its order (TLS ≤ 1.2 only: 1.3 encrypts it). */
  presented?: X509Certificate[];
}

export interface TlsOptions {
  servername?: string;
  /** PEM bundle to trust instead of the bundled Mozilla roots. */
  ca?: string;
  minVersion?: ConnectionOptions['minVersion'];
  maxVersion?: ConnectionOptions['maxVersion'];
  ciphers?: string;
  alpn?: string[];
  /**
   * After a TLS 1.3 handshake, how long to wait for the server's word on the
   * client: a session ticket (accepted) or a `certificate_required` alert
   * (mutual authentication). TLS 1.3 clients finish before the server has
   * judged them, so without this a listener that demands a client
   * certificate looks healthy. For probes that send nothing themselves.
   */
  postHandshakeMs?: number;
}

export type HandshakeResult =
  | { ok: true; socket: TLSSocket; hs: Handshake; tlsMs: number }
  | { ok: false; handshake: HandshakeFailure };

const LEGACY = new Set<string>(['TLSv1', 'TLSv1.1']);

/** RFC 6066: SNI carries host names only, never IP literals. */
export function sniName(name: string | undefined): string | undefined {
  return name && isIP(name) === 0 ? name : undefined;
}

export function readHandshakeError(err: unknown): HandshakeFailure {
  const e = err as { code?: string; message?: string };
  const code = e?.code;
  const message = e?.message ?? String(err);
  const alertMatch = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/.exec(code ?? '');
  const alert =
    alertMatch?.[1]?.toLowerCase() ?? /alert ([a-z ]+?)(?::|$)/i.exec(message)?.[1]?.replace(/ /g, '_');
  const base = { ...(alert ? { alert } : {}), ...(code ? { code } : {}), message };
  if (
    alert === 'protocol_version' ||
    /NO_PROTOCOLS_AVAILABLE|UNSUPPORTED_PROTOCOL|VERSION_TOO_LOW|VERSION_TOO_HIGH/.test(code ?? '')
  ) {
    return { meaning: 'no-shared-protocol', ...base };
  }
  if (alert === 'certificate_required') return { meaning: 'client-certificate-required', ...base };
  if (
    alert === 'handshake_failure' ||
    alert === 'insufficient_security' ||
    /NO_SHARED_CIPHER|NO_CIPHERS/.test(code ?? '')
  ) {
    return { meaning: 'no-shared-cipher', ...base };
  }
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    /wrong version number|http request/i.test(message)
  ) {
    return { meaning: 'not-tls', ...base };
  }
  if (code === 'ETIMEDOUT') return { meaning: 'timeout', ...base };
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /socket disconnected|socket hang up|closed/i.test(message)
  ) {
    return { meaning: 'closed', ...base };
  }
  return { meaning: 'other', ...base };
}

export function describeHandshake(f: HandshakeFailure): string {
  const alert = f.alert ? ` (alert ${f.alert})` : '';
  switch (f.meaning) {
    case 'no-shared-cipher':
      return `handshake refused${alert}: no shared cipher suite, or no certificate for this SNI (FAQ 1.12 causes 1 and 4)`;
    case 'no-shared-protocol':
      return `handshake refused${alert}: no shared protocol version (FAQ 1.12 cause 4)`;
    case 'client-certificate-required':
      return `handshake refused${alert}: the server asks every client for a certificate (mutual authentication) and this client has none`;
    case 'not-tls':
      return 'the port does not speak TLS (plain HTTP or another protocol answered)';
    case 'closed':
      return `the server closed the connection during the handshake${f.code ? ` (${f.code})` : ''}`;
    case 'timeout':
      return 'the handshake did not finish in time';
    default:
      return `handshake failed${alert}: ${f.message}`;
  }
}

function chainFromPeer(peer: PeerCertificate & { issuerCertificate?: PeerCertificate }): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cur: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = peer;
  while (cur?.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate as typeof cur;
  }
  return out;
}

/**
 * Runs the client side of a handshake over an open stream. Verification is
 * off on purpose: the certificate is judged afterwards by `judgeTls`, which
 * can say which layer failed. On success the caller owns the socket.
 */
export function startTls(
  raw: Duplex,
  opts: TlsOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<HandshakeResult> {
  const tap = tapIncoming(raw, 64 * 1024);
  const t0 = performance.now();
  const legacy = LEGACY.has(opts.minVersion ?? '') || LEGACY.has(opts.maxVersion ?? '');
  const options: ConnectionOptions = {
    socket: tap.stream,
    ...(opts.servername ? { servername: opts.servername } : {}),
    rejectUnauthorized: false,
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
    ...(opts.minVersion ? { minVersion: opts.minVersion } : {}),
    ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}),
    // OpenSSL's default security level refuses TLS 1.0/1.1 outright; a probe must be able to ask.
    ...(opts.ciphers ? { ciphers: opts.ciphers } : legacy ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
  };
  return new Promise<HandshakeResult>((resolve) => {
    const socket = tlsConnect(options);
    let settled = false;
    let verdictWait: NodeJS.Timeout | undefined;
    const settle = (r: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(verdictWait);
      socket.removeListener('session', accepted);
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      if (!r.ok) {
        socket.on('error', () => {});
        socket.destroy();
        raw.destroy();
      }
      resolve(r);
    };
    const onError = (err: unknown): void => {
      const handshake = readHandshakeError(err);
      // Up to TLS 1.2 the server's CertificateRequest is in the clear: a
      // refusal after one is mutual authentication, whatever the alert says.
      const askedForCertificate =
        handshake.meaning !== 'timeout' && requestedClientCertificate(tap.received());
      settle({
        ok: false,
        handshake: askedForCertificate ? { ...handshake, meaning: 'client-certificate-required' } : handshake,
      });
    };
    let accepted = (): void => {};
    const onAbort = (): void =>
      settle({ ok: false, handshake: { meaning: 'other', code: 'ABORT_ERR', message: 'aborted' } });
    const timer = setTimeout(
      () => onError(Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      const tlsMs = performance.now() - t0;
      const cipher = socket.getCipher();
      const peer = socket.getPeerCertificate(true);
      const presentedDer = presentedCertificates(tap.received());
      const protocol = socket.getProtocol();
      const hs: Handshake = {
        ...(protocol ? { protocol } : {}),
        ...(cipher
          ? { cipher: { name: cipher.name, standardName: cipher.standardName, version: cipher.version } }
          : {}),
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        chain: peer && 'raw' in peer && peer.raw ? chainFromPeer(peer) : [],
        ...(presentedDer ? { presented: presentedDer.map((d) => new X509Certificate(d)) } : {}),
      };
      accepted = () => settle({ ok: true, socket, hs, tlsMs });
      if (!opts.postHandshakeMs || protocol !== 'TLSv1.3') return accepted();
      // A session ticket means the server took this client; an alert comes as an error (onError).
      socket.once('session', accepted);
      verdictWait = setTimeout(accepted, opts.postHandshakeMs);
    });
  });
}

export function trustedRoots(ca: string | undefined): X509Certificate[] {
  return parsePemBundle(ca ?? rootCertificates.join('\n'));
}

/** Whole days until notAfter: a certificate that expired one day ago is -1, not -2. */
export function daysLeft(validTo: string | Date, now = new Date()): number {
  // `+ 0` turns the -0 of "expired seconds ago" into 0.
  return Math.trunc((new Date(validTo).getTime() - now.getTime()) / 86_400_000) + 0;
}

const oneLine = (dn: string): string => dn.replace(/\n/g, ', ');

/** Chain layer: OpenSSL's verdict, named the way FAQ 1.12 talks, refined with what was presented. */
export function judgeChain(
  authorizationError: string | undefined,
  presented: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now = new Date(),
): { verdict: ChainVerdict; detail: string } {
  const leaf = presented[0];
  if (!leaf) return { verdict: 'untrusted', detail: 'the server presented no certificate' };
  const top = presented[presented.length - 1]!;
  // Validity first: an expired leaf is the answer whatever else is wrong.
  for (const [i, c] of presented.entries()) {
    const who = i === 0 ? 'the server certificate' : `chain certificate ${i} (${oneLine(c.subject)})`;
    if (new Date(c.validTo) < now) {
      const ago = -daysLeft(c.validTo, now);
      return {
        verdict: 'expired',
        detail: `${who} expired on ${new Date(c.validTo).toISOString()}${ago > 0 ? ` (${ago} day${ago === 1 ? '' : 's'} ago)` : ''}`,
      };
    }
    if (new Date(c.validFrom) > now) {
      return {
        verdict: 'not-yet-valid',
        detail: `${who} is valid only from ${new Date(c.validFrom).toISOString()}`,
      };
    }
  }
  // Node folds its own host-name check into authorizationError; that is the next layer's business.
  const err = authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? undefined : authorizationError;
  const trustedByFingerprint = (c: X509Certificate) =>
    roots.some((r) => r.fingerprint256 === c.fingerprint256);
  if (
    err === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    (presented.length === 1 && isSelfSigned(leaf) && !trustedByFingerprint(leaf))
  ) {
    return { verdict: 'self-signed', detail: 'the server certificate is self-signed and not trusted' };
  }
  if (err === 'SELF_SIGNED_CERT_IN_CHAIN') {
    return {
      verdict: 'untrusted-root',
      detail: `the chain ends in a root that is not trusted: ${oneLine(top.subject)}`,
    };
  }
  if (
    err === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    err === 'UNABLE_TO_GET_ISSUER_CERT' ||
    err === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  ) {
    if (isSelfSigned(top)) {
      return {
        verdict: 'untrusted-root',
        detail: `the chain ends in a root that is not trusted: ${oneLine(top.subject)}`,
      };
    }
    return {
      verdict: 'incomplete-chain',
      detail: `no trusted issuer for ${oneLine(top.subject)} (issuer ${oneLine(top.issuer)}): an intermediate certificate is missing from the server's chain, or its CA is not trusted`,
    };
  }
  if (err === 'CERT_HAS_EXPIRED')
    return { verdict: 'expired', detail: 'a certificate in the chain has expired' };
  if (err === 'CERT_NOT_YET_VALID')
    return { verdict: 'not-yet-valid', detail: 'a certificate in the chain is not valid yet' };
  if (err) return { verdict: 'untrusted', detail: `chain verification failed: ${err}` };
  if (!inIssuerOrder(presented)) {
    return {
      verdict: 'wrong-order',
      detail:
        'the chain is trusted but not sent in order (each certificate should be followed by its issuer); strict clients reject it',
    };
  }
  return { verdict: 'ok', detail: 'trusted chain' };
}

/** Hostname layer, with the wildcard rule spelled out when it is the reason (one label per `*`). */
export function judgeHostname(leaf: X509Certificate, name: string): { ok: boolean; detail: string } {
  if (isIP(name) !== 0) {
    return leaf.checkIP(name)
      ? { ok: true, detail: `certificate covers IP ${name}` }
      : {
          ok: false,
          detail: `certificate does not list IP ${name} (SANs: ${leaf.subjectAltName ?? 'none'})`,
        };
  }
  const matched = leaf.checkHost(name, {
    wildcards: true,
    partialWildcards: false,
    singleLabelSubdomains: false,
  });
  if (matched) return { ok: true, detail: `certificate covers ${name} (as ${matched})` };
  const dnsNames = (leaf.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const deeper = dnsNames.find(
    (n) => n.startsWith('*.') && name.toLowerCase().endsWith(n.slice(1).toLowerCase()),
  );
  if (deeper) {
    const extra = name.slice(0, -(deeper.length - 1)).split('.').length;
    return {
      ok: false,
      detail: `${deeper} covers exactly one label, but ${name} has ${extra} labels before ${deeper.slice(2)} (wildcard level)`,
    };
  }
  return { ok: false, detail: `certificate does not cover ${name} (SANs: ${dnsNames.join(', ') || 'none'})` };
}

/** The verdict of a handshake the server refused. */
export function refusedVerdict(f: HandshakeFailure): TlsVerdictData {
  return { layer: 'handshake', handshake: f, detail: describeHandshake(f) };
}

/**
 * The verdict of a completed handshake: chain, then host name. `presented`
 * defaults to what was read off the wire, else OpenSSL's rebuilt chain.
 */
export function judgeTls(
  hs: Handshake,
  name: string,
  ca: string | undefined,
  presented: readonly X509Certificate[] = hs.presented ?? hs.chain,
): TlsVerdictData {
  const chain = judgeChain(hs.authorizationError, presented, trustedRoots(ca));
  const leaf = presented[0];
  const host = leaf ? judgeHostname(leaf, name) : { ok: false, detail: 'no certificate' };
  const layer: TlsLayer = chain.verdict !== 'ok' ? 'chain' : host.ok ? 'ok' : 'hostname';
  const head = `${hs.protocol ?? '?'} ${hs.cipher?.name ?? ''}`.trimEnd();
  return {
    layer,
    ...(hs.protocol ? { protocol: hs.protocol } : {}),
    ...(hs.cipher ? { cipher: hs.cipher.name } : {}),
    chain: chain.verdict,
    chainDetail: chain.detail,
    hostname: host.ok ? 'ok' : 'mismatch',
    hostnameDetail: host.detail,
    ...(hs.authorizationError ? { opensslError: hs.authorizationError } : {}),
    ...(leaf ? { daysLeft: daysLeft(leaf.validTo), notAfter: new Date(leaf.validTo).toISOString() } : {}),
    detail:
      layer === 'chain'
        ? `${head}; chain problem: ${chain.detail}`
        : layer === 'hostname'
          ? `${head}; hostname problem: ${host.detail}`
          : `${head}; chain trusted, ${host.detail}`,
  };
}
