// ELB's predefined TLS security policies (ELB user guide "TLS Security
// Policy"; FAQ 1.12 cause 4 and 7.4 are what a mismatch looks like to a
// client): which protocol versions and cipher suites an HTTPS listener offers.
import type tls from 'node:tls';

type Version = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsPolicy {
  name: string;
  minVersion: Version;
  maxVersion: Version;
  /** OpenSSL names, TLS 1.2 and below. */
  ciphers: readonly string[];
}

/** The suites every policy up to tls-1-2 offers (the tls-1-0 list). */
const BROAD = [
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'AES128-SHA256',
  'AES256-SHA256',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'AES128-SHA',
  'AES256-SHA',
] as const;

/** No SHA-1 CBC suites. */
const STRICT = BROAD.filter((c) => !/-SHA$/.test(c));
/** Forward secrecy only: ECDHE key exchange. */
const FORWARD_SECRET = STRICT.filter((c) => c.startsWith('ECDHE-'));
/** AEAD only. */
const NO_CBC = FORWARD_SECRET.filter((c) => c.includes('GCM'));

const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

export const TLS_POLICIES: Readonly<Record<string, TlsPolicy>> = {
  'tls-1-0': { name: 'tls-1-0', minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: BROAD },
  'tls-1-1': { name: 'tls-1-1', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.2', ciphers: BROAD },
  'tls-1-2': { name: 'tls-1-2', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: BROAD },
  'tls-1-0-inherit': {
    name: 'tls-1-0-inherit',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    ciphers: [...BROAD, 'DHE-RSA-AES128-SHA'],
  },
  'tls-1-2-strict': { name: 'tls-1-2-strict', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: STRICT },
  'tls-1-0-with-1-3': {
    name: 'tls-1-0-with-1-3',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.3',
    ciphers: [...BROAD, ...TLS13],
  },
  'tls-1-2-fs-with-1-3': {
    name: 'tls-1-2-fs-with-1-3',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [...FORWARD_SECRET, ...TLS13],
  },
  'tls-1-2-fs': { name: 'tls-1-2-fs', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: FORWARD_SECRET },
  'tls-1-2-strict-no-cbc': {
    name: 'tls-1-2-strict-no-cbc',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: NO_CBC,
  },
};

/** ELB's default when a listener names no policy. */
export const DEFAULT_TLS_POLICY = 'tls-1-0';

export function tlsPolicy(name: string | null | undefined): TlsPolicy | undefined {
  return TLS_POLICIES[(name ?? DEFAULT_TLS_POLICY).toLowerCase()];
}

/** Node/OpenSSL options for a policy. TLS 1.0/1.1 need OpenSSL security level 0 on OpenSSL 3. */
export function secureOptionsFor(
  p: TlsPolicy,
): Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers'> {
  const legacy = p.minVersion === 'TLSv1' || p.minVersion === 'TLSv1.1';
  const tls13 = p.ciphers.filter((c) => c.startsWith('TLS_'));
  const tls12 = p.ciphers.filter((c) => !c.startsWith('TLS_'));
  // An explicit TLS 1.3 list even for 1.2-only policies: maxVersion already keeps 1.3 out.
  const ciphers = [...tls12, ...(tls13.length ? tls13 : TLS13)].join(':') + (legacy ? ':@SECLEVEL=0' : '');
  return { minVersion: p.minVersion, maxVersion: p.maxVersion, ciphers };
}
