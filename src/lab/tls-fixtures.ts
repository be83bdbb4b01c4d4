// The TLS fixture set (FAQ 1.12, 5.8, 7.1–7.4): one private root, an
// intermediate, and the server certificates a listener can get wrong, each
// written as the PEM bundle a server would be given (certificate, then chain)
// plus its key. The lab scenarios serve them from the reference load
// balancer, tests serve them from `openssl s_server` and nginx, and
// `node scripts/make-tls-fixtures.mjs DIR` writes the same set for a person.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CertFiles, makeCertificates } from './certificates.js';

/** The host name clients ask for. */
export const TLS_LAB_HOST = 'www.lab.example';
/** A name one label deeper than the wildcard fixture covers. */
export const TLS_LAB_DEEP_HOST = 'api.eu.lab.example';

export const TLS_FIXTURES = {
  good: 'trusted chain (leaf, intermediate) for www.lab.example',
  expired: 'expired yesterday (sent with its intermediate)',
  'not-yet-valid': 'valid only from tomorrow',
  'wrong-host': 'a certificate for api.lab.example',
  wildcard: '*.lab.example (covers www.lab.example, not api.eu.lab.example)',
  'self-signed': 'self-signed for www.lab.example',
  'incomplete-chain': 'the leaf alone, without its intermediate',
  'reversed-chain': 'leaf, then root, then intermediate (chain out of order)',
  'leaf-last': 'intermediate first, leaf last (a PEM the console rejects, FAQ 7.4)',
} as const;
export type TlsFixtureName = keyof typeof TLS_FIXTURES;

export interface TlsFixture {
  /** PEM bundle: the server certificate first (except leaf-last), then its chain. */
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
  /** The same, split for servers that take them apart (`openssl s_server -cert LEAF -cert_chain CHAIN`). */
  leafPath: string;
  chainPath?: string;
}

export interface TlsFixtureSet {
  /** The private root clients trust (`--input ca=…`). */
  root: CertFiles;
  intermediate: CertFiles;
  get(name: TlsFixtureName): TlsFixture;
}

/** Writes the whole set into `dir` (made with the openssl CLI; a few seconds). */
export async function makeTlsFixtures(dir: string): Promise<TlsFixtureSet> {
  const made = await makeCertificates(dir, [
    { name: 'intermediate', commonName: 'lbdoctor lab intermediate', ca: true, keyType: 'ec' },
    { name: 'www', sans: [TLS_LAB_HOST], issuer: 'intermediate', keyType: 'ec' },
    { name: 'www-expired', sans: [TLS_LAB_HOST], issuer: 'intermediate', expired: true, keyType: 'ec' },
    { name: 'www-future', sans: [TLS_LAB_HOST], issuer: 'intermediate', notYetValid: true, keyType: 'ec' },
    { name: 'api', sans: ['api.lab.example'], issuer: 'intermediate', keyType: 'ec' },
    { name: 'star', sans: ['*.lab.example'], issuer: 'intermediate', keyType: 'ec' },
    { name: 'www-self', sans: [TLS_LAB_HOST], selfSigned: true, keyType: 'ec' },
  ]);
  const inter = made.get('intermediate');
  const bundles: Record<TlsFixtureName, [leaf: string, chain: string[]]> = {
    good: ['www', [inter.cert]],
    expired: ['www-expired', [inter.cert]],
    'not-yet-valid': ['www-future', [inter.cert]],
    'wrong-host': ['api', [inter.cert]],
    wildcard: ['star', [inter.cert]],
    'self-signed': ['www-self', []],
    'incomplete-chain': ['www', []],
    'reversed-chain': ['www', [made.ca.cert, inter.cert]],
    'leaf-last': ['www', []],
  };
  const set = {} as Record<TlsFixtureName, TlsFixture>;
  for (const [name, [leafName, chain]] of Object.entries(bundles) as [TlsFixtureName, [string, string[]]][]) {
    const leaf = made.get(leafName);
    const cert = name === 'leaf-last' ? inter.cert + leaf.cert : [leaf.cert, ...chain].join('');
    const certPath = join(dir, `${name}.pem`);
    await writeFile(certPath, cert);
    const rest = name === 'leaf-last' ? [] : chain;
    const chainPath = rest.length ? join(dir, `${name}.chain.pem`) : undefined;
    if (chainPath) await writeFile(chainPath, rest.join(''));
    set[name] = {
      certPath,
      keyPath: leaf.keyPath,
      cert,
      key: leaf.key,
      leafPath: leaf.certPath,
      ...(chainPath ? { chainPath } : {}),
    };
  }
  return { root: made.ca, intermediate: inter, get: (name) => set[name] };
}
