// Certificates for TLS lab scenarios (FAQ 1.12, 7.1–7.4), made with the
// openssl CLI into a scenario's work directory: a private CA and leaves it
// signs, valid now or already expired. `openssl ca` is used for leaves because
// it alone takes explicit start and end dates, which an expired leaf needs.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { LbdError } from '../errors.js';

export interface LabCertificate {
  certPath: string;
  keyPath: string;
}

export interface LeafSpec {
  name: string;
  /** DNS names; the first is also the CN. */
  dnsNames: string[];
  /** Valid from two days ago until yesterday. */
  expired?: boolean;
}

const DAY = 86_400_000;

async function openssl(args: string[]): Promise<void> {
  const result = await execa('openssl', args, { reject: false, timeout: 30_000 });
  if (result.exitCode !== 0) {
    throw new LbdError('LBD_ERR_INTERNAL', `openssl ${args[0]} failed: ${result.stderr || result.stdout}`, {
      hint: 'TLS lab scenarios need the openssl command (Debian: apt-get install openssl)',
    });
  }
}

async function ecKey(path: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

/** `openssl ca` wants dates as YYYYMMDDHHMMSSZ. */
const caDate = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

export async function makeLabCa(dir: string): Promise<LabCertificate> {
  const keyPath = join(dir, 'lab-ca.key');
  const certPath = join(dir, 'lab-ca.crt');
  await ecKey(keyPath);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    '-sha256',
    '-days',
    '3',
    '-subj',
    '/CN=lbdoctor lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    certPath,
  ]);
  return { certPath, keyPath };
}

export async function makeLabLeaf(dir: string, ca: LabCertificate, spec: LeafSpec): Promise<LabCertificate> {
  const keyPath = join(dir, `${spec.name}.key`);
  const certPath = join(dir, `${spec.name}.crt`);
  const csrPath = join(dir, `${spec.name}.csr`);
  const extPath = join(dir, `${spec.name}.ext`);
  const db = join(dir, `${spec.name}-ca-db`);
  await mkdir(db, { recursive: true });
  await ecKey(keyPath);
  await openssl([
    'req',
    '-new',
    '-key',
    keyPath,
    '-subj',
    `/CN=${spec.dnsNames[0] ?? spec.name}`,
    '-out',
    csrPath,
  ]);
  await writeFile(
    extPath,
    [
      '[leaf]',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${spec.dnsNames.map((d) => `DNS:${d}`).join(',')}`,
      '',
    ].join('\n'),
  );
  await writeFile(join(db, 'index.txt'), '');
  await writeFile(join(db, 'serial'), `${randomBytes(8).toString('hex').toUpperCase()}\n`);
  const conf = join(db, 'ca.cnf');
  await writeFile(
    conf,
    [
      '[ca]',
      'default_ca=lab',
      '[lab]',
      `database=${join(db, 'index.txt')}`,
      `new_certs_dir=${db}`,
      `serial=${join(db, 'serial')}`,
      'default_md=sha256',
      'policy=any',
      'unique_subject=no',
      'copy_extensions=none',
      '[any]',
      'commonName=supplied',
      '',
    ].join('\n'),
  );
  const now = Date.now();
  await openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    conf,
    '-cert',
    ca.certPath,
    '-keyfile',
    ca.keyPath,
    '-startdate',
    caDate(new Date(now - (spec.expired ? 2 : 1) * DAY)),
    '-enddate',
    caDate(new Date(now + (spec.expired ? -1 : 2) * DAY)),
    '-extfile',
    extPath,
    '-extensions',
    'leaf',
    '-in',
    csrPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath };
}
