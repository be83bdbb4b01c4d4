// tls: a handshake to host:port with SNI, judged layer by layer the way FAQ
// 1.12 walks its four causes: TCP → handshake (alert: no shared cipher or
// protocol, cause 1 and 4) → chain (expired, not yet valid, self-signed,
// untrusted root, incomplete or misordered chain, cause 2) → host name
// (cause 3, including how many labels a wildcard covers). `data.layer` is
// the first layer that failed, or "ok".
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ConnectionOptions,
  type PeerCertificate,
  rootCertificates,
  connect as tlsConnect,
} from 'node:tls';
import type { z } from 'zod';
import { tapIncoming } from '../transport/dialers/flowing.js';
import { classifyDialError, type DialFailure, describeDialFailure } from '../transport/dialers/local.js';
import type { Proof, Same } from './contracts/define.js';
import {
  type ChainVerdict,
  type certificateFacts as certificateFactsSchema,
  type HandshakeFailure,
  TLS_VERSIONS,
  type TlsLayer,
  type TlsParams,
  tlsContract,
} from './contracts/tls.js';
import { formatTarget, ms } from './network-params.js';
import {
  type CertificateFacts,
  certificateFacts,
  inIssuerOrder,
  isSelfSigned,
  parsePemBundle,
  presentedCertificates,
} from './tls-chain.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

// The parameters and data shape live in the contract; re-exported for existing importers.
export {
  type ChainVerdict,
  TLS_VERSIONS,
  type TlsLayer,
  type TlsParams,
  type TlsVersion,
  tlsParams,
} from './contracts/tls.js';

/** The data schema's certificate entries are exactly what tls-chain.ts reports. */
export type CertificateFactsListed = Proof<Same<z.infer<typeof certificateFactsSchema>, CertificateFacts>>;

interface Handshake {
  protocol?: string;
  cipher?: { name: string; standardName?: string; version: string };
  authorizationError?: string;
  chain: X509Certificate[];
  presented?: X509Certificate[];
}

type Attempt =
  | { ok: true; hs: Handshake; tlsMs: number }
  | { ok: false; dial: DialFailure }
  | { ok: false; handshake: HandshakeFailure };

const LEGACY = new Set<string>(['TLSv1', 'TLSv1.1']);

