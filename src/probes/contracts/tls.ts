// tls: a handshake to host:port with SNI, judged layer by layer the way FAQ
// 1.12 walks its causes: tcp → handshake → chain → hostname.
import { z } from 'zod';
import { hostParam, portParam } from '../network-params.js';
import { defineContract, dialFailureState, sometimes, vantageField } from './define.js';

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];
const tlsVersion = z.enum(TLS_VERSIONS);

export const tlsParams = z
  .object({
    host: hostParam.describe('name or IP address to connect to'),
    port: portParam.describe('TCP port'),
    servername: z
      .string()
      .optional()
      .describe(
        'SNI; defaults to host when host is a name (never sent for IP literals, RFC 6066); empty: the host',
      ),
    hostname: z
      .string()
      .min(1)
      .optional()
      .describe('name the certificate must cover; defaults to servername, else host'),
    ca: z
      .string()
      .includes('-----BEGIN CERTIFICATE-----', { message: 'ca must be PEM text' })
      .optional()
      .describe('PEM bundle of CAs to trust instead of the bundled Mozilla roots'),
    caFile: z
      .string()
      .min(1)
      .optional()
      .describe('path to a PEM bundle of CAs to trust (read on this machine), when ca is not given'),
    minVersion: tlsVersion.optional().describe('lowest protocol version to offer'),
    maxVersion: tlsVersion.optional().describe('highest protocol version to offer'),
    ciphers: z
      .string()
      .min(1)
      .optional()
      .describe('OpenSSL cipher list (TLS ≤1.2 names and TLS 1.3 suites), e.g. ECDHE-RSA-AES128-GCM-SHA256'),
    verify: z
      .enum(['full', 'handshake'])
      .default('full')
      .describe(
        'full: chain and host name must be right to pass; handshake: passing needs only a completed handshake (a load balancer talking to an HTTPS backend), the verdict is still reported',
      ),
    scan: z
      .boolean()
      .default(false)
      .describe(
        'try each protocol version alone (within min/maxVersion) and report which ones the server accepts',
      ),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (
      p.minVersion &&
      p.maxVersion &&
      TLS_VERSIONS.indexOf(p.minVersion) > TLS_VERSIONS.indexOf(p.maxVersion)
    ) {
      ctx.addIssue({ code: 'custom', message: 'minVersion is above maxVersion', path: ['minVersion'] });
    }
  });
export type TlsParams = z.infer<typeof tlsParams>;

export const tlsLayer = z.enum(['tcp', 'handshake', 'chain', 'hostname', 'ok']);
export type TlsLayer = z.infer<typeof tlsLayer>;

export const chainVerdict = z.enum([
  'ok',
  'expired',
  'not-yet-valid',
  'self-signed',
  'untrusted-root',
  'incomplete-chain',
  'wrong-order',
  'untrusted',
]);
export type ChainVerdict = z.infer<typeof chainVerdict>;

export const handshakeMeaning = z.enum([
  'no-shared-cipher',
  'no-shared-protocol',
  'client-certificate-required',
  'not-tls',
  'closed',
  'timeout',
  'other',
]);

export const handshakeFailure = z
  .object({
    alert: sometimes(
      'the server sent an alert',
      z.string().describe('TLS alert, e.g. handshake_failure, protocol_version'),
    ),
    meaning: handshakeMeaning.describe(
      'what it most likely means: no-shared-cipher (FAQ 1.12 causes 1, 4: or no certificate for this SNI), no-shared-protocol, client-certificate-required (mutual authentication: the server asked for a client certificate and refused the client without one), not-tls (plain HTTP answered), closed, timeout, other (also aborted)',
    ),
    code: sometimes(
      'the error has a code',
      z.string().describe('OpenSSL/Node error code, e.g. ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'),
    ),
    message: z.string().describe('error message'),
  })
  .strict();
export type HandshakeFailure = z.infer<typeof handshakeFailure>;

export const certificateFacts = z
  .object({
    subject: z.string().describe('subject DN, "CN=…, O=…"'),
    issuer: z.string().describe('issuer DN'),
    subjectAltName: sometimes(
      'the certificate has SANs',
      z.string().describe('SANs, "DNS:a.example, IP Address:10.0.0.1"'),
    ),
    validFrom: z.string().describe('notBefore, ISO 8601'),
    validTo: z.string().describe('notAfter, ISO 8601'),
    fingerprint256: z.string().describe('SHA-256 fingerprint, colon-separated hex'),
    serialNumber: z.string().describe('serial number, hex'),
    selfSigned: z.boolean().describe('subject equals issuer and it verifies with its own key'),
    ca: z.boolean().describe('basicConstraints CA:TRUE'),
  })
  .strict();
export type CertificateFacts = z.infer<typeof certificateFacts>;

/**
 * The one TLS verdict the tls, http and websocket probes share
 * (src/probes/tls-handshake.ts): the same certificate reads the same in all three.
 */
