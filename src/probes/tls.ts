// tls: a handshake to host:port with SNI, judged layer by layer the way FAQ
// 1.12 walks its four causes: TCP → handshake (alert: no shared cipher or
// protocol, cause 1 and 4) → chain (expired, not yet valid, self-signed,
// untrusted root, incomplete or misordered chain, cause 2) → host name
// (cause 3, including how many labels a wildcard covers). `data.layer` is
// the first layer that failed, or "ok".
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import { classifyDialError, type DialFailure, describeDialFailure } from '../transport/dialers/local.js';
import type { Proof, Same } from './contracts/define.js';
import {
  type certificateFacts as certificateFactsSchema,
  type HandshakeFailure,
  TLS_VERSIONS,
  type TlsParams,
  tlsContract,
} from './contracts/tls.js';
import { formatTarget, ms } from './network-params.js';
import { type CertificateFacts, certificateFacts } from './tls-chain.js';
import {
  describeHandshake,
  type Handshake,
  judgeTls,
  sniName,
  startTls,
  type TlsOptions,
} from './tls-handshake.js';
import type { NetworkProbe, Observation, ProbeContext } from './types.js';

/** How long a TLS 1.3 server has, after the handshake, to refuse a client without a certificate. */
const POST_HANDSHAKE_MS = 500;

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

type Attempt =
  | { ok: true; hs: Handshake; tlsMs: number }
  | { ok: false; dial: DialFailure }
  | { ok: false; handshake: HandshakeFailure };

function sniFor(p: TlsParams): string | undefined {
  return sniName(p.servername || p.host);
}

/** Dials and shakes hands once; the socket is closed again (this probe sends nothing over it). */
async function handshake(
  params: TlsParams,
  ctx: ProbeContext,
  overrides: Pick<TlsOptions, 'minVersion' | 'maxVersion' | 'ciphers'>,
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
  const servername = sniFor(params);
  const r = await startTls(
    raw,
    {
      ...(servername ? { servername } : {}),
      ...(params.ca ? { ca: params.ca } : {}),
      // This probe sends nothing after the handshake: wait for the server's
      // word on the client, or mutual TLS would look like a healthy listener.
      postHandshakeMs: Math.min(POST_HANDSHAKE_MS, ctx.timeoutMs),
      ...overrides,
    },
    ctx.signal,
    ctx.timeoutMs,
  );
  if (!r.ok) return r;
  r.socket.on('error', () => {});
  r.socket.destroy();
  raw.destroy();
  return { ok: true, hs: r.hs, tlsMs: r.tlsMs };
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

async function runTls(given: TlsParams, ctx: ProbeContext): Promise<Observation> {
  let params = given;
  if (given.caFile && !given.ca) {
    // The trust store a playbook names as a file input (FAQ 1.12 cause 2: which roots the clients trust).
    try {
      params = { ...given, ca: await readFile(given.caFile, 'utf8') };
    } catch (err) {
      const reason = `cannot read caFile ${given.caFile}: ${(err as Error).message}`;
      return {
        outcome: 'error',
        summary: reason,
        reason,
        data: { host: given.host, port: given.port },
        durationMs: 0,
      };
    }
    if (!params.ca?.includes('-----BEGIN CERTIFICATE-----')) {
      const reason = `caFile ${given.caFile} holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)`;
      return {
        outcome: 'error',
        summary: reason,
        reason,
        data: { host: given.host, port: given.port },
        durationMs: 0,
      };
    }
  }
  if (params.scan) return scanVersions(params, ctx);
  const started = performance.now();
  const target = formatTarget(params.host, params.port);
  const servername = sniFor(params);
  const name = params.hostname || params.servername || params.host;
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
  const v = judgeTls(hs, name, params.ca, presented);
  const layer = v.layer;
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
      chain: v.chain!,
      chainDetail: v.chainDetail!,
      hostname: v.hostname!,
      hostnameDetail: v.hostnameDetail!,
      ...(v.opensslError ? { opensslError: v.opensslError } : {}),
    },
    ...(v.daysLeft !== undefined ? { daysLeft: v.daysLeft } : {}),
  };
  return {
    outcome: layer === 'ok' || params.verify === 'handshake' ? 'pass' : 'fail',
    summary: `${where}: ${v.detail}`,
    data,
    expected: `trusted chain covering ${name}`,
    actual: layer === 'ok' ? 'ok' : layer === 'chain' ? v.chain! : 'hostname mismatch',
    durationMs: performance.now() - started,
    raw: presented.map((c) => c.toString()).join(''),
  };
}

export const tlsProbe: NetworkProbe<TlsParams> = { ...tlsContract, run: runTls };