function sniFor(p: TlsParams): string | undefined {
  const name = p.servername ?? p.host;
  return isIP(name) === 0 ? name : undefined;
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

function describeHandshake(f: HandshakeFailure): string {
  const alert = f.alert ? ` (alert ${f.alert})` : '';
  switch (f.meaning) {
    case 'no-shared-cipher':
      return `handshake refused${alert}: no shared cipher suite, or no certificate for this SNI (FAQ 1.12 causes 1 and 4)`;
    case 'no-shared-protocol':
      return `handshake refused${alert}: no shared protocol version (FAQ 1.12 cause 4)`;
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

async function handshake(
  params: TlsParams,
  ctx: ProbeContext,
  overrides: Pick<ConnectionOptions, 'minVersion' | 'maxVersion' | 'ciphers'>,
): Promise<Attempt> {
  let raw: Duplex;
  try {
    raw = await ctx.dialer.connect(params.host, params.port, {
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (err) {
    return { ok: false, dial: classifyDialError(err) };
  }
  const tap = tapIncoming(raw);
  const t0 = performance.now();
  const servername = sniFor(params);
  const legacy = LEGACY.has(overrides.minVersion ?? '') || LEGACY.has(overrides.maxVersion ?? '');
  const options: ConnectionOptions = {
    socket: tap.stream,
    ...(servername ? { servername } : {}),
    // The probe judges the chain itself, after the handshake, so it can say which layer failed.
    rejectUnauthorized: false,
    ...(params.ca ? { ca: params.ca } : {}),
    ...(overrides.minVersion ? { minVersion: overrides.minVersion } : {}),
    ...(overrides.maxVersion ? { maxVersion: overrides.maxVersion } : {}),
    // OpenSSL's default security level refuses TLS 1.0/1.1 outright; a probe must be able to ask.
    ...(overrides.ciphers
      ? { ciphers: overrides.ciphers }
      : legacy
        ? { ciphers: 'DEFAULT:@SECLEVEL=0' }
        : {}),
  };
  return new Promise<Attempt>((resolve) => {
    const socket = tlsConnect(options);
    const finish = (a: Attempt): void => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      socket.destroy();
      raw.destroy();
      resolve(a);
    };
    const onAbort = (): void =>
      finish({ ok: false, handshake: { meaning: 'other', code: 'ABORT_ERR', message: 'aborted' } });
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          handshake: readHandshakeError(
            Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' }),
          ),
        }),
      ctx.timeoutMs,
    );
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (err) => finish({ ok: false, handshake: readHandshakeError(err) }));
    socket.once('secureConnect', () => {
      const tlsMs = performance.now() - t0;
      const cipher = socket.getCipher();
      const peer = socket.getPeerCertificate(true);
      const presentedDer = presentedCertificates(tap.received());
      const hs: Handshake = {
        ...(socket.getProtocol() ? { protocol: socket.getProtocol()! } : {}),
        ...(cipher
          ? { cipher: { name: cipher.name, standardName: cipher.standardName, version: cipher.version } }
          : {}),
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        chain: peer && 'raw' in peer && peer.raw ? chainFromPeer(peer) : [],
        ...(presentedDer ? { presented: presentedDer.map((d) => new X509Certificate(d)) } : {}),
      };
      finish({ ok: true, hs, tlsMs });
    });
  });
}

function trustedRoots(params: TlsParams): X509Certificate[] {
  return parsePemBundle(params.ca ?? rootCertificates.join('\n'));
}

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
    const who =
      i === 0 ? 'the server certificate' : `chain certificate ${i} (${c.subject.replace(/\n/g, ', ')})`;
    if (new Date(c.validTo) < now)
      return { verdict: 'expired', detail: `${who} expired on ${new Date(c.validTo).toISOString()}` };
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
      detail: `the chain ends in a root that is not trusted: ${top.subject.replace(/\n/g, ', ')}`,
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
        detail: `the chain ends in a root that is not trusted: ${top.subject.replace(/\n/g, ', ')}`,
      };
    }
    return {
      verdict: 'incomplete-chain',
      detail: `no trusted issuer for ${top.subject.replace(/\n/g, ', ')} (issuer ${top.issuer.replace(/\n/g, ', ')}): an intermediate certificate is missing from the server's chain, or its CA is not trusted`,
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

async function scanVersions(params: TlsParams, ctx: ProbeContext): Promise<Observation> {
  const started = performance.now();
  const target = formatTarget(params.host, params.port);
  const versions: Record<string, string> = {};
  const details: Record<string, unknown> = {};
  const from = TLS_VERSIONS.indexOf(params.minVersion ?? 'TLSv1');
  const to = TLS_VERSIONS.indexOf(params.maxVersion ?? 'TLSv1.3');
  for (const v of TLS_VERSIONS.slice(from, to + 1)) {
    const a = await handshake(params, ctx, {
      minVersion: v,
      maxVersion: v,
      ...(params.ciphers ? { ciphers: params.ciphers } : {}),
    });
    if (a.ok) {
      versions[v] = 'accepted';
      details[v] = { cipher: a.hs.cipher?.name };
    } else if ('dial' in a) {
      const summary = `${target} ${describeDialFailure(a.dial)} (from ${ctx.dialer.vantage})`;
      const answered = a.dial.state === 'refused' || a.dial.state === 'timeout';
      return {
        outcome: answered ? 'fail' : 'error',
        summary,
        ...(answered ? {} : { reason: summary }),
        data: { host: params.host, port: params.port, layer: 'tcp', state: a.dial.state, versions },
        durationMs: performance.now() - started,
      };
    } else if (a.handshake.code === 'ERR_SSL_NO_PROTOCOLS_AVAILABLE') {
      // This machine's OpenSSL cannot offer the version: nothing was asked of the server.
      versions[v] = 'not-tried';
      details[v] = { reason: "this vantage's OpenSSL cannot offer it" };
    } else {
      versions[v] = 'rejected';
      details[v] = {
        meaning: a.handshake.meaning,
        ...(a.handshake.alert ? { alert: a.handshake.alert } : {}),
      };
    }
  }
  const accepted = Object.entries(versions)
    .filter(([, s]) => s === 'accepted')
    .map(([v]) => v);
  return {
    outcome: accepted.length ? 'pass' : 'fail',
    summary: `${target} accepts ${accepted.length ? accepted.join(', ') : 'no protocol version tried'} (from ${ctx.dialer.vantage})`,
    data: { host: params.host, port: params.port, scan: true, versions, details, accepted },
    actual: accepted.join(', ') || 'none',
    durationMs: performance.now() - started,
  };
}

async function runTls(params: TlsParams, ctx: ProbeContext): Promise<Observation> {
  if (params.scan) return scanVersions(params, ctx);
  const started = performance.now();
  const target = formatTarget(params.host, params.port);
  const servername = sniFor(params);
  const name = params.hostname ?? params.servername ?? params.host;
  const base = {
    host: params.host,
    port: params.port,
    vantage: ctx.dialer.vantage,
    ...(servername ? { servername } : {}),
  };
  const overrides = {
    ...(params.minVersion ? { minVersion: params.minVersion } : {}),
    ...(params.maxVersion ? { maxVersion: params.maxVersion } : {}),
    ...(params.ciphers ? { ciphers: params.ciphers } : {}),
  };
  const a = await handshake(params, ctx, overrides);
  const where = `${target}${servername ? ` (SNI ${servername})` : ''} from ${ctx.dialer.vantage}`;
  if (!a.ok && 'dial' in a) {
    const summary = `${where}: ${describeDialFailure(a.dial)}`;
    const answered = a.dial.state === 'refused' || a.dial.state === 'timeout';
    return {
      outcome: answered ? 'fail' : 'error',
      summary,
      ...(answered ? {} : { reason: summary }),
      data: { ...base, layer: 'tcp', state: a.dial.state, ...(a.dial.code ? { code: a.dial.code } : {}) },
      durationMs: performance.now() - started,
    };
  }
  if (!a.ok) {
    const f = a.handshake;
    const summary = `${where}: ${describeHandshake(f)}`;
    const aborted = f.code === 'ABORT_ERR';
    return {
      outcome: aborted ? 'error' : 'fail',
      summary,
      ...(aborted ? { reason: 'aborted' } : {}),
      data: { ...base, layer: 'handshake', handshake: f },
      actual: f.alert ?? f.meaning,
      durationMs: performance.now() - started,
    };
  }
  let hs = a.hs;
  // TLS 1.3 hides the Certificate message; ask once more with TLS 1.2 to see the order the server sends.
  let presented = hs.presented;
  let chainOrder: 'presented' | 'rebuilt' = 'presented';
  if (!presented && hs.protocol === 'TLSv1.3' && params.minVersion !== 'TLSv1.3') {
    const again = await handshake(params, ctx, { ...overrides, maxVersion: 'TLSv1.2' });
    if (again.ok && again.hs.presented) presented = again.hs.presented;
  }
  if (!presented) {
    presented = hs.chain;
    chainOrder = 'rebuilt';
  }
  hs = { ...hs, presented };
  const chain = judgeChain(hs.authorizationError, presented, trustedRoots(params));
  const leaf = presented[0];
  const hostCheck = leaf ? judgeHostname(leaf, name) : { ok: false, detail: 'no certificate' };
  const layer: TlsLayer = chain.verdict !== 'ok' ? 'chain' : !hostCheck.ok ? 'hostname' : 'ok';
  const facts: CertificateFacts[] = presented.map(certificateFacts);
  const data = {
    ...base,
    layer,
    protocol: hs.protocol,
    cipher: hs.cipher,
    tlsMs: ms(a.tlsMs),
    chain: facts,
    chainOrder,
    verdict: {
      tcp: 'ok',
      handshake: 'ok',
      chain: chain.verdict,
      chainDetail: chain.detail,
      hostname: hostCheck.ok ? 'ok' : 'mismatch',
      hostnameDetail: hostCheck.detail,
      ...(hs.authorizationError ? { opensslError: hs.authorizationError } : {}),
    },
    ...(leaf ? { daysLeft: Math.floor((new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000) } : {}),
  };
  const head = `${where}: ${hs.protocol ?? '?'} ${hs.cipher?.name ?? ''}`.trimEnd();
  const problem = layer === 'chain' ? chain.detail : layer === 'hostname' ? hostCheck.detail : undefined;
  return {
    outcome: layer === 'ok' ? 'pass' : 'fail',
    summary: problem
      ? `${head}; ${layer} problem: ${problem}`
      : `${head}; chain trusted, ${hostCheck.detail}`,
    data,
    expected: `trusted chain covering ${name}`,
    actual: layer === 'ok' ? 'ok' : layer === 'chain' ? chain.verdict : 'hostname mismatch',
    durationMs: performance.now() - started,
    raw: presented.map((c) => c.toString()).join(''),
  };
}

export const tlsProbe: NetworkProbe<TlsParams> = { ...tlsContract, run: runTls };