export const tlsVerdictData = z
  .object({
    layer: z
      .enum(['handshake', 'chain', 'hostname', 'ok'])
      .describe('the first layer that failed, or ok (FAQ 1.12)'),
    handshake: sometimes(
      'layer handshake',
      handshakeFailure.describe('why the server refused the handshake'),
    ),
    protocol: sometimes('the handshake completed', z.string().describe('negotiated version, e.g. TLSv1.3')),
    cipher: sometimes(
      'the handshake completed',
      z.string().describe('negotiated cipher suite (OpenSSL name)'),
    ),
    chain: sometimes('the handshake completed', chainVerdict.describe('chain verdict (FAQ 1.12 cause 2)')),
    chainDetail: sometimes('the handshake completed', z.string().describe('one line on the chain verdict')),
    hostname: sometimes(
      'the handshake completed',
      z.enum(['ok', 'mismatch']).describe('does the leaf cover the name asked for (FAQ 1.12 cause 3)'),
    ),
    hostnameDetail: sometimes('the handshake completed', z.string().describe('one line on the host name')),
    opensslError: sometimes('OpenSSL rejected the chain', z.string().describe("OpenSSL's verify error code")),
    daysLeft: sometimes(
      'a certificate was presented',
      z.number().int().describe('whole days until the leaf expires (negative: expired that many days ago)'),
    ),
    notAfter: sometimes('a certificate was presented', z.string().describe("the leaf's notAfter, ISO 8601")),
    detail: z.string().describe('the verdict in one line'),
  })
  .strict();
export type TlsVerdictData = z.infer<typeof tlsVerdictData>;

const versionState = z.enum(['accepted', 'rejected', 'not-tried']);

export const tlsData = z
  .object({
    host: z.string().describe('the host parameter'),
    port: z.number().int().describe('the port parameter'),
    vantage: sometimes('not in scan mode', vantageField),
    servername: sometimes('not in scan mode, SNI sent', z.string().describe('SNI sent')),
    layer: sometimes(
      'not on a scan that reached the server',
      tlsLayer.describe('the first layer that failed (tcp, handshake, chain, hostname), or ok (FAQ 1.12)'),
    ),
    state: sometimes('layer tcp', dialFailureState.describe('how the dial failed, as tcp reports it')),
    code: sometimes(
      'layer tcp, not scan, failure has a code',
      z.string().describe('errno-style dial error code'),
    ),
    handshake: sometimes('layer handshake', handshakeFailure.describe('why the handshake failed')),
    protocol: sometimes(
      'layer chain, hostname or ok',
      z.string().describe('negotiated version, e.g. TLSv1.3'),
    ),
    cipher: sometimes(
      'layer chain, hostname or ok',
      z
        .object({
          name: z.string().describe('OpenSSL cipher name'),
          standardName: sometimes('Node knows it', z.string().describe('IANA cipher name')),
          version: z.string().describe('protocol version the cipher belongs to'),
        })
        .strict()
        .describe('negotiated cipher suite'),
    ),
    tlsMs: sometimes('layer chain, hostname or ok', z.number().describe('handshake time, ms')),
    chain: sometimes(
      'layer chain, hostname or ok',
      z.array(certificateFacts).describe('certificates in the order the server sent them (see chainOrder)'),
    ),
    chainOrder: sometimes(
      'layer chain, hostname or ok',
      z
        .enum(['presented', 'rebuilt'])
        .describe(
          'presented: read off the wire (TLS 1.2 Certificate message); rebuilt: issuer order from OpenSSL, when TLS 1.3 hid it and TLS 1.2 was refused',
        ),
    ),
    verdict: sometimes(
      'layer chain, hostname or ok',
      z
        .object({
          tcp: z.literal('ok').describe('always ok here'),
          handshake: z.literal('ok').describe('always ok here'),
          chain: chainVerdict.describe('chain layer verdict (FAQ 1.12 cause 2)'),
          chainDetail: z.string().describe('one line on the chain verdict'),
          hostname: z.enum(['ok', 'mismatch']).describe('does the leaf cover hostname (FAQ 1.12 cause 3)'),
          hostnameDetail: z.string().describe('one line, with the wildcard level spelled out on a mismatch'),
          opensslError: sometimes(
            'OpenSSL rejected the chain',
            z.string().describe("OpenSSL's verify error code"),
          ),
        })
        .strict()
        .describe('verdict layer by layer'),
    ),
    daysLeft: sometimes(
      'a certificate was presented',
      z.number().int().describe('whole days until the leaf expires (negative: expired that many days ago)'),
    ),
    scan: sometimes('scan mode, reached the server', z.literal(true).describe('this is a version scan')),
    versions: sometimes(
      'scan mode',
      z
        .partialRecord(tlsVersion, versionState)
        .describe('per version tried: accepted, rejected, or not-tried (this OpenSSL cannot offer it)'),
    ),
    details: sometimes(
      'scan mode, reached the server',
      z
        .partialRecord(
          tlsVersion,
          z
            .object({
              cipher: sometimes('accepted', z.string().describe('cipher negotiated with that version alone')),
              reason: sometimes('not-tried', z.string().describe('why it was not tried')),
              meaning: sometimes('rejected', handshakeMeaning.describe('why the server refused it')),
              alert: sometimes('rejected with an alert', z.string().describe('TLS alert')),
            })
            .strict(),
        )
        .describe('per version: what happened'),
    ),
    accepted: sometimes(
      'scan mode, reached the server',
      z.array(tlsVersion).describe('versions the server accepted'),
    ),
  })
  .strict();

export const tlsContract = defineContract({
  kind: 'tls',
  needs: 'network',
  summary:
    'TLS handshake with SNI: protocol, cipher, presented chain, verdict by layer (tcp, handshake, chain, hostname)',
  params: tlsParams,
  data: tlsData,
});
