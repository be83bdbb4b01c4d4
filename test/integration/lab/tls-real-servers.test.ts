// tls-handshake on real third-party TLS servers: `openssl s_server` and nginx
// serving the fixture set, each fault diagnosed through the CLI as a user
// runs it (`lbdoctor run tls-handshake --inventory FILE --non-interactive
// --format json`), asserting that conclusion and no other error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freeTcpPort } from '../../../src/lab/scenarios/free-port.js';
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

  it('a plain HTTP server on an HTTPS listener → https-listener-missing', async () => {
    const port = await freeTcpPort();
    const { createServer } = await import('node:http');
    const server = createServer((_q, s) => s.end('plain'));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    expectOnly(await diagnose(await httpsInventory(dir, port, set.get('good'))), 'https-listener-missing');
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
