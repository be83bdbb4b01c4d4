// tls-handshake on real third-party TLS servers: `openssl s_server` and nginx
// serving the fixture set, each fault diagnosed through the CLI as a user
// runs it (`lbdoctor run tls-handshake --inventory FILE --non-interactive
// --format json`), asserting that conclusion and no other error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeCertificates } from '../../../src/lab/certificates.js';
import { closedTcpPort, freeTcpPort } from '../../../src/lab/scenarios/free-port.js';
import {
  makeTlsFixtures,
  TLS_LAB_DEEP_HOST,
  TLS_LAB_HOST,
  type TlsFixtureName,
  type TlsFixtureSet,
} from '../../../src/lab/tls-fixtures.js';
import { lbdoctor } from '../../helpers/cli.js';
import { NGINX, nginxMissing, startNginx } from '../../helpers/nginx.js';
import { httpsInventory, startOpenSslServer } from '../../helpers/tls-servers.js';

let dir: string;
let set: TlsFixtureSet;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-tls-real-'));
  set = await makeTlsFixtures(dir);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Finding {
  code: string;
  severity: string;
}

async function diagnose(inventory: string, extra: string[] = []): Promise<Finding[]> {
  const r = await lbdoctor([
    'run',
    'tls-handshake',
    '--inventory',
    inventory,
    '--input',
    `ca=${set.root.certPath}`,
    ...extra,
    '--non-interactive',
    '--format',
    'json',
  ]);
  const report = JSON.parse(r.stdout) as { findings: Finding[] };
  return report.findings;
}

function expectOnly(findings: Finding[], conclusion: string): void {
  const errors = findings.filter((f) => f.severity === 'error').map((f) => f.code);
  expect(errors).toEqual([`tls-handshake/${conclusion}`]);
}

