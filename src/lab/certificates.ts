// Certificates made fresh with the openssl CLI, for TLS lab scenarios (FAQ
// 1.12, 7.1–7.4) and tests: a private CA, then leaves it signs (SANs,
// wildcards, expired, self-signed), written as PEM files into a directory the
// caller owns.
// `openssl ca` is used (not `x509 -req`) because only it can back-date a
// certificate, which the "expired" cases need (FAQ 7.2, 7.3 note).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { LbdError } from '../errors.js';

async function run(command: 'openssl', args: string[]): Promise<void> {
  const result = await execa(command, args, { reject: false, timeout: 30_000 });
  if (result.exitCode !== 0) {
    throw new LbdError('LBD_ERR_INTERNAL', `openssl ${args[0]} failed: ${result.stderr || result.stdout}`, {
      hint: 'making certificates needs the openssl command (Debian: apt-get install openssl)',
    });
  }
}

export interface CertSpec {
  /** File stem: `<name>.crt`, `<name>.key`. */
  name: string;
  /** Subject CN; defaults to the first SAN, else the name. */
  commonName?: string;
  /** DNS names (`*.example.com` allowed) and IP addresses (`IP:127.0.0.1` or a bare IPv4/IPv6). */
  sans?: string[];
  /** Valid from two days ago until yesterday. */
  expired?: boolean;
  /** Valid from tomorrow (for three days). */
  notYetValid?: boolean;
  /** Signed by itself instead of the test CA. */
  selfSigned?: boolean;
  /** Signed by this earlier spec (an intermediate, `ca: true`) instead of the test CA. */
  issuer?: string;
  /** An intermediate CA (basicConstraints CA:TRUE) instead of a server certificate. */
  ca?: boolean;
  /** Key type: `rsa` (2048 bits, default) or `ec` (P-256). */
  keyType?: 'rsa' | 'ec';
}

export interface CertFiles {
  certPath: string;
  keyPath: string;
  /** PEM text of the certificate and the private key. */
  cert: string;
  key: string;
}

export interface Certificates {
  ca: CertFiles;
  /** By spec name. */
  certs: Record<string, CertFiles>;
  /** Look one up, failing loudly on a typo. */
  get(name: string): CertFiles;
}

/** Creates a CA and one certificate per spec in `dir`. Needs the `openssl` binary. */
export async function makeCertificates(dir: string, specs: readonly CertSpec[]): Promise<Certificates> {
  await mkdir(join(dir, 'ca-db'), { recursive: true });
  const ca = await makeCa(dir);
  const certs: Record<string, CertFiles> = {};
  for (const spec of specs) {
    const issuer = spec.issuer ? certs[spec.issuer] : ca;
    if (!issuer) throw new Error(`certificate ${spec.name}: issuer ${spec.issuer} must come before it`);
    certs[spec.name] = await makeLeaf(dir, issuer, spec);
  }
  return {
    ca,
    certs,
    get(name) {
      const c = certs[name];
      if (!c) throw new Error(`no test certificate named ${name}`);
      return c;
    },
  };
}

async function makeCa(dir: string): Promise<CertFiles> {
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.crt');
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    keyPath,
  ]);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    '-sha256',
    '-days',
    '3',
    '-subj',
    '/CN=lbdoctor test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
}

function sanEntry(s: string): string {
  if (/^(DNS|IP):/.test(s)) return s;
  return /^[\d.]+$/.test(s) || s.includes(':') ? `IP:${s}` : `DNS:${s}`;
}

/** openssl's ca takes dates as YYYYMMDDHHMMSSZ. */
function caDate(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

async function makeLeaf(dir: string, ca: CertFiles, spec: CertSpec): Promise<CertFiles> {
  const keyPath = join(dir, `${spec.name}.key`);
  const certPath = join(dir, `${spec.name}.crt`);
  const csrPath = join(dir, `${spec.name}.csr`);
  const sans = (spec.sans ?? []).map(sanEntry);
  const cn = spec.commonName ?? spec.sans?.[0]?.replace(/^(DNS|IP):/, '') ?? spec.name;
  if (spec.keyType === 'ec') {
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      keyPath,
    ]);
  } else {
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-out',
      keyPath,
    ]);
  }
  await run('openssl', ['req', '-new', '-key', keyPath, '-subj', `/CN=${cn}`, '-out', csrPath]);
  const extPath = join(dir, `${spec.name}.ext`);
  await writeFile(
    extPath,
    [
      '[leaf]',
      ...(spec.ca
        ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']
        : [
            'basicConstraints=CA:FALSE',
            'keyUsage=critical,digitalSignature,keyEncipherment',
            'extendedKeyUsage=serverAuth,clientAuth',
          ]),
      ...(sans.length ? [`subjectAltName=${sans.join(',')}`] : []),
      '',
    ].join('\n'),
  );
  const now = Date.now();
  const [from, to] = spec.expired ? [-2, -1] : spec.notYetValid ? [1, 4] : [-1, 2];
  const start = new Date(now + from * 86_400_000);
  const end = new Date(now + to * 86_400_000);
  const caConf = join(dir, 'ca-db', 'ca.cnf');
  const db = join(dir, 'ca-db');
  await writeFile(join(db, 'index.txt'), '');
  await writeFile(join(db, 'serial'), `${randomBytes(8).toString('hex').toUpperCase()}\n`);
  await writeFile(
    caConf,
    [
      '[ca]',
      'default_ca=test',
      '[test]',
      `dir=${db}`,
      `database=${join(db, 'index.txt')}`,
      `new_certs_dir=${db}`,
      `serial=${join(db, 'serial')}`,
      'default_md=sha256',
      'policy=anything',
      'unique_subject=no',
      'copy_extensions=none',
      '[anything]',
      'commonName=supplied',
      '',
    ].join('\n'),
  );
  const signer = spec.selfSigned
    ? { cert: 'selfsign', key: keyPath }
    : { cert: ca.certPath, key: ca.keyPath };
  await run('openssl', [
    'ca',
    '-batch',
    '-notext',
    '-config',
    caConf,
    ...(spec.selfSigned ? ['-selfsign'] : ['-cert', signer.cert]),
    '-keyfile',
    signer.key,
    '-startdate',
    caDate(start),
    '-enddate',
    caDate(end),
    '-extfile',
    extPath,
    '-extensions',
    'leaf',
    '-in',
    csrPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
}
