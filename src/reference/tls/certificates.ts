// Certificates from the inventory (`certificates[]`): PEM text inline, or a
// path relative to the inventory file. What SNI matches on is the
// certificate's `domain` (as ELB's API has it, comma separated) or else the
// certificate's own DNS names.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { Certificate } from '../../model/inventory.js';

export interface LoadedCertificate {
  id: string;
  cert: string;
  key: string;
  /** Lower-case names SNI matches against; `*.example.com` for wildcards. */
  domains: string[];
  /** SHA-256 fingerprint, to tell which certificate a connection got. */
  fingerprint256: string;
  notAfter: Date;
}

export function isPemText(v: string): boolean {
  return v.includes('-----BEGIN ');
}

/** Where a path-valued field points, relative to the inventory file. */
export function resolvePemPath(value: string, inventorySource: string | undefined): string {
  return isAbsolute(value)
    ? value
    : resolve(inventorySource ? dirname(inventorySource) : process.cwd(), value);
}

function readPem(value: string, inventorySource: string | undefined, field: string, id: string): string {
  if (isPemText(value)) return value;
  const path = resolvePemPath(value, inventorySource);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `certificate "${id}": cannot read ${field} file ${path}`,
      [{ ...(inventorySource ? { file: inventorySource } : {}), field, message: (err as Error).message }],
      'give PEM text or a path relative to the inventory file',
      'LBD_ERR_FILE',
    );
  }
}

export function certificateDomains(c: Pick<Certificate, 'domain'>, x509: X509Certificate): string[] {
  if (c.domain) {
    return c.domain
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean);
  }
  const sans = (x509.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
  if (sans.length) return sans;
  const cn = /CN=([^\n,]+)/.exec(x509.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}

export function loadCertificate(c: Certificate, inventorySource: string | undefined): LoadedCertificate {
  if (!c.private_key) {
    throw new InputError(`certificate "${c.id}" has no private_key`, [
      {
        ...(inventorySource ? { file: inventorySource } : {}),
        field: `certificates[${c.id}].private_key`,
        message: 'a server certificate needs its private key',
      },
    ]);
  }
  const cert = readPem(c.certificate, inventorySource, 'certificate', c.id);
  const key = readPem(c.private_key, inventorySource, 'private_key', c.id);
  return fromPem(c.id, cert, key, c.domain ?? null);
}

export function fromPem(id: string, cert: string, key: string, domain: string | null): LoadedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new InputError(`certificate "${id}" is not a PEM certificate (FAQ 7.4)`, [
      { field: 'certificate', message: (err as Error).message },
    ]);
  }
  return {
    id,
    cert,
    key,
    domains: certificateDomains({ domain }, x509),
    fingerprint256: x509.fingerprint256,
    notAfter: new Date(x509.validTo),
  };
}

/**
 * A CA bundle for client-certificate checks (`client_ca_tls_container_ref`,
 * mutual TLS, FAQ 1.12 cause 3): certificate PEM only, no key.
 */
export function loadCaBundle(c: Certificate, inventorySource: string | undefined): string {
  const pem = readPem(c.certificate, inventorySource, 'certificate', c.id);
  try {
    new X509Certificate(pem);
  } catch (err) {
    throw new InputError(`certificate "${c.id}" is not a PEM CA certificate (FAQ 7.4)`, [
      { field: 'certificate', message: (err as Error).message },
    ]);
  }
  return pem;
}
