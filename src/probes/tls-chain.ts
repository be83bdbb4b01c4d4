// What the server presented, in the order it presented it. OpenSSL (and so
// Node's getPeerCertificate) rebuilds the chain issuer by issuer, which hides
// a PEM uploaded in the wrong order (FAQ 1.12 cause 2, 7.x certificate
// format notes). In TLS 1.2 the Certificate message travels in clear, so the
// probe reads it off the wire; in TLS 1.3 it is encrypted and the probe asks
// again with TLS 1.2 when the server allows it.
import { X509Certificate } from 'node:crypto';

/**
 * The DER certificates of a TLS ≤1.2 server flight's Certificate message, in
 * wire order; undefined when the bytes do not hold one (TLS 1.3, or a cut-off flight).
 */
export function presentedCertificates(bytes: Buffer): Buffer[] | undefined {
  const body = handshakeMessage(bytes, CERTIFICATE);
  if (!body) return undefined;
  const total = body.readUIntBE(0, 3);
  const certs: Buffer[] = [];
  let q = 3;
  while (q + 3 <= Math.min(body.length, 3 + total)) {
    const certLen = body.readUIntBE(q, 3);
    certs.push(body.subarray(q + 3, q + 3 + certLen));
    q += 3 + certLen;
  }
  return certs;
}

const CERTIFICATE = 11;
const CERTIFICATE_REQUEST = 13;

/**
 * Whether the server asked for a client certificate (mutual authentication),
 * as far as the cleartext shows: up to TLS 1.2 the CertificateRequest travels
 * in clear; under TLS 1.3 it is encrypted, and only the server's later
 * `certificate_required` alert tells.
 */
export function requestedClientCertificate(bytes: Buffer): boolean {
  return handshakeMessage(bytes, CERTIFICATE_REQUEST) !== undefined;
}

/** The body of the first handshake message of `wanted` type in the server's cleartext flight. */
function handshakeMessage(bytes: Buffer, wanted: number): Buffer | undefined {
  // Reassemble handshake-type records until the first non-handshake record.
  const handshake: Buffer[] = [];
  let off = 0;
  while (off + 5 <= bytes.length) {
    const type = bytes[off]!;
    const len = bytes.readUInt16BE(off + 3);
    if (off + 5 + len > bytes.length) break;
    if (type !== 22) break;
    handshake.push(bytes.subarray(off + 5, off + 5 + len));
    off += 5 + len;
  }
  const hs = Buffer.concat(handshake);
  let p = 0;
  while (p + 4 <= hs.length) {
    const msgType = hs[p]!;
    const len = hs.readUIntBE(p + 1, 3);
    if (p + 4 + len > hs.length) return undefined;
    if (msgType === wanted) return hs.subarray(p + 4, p + 4 + len);
    p += 4 + len;
  }
  return undefined;
}

export interface CertificateFacts {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  serialNumber: string;
  /** Subject equals issuer and the certificate verifies with its own key. */
  selfSigned: boolean;
  ca: boolean;
}

export function certificateFacts(cert: X509Certificate): CertificateFacts {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    ...(cert.subjectAltName ? { subjectAltName: cert.subjectAltName } : {}),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    selfSigned: isSelfSigned(cert),
    ca: cert.ca,
  };
}

export function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** True when every certificate is followed by its issuer (the order RFC 5246 §7.4.2 asks for). */
export function inIssuerOrder(chain: readonly X509Certificate[]): boolean {
  for (let i = 1; i < chain.length; i++) {
    if (!chain[i - 1]!.checkIssued(chain[i]!)) return false;
  }
  return true;
}

/** Loads every certificate from a PEM bundle. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}