describe('tls-handshake on openssl s_server', { timeout: 60_000 }, () => {
  const cases: [TlsFixtureName, string][] = [
    ['expired', 'certificate-expired'],
    ['not-yet-valid', 'certificate-not-yet-valid'],
    ['self-signed', 'self-signed'],
    ['incomplete-chain', 'incomplete-chain'],
    ['reversed-chain', 'wrong-chain-order'],
    ['wrong-host', 'hostname-mismatch'],
  ];
  it.each(cases)('%s → %s', async (fixture, conclusion) => {
    const f = set.get(fixture);
    const port = await startOpenSslServer(f);
    const findings = await diagnose(await httpsInventory(dir, port, f), [
      '--set',
      `server_name=${TLS_LAB_HOST}`,
    ]);
    expectOnly(findings, conclusion);
  });

  it('a wildcard one level short → wildcard-level', async () => {
    const f = set.get('wildcard');
    const port = await startOpenSslServer(f);
    const findings = await diagnose(await httpsInventory(dir, port, f), [
      '--set',
      `server_name=${TLS_LAB_DEEP_HOST}`,
    ]);
    expectOnly(findings, 'wildcard-level');
  });

  it('a server speaking only TLS 1.0 → protocol-mismatch, naming what it accepts', async () => {
    const f = set.get('good');
    const port = await startOpenSslServer(f, ['-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
    const r = await lbdoctor([
      'run',
      'tls-handshake',
      '--inventory',
      await httpsInventory(dir, port, f),
      '--set',
      `server_name=${TLS_LAB_HOST}`,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { findings: (Finding & { cause: string })[] };
    expectOnly(report.findings, 'protocol-mismatch');
    expect(report.findings[0]?.cause).toMatch(/accepts: TLSv1\b/);
  });

  it('no cipher suite in common → no-certificate-or-cipher, or cipher-mismatch once the certificate is said bound', async () => {
    const f = set.get('good');
    // CAMELLIA is outside the suites Node (as browsers) offers.
    const port = await startOpenSslServer(f, ['-no_tls1_3', '-cipher', 'ECDHE-ECDSA-CAMELLIA128-SHA256']);
    const inventory = await httpsInventory(dir, port, f);
    expectOnly(
      await diagnose(inventory, ['--set', `server_name=${TLS_LAB_HOST}`]),
      'no-certificate-or-cipher',
    );
    expectOnly(
      await diagnose(inventory, ['--set', `server_name=${TLS_LAB_HOST}`, '--set', 'certificate_bound=true']),
      'cipher-mismatch',
    );
  });

  it.each([
    ['TLS 1.3 (refused after the handshake)', []],
    ['TLS 1.2 (refused in it)', ['-no_tls1_3']],
  ])(
    'a server demanding a client certificate (s_server -Verify 1), %s → client-certificate-required',
    async (_how, extra) => {
      const f = set.get('good');
      const port = await startOpenSslServer(f, ['-Verify', '1', ...extra]);
      const findings = await diagnose(await httpsInventory(dir, port, f), [
        '--set',
        `server_name=${TLS_LAB_HOST}`,
      ]);
      expect(findings.map((x) => x.code)).toEqual(['tls-handshake/client-certificate-required']);
    },
  );

  it('a server with no certificate at all (s_server -nocert), answered certificate_bound=false → certificate-not-bound', async () => {
    const f = set.get('good');
    // -nocert: no certificate is loaded, so only anonymous suites remain, which
    // no client offers: the handshake_failure a listener without a bound certificate gives.
    const port = await startOpenSslServer(f, ['-nocert']);
    const inventory = await httpsInventory(dir, port, f);
    const findings = await diagnose(inventory, [
      '--set',
      `server_name=${TLS_LAB_HOST}`,
      '--set',
      'certificate_bound=false',
    ]);
    expectOnly(findings, 'certificate-not-bound');
    expect(findings.map((x) => x.code)).toEqual(['tls-handshake/certificate-not-bound']);
  });

  it('the host name clients use is not known, and the certificate does not cover the address → name-unknown, a warning', async () => {
    const f = set.get('good');
    const port = await startOpenSslServer(f);
    const inventory = await httpsInventory(dir, port, f);
    // No HOST_NAME rule, no certificate domain in the inventory, no --set server_name.
    const unnamed = await lbdoctor([
      'run',
      'tls-handshake',
      '--inventory',
      inventory,
      '--input',
      `ca=${set.root.certPath}`,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const findings = (JSON.parse(unnamed.stdout) as { findings: Finding[] }).findings;
    expect(findings).toEqual([
      expect.objectContaining({ code: 'tls-handshake/name-unknown', severity: 'warn' }),
    ]);
    expect(unnamed.code).toBe(0);
    // Given the name, the same server is healthy: the warning was only about the missing name.
    const named = await diagnose(inventory, ['--set', `server_name=${TLS_LAB_HOST}`]);
    expect(named.map((x) => x.code)).toEqual(['tls-handshake/tls-healthy']);
  });

  it('a healthy server: no error finding; a pasted Java PKIX error then names the client trust store', async () => {
    const f = set.get('good');
    const port = await startOpenSslServer(f);
    const inventory = await httpsInventory(dir, port, f);
    const healthy = await diagnose(inventory, ['--set', `server_name=${TLS_LAB_HOST}`]);
    expect(healthy.filter((x) => x.severity === 'error')).toEqual([]);
    expect(healthy.map((x) => x.code)).toContain('tls-handshake/tls-healthy');
    const pkix = await diagnose(inventory, [
      '--set',
      `server_name=${TLS_LAB_HOST}`,
      '--input',
      'client_error=javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path to requested target',
    ]);
    expectOnly(pkix, 'client-chain-untrusted');
  });

  it.each([
    ['closes the connection', (sock: Socket) => sock.end()],
    ['resets the connection', (sock: Socket) => sock.resetAndDestroy()],
  ])('a server that reads the ClientHello and %s → handshake-failed', async (_how, hangUp) => {
    // A TCP server, not TLS: it takes the connection and the ClientHello, then
    // hangs up without a word, as a listener with nothing to answer this SNI does.
    const port = await freeTcpPort();
    const server = createServer((sock) => sock.once('data', () => hangUp(sock)));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const findings = await diagnose(await httpsInventory(dir, port, set.get('good')), [
      '--set',
      `server_name=${TLS_LAB_HOST}`,
    ]);
    expect(findings.map((x) => x.code)).toEqual(['tls-handshake/handshake-failed']);
  });

  it('a certificate issued by a server certificate (not a CA) → chain-untrusted', async () => {
    // A real chain OpenSSL refuses for none of the named reasons: the issuer is
    // trusted and in date, but its basicConstraints say CA:FALSE (INVALID_CA).
    const made = await makeCertificates(join(dir, 'non-ca-issuer'), [
      { name: 'server', sans: [TLS_LAB_HOST], keyType: 'ec' },
      { name: 'under-server', sans: [TLS_LAB_HOST], issuer: 'server', keyType: 'ec' },
    ]);
    const leaf = made.get('under-server');
    const chainPath = join(dir, 'non-ca-issuer', 'chain.pem');
    await writeFile(chainPath, made.get('server').cert);
    const fixture = { ...leaf, leafPath: leaf.certPath, chainPath };
    const port = await startOpenSslServer(fixture);
    const r = await lbdoctor([
      'run',
      'tls-handshake',
      '--inventory',
      await httpsInventory(dir, port, fixture),
      '--input',
      `ca=${made.ca.certPath}`,
      '--set',
      `server_name=${TLS_LAB_HOST}`,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const report = JSON.parse(r.stdout) as { findings: (Finding & { cause: string })[] };
    expect(report.findings.map((x) => x.code)).toEqual(['tls-handshake/chain-untrusted']);
    // Node names this error UNSPECIFIED; the fix line shows how to get OpenSSL's own words.
    expect(report.findings[0]!.cause).toContain('chain verification failed');
    expect(r.code).toBe(1);
  });

  it('a plain HTTP server on an HTTPS listener → https-listener-missing', async () => {
    const port = await freeTcpPort();
    const { createServer } = await import('node:http');
    const server = createServer((_q, s) => s.end('plain'));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    expectOnly(await diagnose(await httpsInventory(dir, port, set.get('good'))), 'https-listener-missing');
  });
});

describe('tls-handshake: a pasted client error picks the branch when the listener is right from here', {
  timeout: 120_000,
}, () => {
  const messages: [string, string, string][] = [
    [
      'Java',
      'sun.security.validator.ValidatorException: PKIX path building failed',
      'client-chain-untrusted',
    ],
    [
      'Java',
      'java.security.cert.CertificateException: No subject alternative names present',
      'client-name-mismatch',
    ],
    [
      'Java',
      'javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure',
      'client-cipher-mismatch',
    ],
    [
      'Java',
      'javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)',
      'client-protocol-mismatch',
    ],
    [
      'curl',
      'curl: (60) SSL certificate problem: unable to get local issuer certificate',
      'client-chain-untrusted',
    ],
    [
      'curl',
      "curl: (60) SSL: no alternative certificate subject name matches target host name 'x.example'",
      'client-name-mismatch',
    ],
    ['curl', 'curl: (60) SSL certificate problem: certificate has expired', 'client-date-invalid'],
    ['OpenSSL', 'error:0A000102:SSL routines::unsupported protocol', 'client-protocol-mismatch'],
    ['OpenSSL', 'error:0A00010B:SSL routines::wrong version number', 'client-not-tls'],
    ['Go', 'x509: certificate signed by unknown authority', 'client-chain-untrusted'],
    ['Go', 'x509: certificate is valid for api.example.com, not www.example.com', 'client-name-mismatch'],
    ['Go', 'remote error: tls: handshake failure', 'client-cipher-mismatch'],
    ['Go', 'tls: first record does not look like a TLS handshake', 'client-not-tls'],
    [
      'Node',
      'Error: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      'client-chain-untrusted',
    ],
    [
      'Node',
      "Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)",
      'client-name-mismatch',
    ],
    ['Node', 'Error: certificate has expired (CERT_HAS_EXPIRED)', 'client-date-invalid'],
    ['browser', 'NET::ERR_CERT_AUTHORITY_INVALID', 'client-chain-untrusted'],
    ['browser', 'NET::ERR_CERT_COMMON_NAME_INVALID', 'client-name-mismatch'],
    ['browser', 'NET::ERR_CERT_DATE_INVALID', 'client-date-invalid'],
    ['browser', 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH', 'client-protocol-mismatch'],
  ];
  let inventory: string;
  let stopTable = (): void => {};
  beforeAll(async () => {
    // One healthy server for the whole table, stopped in afterAll.
    const f = set.get('good');
    const port = await startOpenSslServer(f, [], (stop) => {
      stopTable = stop;
    });
    inventory = await httpsInventory(dir, port, f);
  }, 30_000);
  afterAll(() => stopTable());

  it.each(messages)('%s: %s → %s', async (_who, message, conclusion) => {
    const findings = await diagnose(inventory, [
      '--set',
      `server_name=${TLS_LAB_HOST}`,
      '--input',
      `client_error=${message}`,
    ]);
    expectOnly(findings, conclusion);
  });
});

describe('tls-handshake: HTTP listeners, HTTPS pools, nothing listening', { timeout: 60_000 }, () => {
  it('an HTTP listener clients use https:// on (asked) → https-listener-missing; not asked → info only', async () => {
    const file = join(dir, 'http-listener.yaml');
    const port = await freeTcpPort();
    await writeFile(
      file,
      [
        'loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}',
        `listeners: [{name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: p}]`,
        'pools: [{id: p, protocol: HTTP, members: []}]',
      ].join('\n'),
    );
    expectOnly(await diagnose(file, ['--set', 'clients_use_https=true']), 'https-listener-missing');
    const unasked = await diagnose(file);
    expect(unasked.map((f) => [f.code, f.severity])).toEqual([['tls-handshake/plain-http-listener', 'info']]);
  });

  it('nothing listening on the HTTPS listener → listener-unreachable', async () => {
    const port = await closedTcpPort();
    expectOnly(await diagnose(await httpsInventory(dir, port, set.get('good'))), 'listener-unreachable');
  });

  it('an HTTPS pool whose member speaks plain HTTP, or only TLS 1.0 → backend-handshake-failed per member', async () => {
    const good = set.get('good');
    const listenerPort = await startOpenSslServer(good);
    const tls10 = await startOpenSslServer(good, ['-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
    const okMember = await startOpenSslServer(set.get('self-signed'));
    const plainPort = await freeTcpPort();
    const { createServer } = await import('node:http');
    const plain = createServer((_q, s) => s.end('plain'));
    await new Promise<void>((resolve) => plain.listen(plainPort, '127.0.0.1', () => resolve()));
    onTestFinished(() => new Promise<void>((resolve) => plain.close(() => resolve())));
    const file = join(dir, 'https-pool.yaml');
    await writeFile(
      file,
      [
        'loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}',
        `listeners: [{name: https, protocol: HTTPS, protocol_port: ${listenerPort}, default_pool_id: p, default_tls_container_ref: c}]`,
        'pools:',
        '  - id: p',
        '    protocol: HTTPS',
        '    members:',
        `      - {name: plain, address: 127.0.0.1, protocol_port: ${plainPort}}`,
        `      - {name: old-tls, address: 127.0.0.1, protocol_port: ${tls10}}`,
        // A self-signed member is fine: only the handshake is held against a member.
        `      - {name: self-signed, address: 127.0.0.1, protocol_port: ${okMember}}`,
        `certificates: [{id: c, certificate: ${good.certPath}, domain: ${TLS_LAB_HOST}}]`,
      ].join('\n'),
    );
    const findings = await lbdoctor([
      'run',
      'tls-handshake',
      '--inventory',
      file,
      '--input',
      `ca=${set.root.certPath}`,
      '--non-interactive',
      '--format',
      'json',
    ]);
    const report = JSON.parse(findings.stdout) as { findings: (Finding & { subject?: { name: string } })[] };
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.code, f.subject?.name]).sort()).toEqual([
      ['tls-handshake/backend-handshake-failed', 'old-tls'],
      ['tls-handshake/backend-handshake-failed', 'plain'],
    ]);
    expect(report.findings.map((f) => f.code)).toContain('tls-handshake/tls-healthy');
  });
});

describe('tls-handshake --input pem=FILE: the file checked before it is uploaded (FAQ 7.4)', {
  timeout: 60_000,
}, () => {
  async function pemRun(pem: string, extra: string[] = []): Promise<Finding[]> {
    const r = await lbdoctor([
      'run',
      'tls-handshake',
      '--input',
      `pem=${pem}`,
      '--input',
      `ca=${set.root.certPath}`,
      ...extra,
      '--non-interactive',
      '--format',
      'json',
    ]);
    return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  }
  it.each([
    ['incomplete-chain', 'pem-incomplete-chain'],
    ['leaf-last', 'pem-wrong-order'],
    ['reversed-chain', 'pem-wrong-order'],
    ['expired', 'pem-out-of-date'],
    ['not-yet-valid', 'pem-out-of-date'],
  ] as [TlsFixtureName, string][])('%s → %s', async (fixture, conclusion) => {
    expectOnly(await pemRun(set.get(fixture).certPath), conclusion);
  });

  it('spaces pasted around the PEM → pem-spaces; a key of another certificate → pem-key-mismatch', async () => {
    const padded = join(dir, 'padded.pem');
    await writeFile(padded, `  ${set.get('good').cert}  \n`);
    expectOnly(await pemRun(padded), 'pem-spaces');
    expectOnly(
      await pemRun(set.get('good').certPath, ['--input', `key=${set.get('wrong-host').keyPath}`]),
      'pem-key-mismatch',
    );
  });

  it('a file that is not PEM → pem-unreadable; a good one with its key → pem-ok, info only', async () => {
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    expectOnly(await pemRun(junk), 'pem-unreadable');
    const ok = await pemRun(set.get('good').certPath, ['--input', `key=${set.get('good').keyPath}`]);
    expect(ok.map((f) => [f.code, f.severity])).toEqual([['tls-handshake/pem-ok', 'info']]);
  });

  it('a good file and an inventory: the listener is checked too', async () => {
    const f = set.get('expired');
    const port = await startOpenSslServer(f);
    const findings = await pemRun(set.get('good').certPath, [
      '--inventory',
      await httpsInventory(dir, port, f),
      '--set',
      `server_name=${TLS_LAB_HOST}`,
    ]);
    expectOnly(findings, 'certificate-expired');
  });
});

describe.skipIf(!NGINX)('tls-handshake on nginx', { timeout: 60_000 }, () => {
  if (!NGINX) console.warn(`skipping nginx TLS tests: ${nginxMissing}`);
  async function serve(fixture: TlsFixtureName): Promise<string> {
    const f = set.get(fixture);
    const port = await freeTcpPort();
    const nginx = await startNginx(
      `server { listen 127.0.0.1:${port} ssl; ssl_certificate ${f.certPath}; ssl_certificate_key ${f.keyPath}; location / { return 200 "ok\\n"; } }`,
      [port],
    );
    onTestFinished(() => nginx.close());
    return httpsInventory(dir, port, f);
  }
  it.each([
    ['expired', 'certificate-expired'],
    ['incomplete-chain', 'incomplete-chain'],
    ['wrong-host', 'hostname-mismatch'],
  ] as [TlsFixtureName, string][])('%s → %s', async (fixture, conclusion) => {
    expectOnly(await diagnose(await serve(fixture), ['--set', `server_name=${TLS_LAB_HOST}`]), conclusion);
  });
  it('the healthy twin raises no error finding', async () => {
    const findings = await diagnose(await serve('good'), ['--set', `server_name=${TLS_LAB_HOST}`]);
    expect(findings.filter((x) => x.severity === 'error')).toEqual([]);
    expect(findings.map((x) => x.code)).toContain('tls-handshake/tls-healthy');
  });
});
