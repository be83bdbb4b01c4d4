// TLS fixtures test/helpers/certs.ts does not make: a root → intermediate →
// leaf chain (to serve incomplete and misordered chains) and a leaf that is
// not valid yet. Made per run with the openssl CLI in a directory the caller owns.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pem {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

export interface ChainFixtures {
  root: Pem;
  intermediate: Pem;
  /** Signed by the intermediate; SANs localhost and 127.0.0.1. */
  leaf: Pem;
  /** Signed by the root, valid from a year from now. */
  future: Pem;
}

async function key(path: string): Promise<void> {
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

async function pem(dir: string, name: string): Promise<Pem> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { certPath, keyPath, cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
}

async function sign(
  dir: string,
  name: string,
  issuer: string,
  subject: string,
  ext: string[],
  dates: { start?: string; end?: string } = {},
): Promise<void> {
  await key(join(dir, `${name}.key`));
  await run('openssl', [
    'req',
    '-new',
    '-key',
    join(dir, `${name}.key`),
    '-subj',
    subject,
    '-out',
    join(dir, `${name}.csr`),
  ]);
  await writeFile(join(dir, `${name}.ext`), ['[v3]', ...ext, ''].join('\n'));
  const db = join(dir, `${name}-db`);
  await run('mkdir', ['-p', db]);
  await writeFile(join(db, 'index.txt'), '');
  await writeFile(join(db, 'serial'), `${randomBytes(8).toString('hex').toUpperCase()}\n`);
  const conf = join(db, 'ca.cnf');
  await writeFile(
    conf,
    [
      '[ca]',
      'default_ca=t',
      '[t]',
      `dir=${db}`,
      `database=${join(db, 'index.txt')}`,
      `new_certs_dir=${db}`,
      `serial=${join(db, 'serial')}`,
      'default_md=sha256',
      'default_days=3',
      'policy=p',
      'unique_subject=no',
      '[p]',
      'commonName=supplied',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'ca',
    '-batch',
    '-notext',
    '-config',
    conf,
    '-cert',
    join(dir, `${issuer}.crt`),
    '-keyfile',
    join(dir, `${issuer}.key`),
    ...(dates.start ? ['-startdate', dates.start] : []),
    ...(dates.end ? ['-enddate', dates.end] : []),
    '-extfile',
    join(dir, `${name}.ext`),
    '-extensions',
    'v3',
    '-in',
    join(dir, `${name}.csr`),
    '-out',
    join(dir, `${name}.crt`),
  ]);
}

export async function makeChainFixtures(dir: string): Promise<ChainFixtures> {
  await key(join(dir, 'root.key'));
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    join(dir, 'root.key'),
    '-sha256',
    '-days',
    '3',
    '-subj',
    '/CN=lbdoctor chain test root',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    join(dir, 'root.crt'),
  ]);
  const caExt = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
  const leafExt = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ];
  await sign(dir, 'intermediate', 'root', '/CN=lbdoctor chain test intermediate', caExt);
  await sign(dir, 'leaf', 'intermediate', '/CN=localhost', leafExt);
  const year = new Date(Date.now() + 365 * 86_400_000);
  const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  await sign(dir, 'future', 'root', '/CN=localhost', leafExt, {
    start: stamp(year),
    end: stamp(new Date(year.getTime() + 86_400_000)),
  });
  return {
    root: await pem(dir, 'root'),
    intermediate: await pem(dir, 'intermediate'),
    leaf: await pem(dir, 'leaf'),
    future: await pem(dir, 'future'),
  };
}
