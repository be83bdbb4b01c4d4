import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tlsProbe as unchecked } from '../../../src/probes/tls.js';
import { type Certificates, makeCertificates } from '../../helpers/certs.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';
import { type ChainFixtures, makeChainFixtures } from '../../helpers/tls-fixtures.js';

/** Every observation below is checked against the tls contract (src/probes/contracts/tls.ts). */
const tlsProbe = checked(unchecked);

let dir: string;
let certs: Certificates;
let chain: ChainFixtures;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-tls-'));
  certs = await makeCertificates(dir, [
    { name: 'good', sans: ['localhost', '127.0.0.1'] },
    { name: 'expired', sans: ['localhost'], expired: true },
    { name: 'self', sans: ['localhost'], selfSigned: true },
    { name: 'wild', sans: ['*.example.com'] },
  ]);
  chain = await makeChainFixtures(join(dir));
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function serve(options: TlsOptions): Promise<number> {
  const server = createServer(options, (socket) => socket.end());
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('no address');
  return a.port;
}

const run = (params: Record<string, unknown>) =>
  tlsProbe.run(tlsProbe.params.parse(params), localContext(4000));
type Verdict = { chain: string; hostname: string; chainDetail: string; hostnameDetail: string };

describe('tls probe', () => {
  it('passes on a trusted chain covering the name, with protocol, cipher and chain facts', async () => {
    const port = await serve({ cert: certs.get('good').cert, key: certs.get('good').key });
    const obs = await run({ host: '127.0.0.1', port, servername: 'localhost', ca: certs.ca.cert });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.layer).toBe('ok');
    expect(obs.data.protocol).toBe('TLSv1.3');
    expect((obs.data.cipher as { name: string }).name).toMatch(/^TLS_/);
    const facts = obs.data.chain as { subject: string; subjectAltName: string; fingerprint256: string }[];
    expect(facts[0]?.subject).toBe('CN=localhost');
    expect(facts[0]?.subjectAltName).toContain('DNS:localhost');
    expect(facts[0]?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(obs.data.chainOrder).toBe('presented');
  });

  it('checks an IP target against IP SANs when no SNI is sent', async () => {
    const port = await serve({ cert: certs.get('good').cert, key: certs.get('good').key });
    const obs = await run({ host: '127.0.0.1', port, ca: certs.ca.cert });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.servername).toBeUndefined();
  });

  it('fails at the chain layer: expired', async () => {
    const port = await serve({ cert: certs.get('expired').cert, key: certs.get('expired').key });
    const obs = await run({ host: '127.0.0.1', port, servername: 'localhost', ca: certs.ca.cert });
    expect(obs.outcome).toBe('fail');
    expect(obs.data.layer).toBe('chain');
    expect((obs.data.verdict as Verdict).chain).toBe('expired');
  });

  it('fails at the chain layer: not yet valid', async () => {
    const port = await serve({ cert: chain.future.cert, key: chain.future.key });
    const obs = await run({ host: '127.0.0.1', port, servername: 'localhost', ca: chain.root.cert });
    expect((obs.data.verdict as Verdict).chain).toBe('not-yet-valid');
  });

  it('fails at the chain layer: self-signed', async () => {
    const port = await serve({ cert: certs.get('self').cert, key: certs.get('self').key });
    const obs = await run({ host: '127.0.0.1', port, servername: 'localhost', ca: certs.ca.cert });
    expect(obs.data.layer).toBe('chain');
    expect((obs.data.verdict as Verdict).chain).toBe('self-signed');
  });

  it('fails at the chain layer: untrusted root (root sent, not trusted)', async () => {
    const port = await serve({ cert: certs.get('good').cert + certs.ca.cert, key: certs.get('good').key });
    const obs = await run({ host: '127.0.0.1', port, servername: 'localhost' });
    expect((obs.data.verdict as Verdict).chain).toBe('untrusted-root');
  });

  it('fails at the chain layer: incomplete chain (intermediate not sent)', async () => {
    const port = await serve({ cert: chain.leaf.cert, key: chain.leaf.key });
    const obs = await run({ host: '127.0.0.1', port, servername: 'localhost', ca: chain.root.cert });
    expect(obs.outcome).toBe('fail');
    expect((obs.data.verdict as Verdict).chain).toBe('incomplete-chain');
    expect((obs.data.verdict as Verdict).chainDetail).toMatch(/intermediate/);
  });

  it('passes on leaf + intermediate, and finds a misordered chain the client would still accept', async () => {
    const good = await serve({ cert: chain.leaf.cert + chain.intermediate.cert, key: chain.leaf.key });
    const ok = await run({ host: '127.0.0.1', port: good, servername: 'localhost', ca: chain.root.cert });
    expect(ok.outcome).toBe('pass');
    expect((ok.data.chain as unknown[]).length).toBe(2);
    const bad = await serve({
      cert: chain.leaf.cert + chain.root.cert + chain.intermediate.cert,
      key: chain.leaf.key,
    });
    const obs = await run({ host: '127.0.0.1', port: bad, servername: 'localhost', ca: chain.root.cert });
    expect(obs.outcome).toBe('fail');
    expect((obs.data.verdict as Verdict).chain).toBe('wrong-order');
    expect(obs.data.chainOrder).toBe('presented');
    expect((obs.data.chain as { subject: string }[]).map((c) => c.subject)).toEqual([
      'CN=localhost',
      'CN=lbdoctor chain test root',
      'CN=lbdoctor chain test intermediate',
    ]);
  });

  it('fails at the hostname layer, and names the wildcard level', async () => {
    const port = await serve({ cert: certs.get('wild').cert, key: certs.get('wild').key });
    const one = await run({ host: '127.0.0.1', port, servername: 'www.example.com', ca: certs.ca.cert });
    expect(one.outcome).toBe('pass');
    const two = await run({ host: '127.0.0.1', port, servername: 'a.b.example.com', ca: certs.ca.cert });
    expect(two.outcome).toBe('fail');
    expect(two.data.layer).toBe('hostname');
    expect((two.data.verdict as Verdict).hostnameDetail).toMatch(/one label.*wildcard level/);
    const other = await run({ host: '127.0.0.1', port, servername: 'www.example.org', ca: certs.ca.cert });
    expect((other.data.verdict as Verdict).hostname).toBe('mismatch');
  });

  it('fails at the handshake layer: no shared protocol version', async () => {
    const port = await serve({
      cert: certs.get('good').cert,
      key: certs.get('good').key,
      maxVersion: 'TLSv1.2',
    });
    const obs = await run({ host: '127.0.0.1', port, minVersion: 'TLSv1.3', ca: certs.ca.cert });
    expect(obs.outcome).toBe('fail');
    expect(obs.data.layer).toBe('handshake');
    expect((obs.data.handshake as { meaning: string }).meaning).toBe('no-shared-protocol');
  });

  it('fails at the handshake layer: no shared cipher, with the alert name', async () => {
    const port = await serve({
      cert: certs.get('good').cert,
      key: certs.get('good').key,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    });
    const obs = await run({
      host: '127.0.0.1',
      port,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384',
      ca: certs.ca.cert,
    });
    expect(obs.data.layer).toBe('handshake');
    const hs = obs.data.handshake as { meaning: string; alert?: string };
    expect(hs.meaning).toBe('no-shared-cipher');
    expect(hs.alert).toBe('handshake_failure');
  });

  it('says the port does not speak TLS when plain text answers', async () => {
    const { port } = await listenTcp((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.data.layer).toBe('handshake');
    expect((obs.data.handshake as { meaning: string }).meaning).toBe('not-tls');
  });

  it('fails at the tcp layer when the port is closed', async () => {
    const obs = await run({ host: '127.0.0.1', port: await closedPort() });
    expect(obs.outcome).toBe('fail');
    expect(obs.data.layer).toBe('tcp');
    expect(obs.data.state).toBe('refused');
  });

  it('scan mode can ask for legacy versions (TLS 1.0/1.1) the default security level refuses', async () => {
    const port = await serve({
      cert: certs.get('good').cert,
      key: certs.get('good').key,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const obs = await run({ host: '127.0.0.1', port, scan: true });
    expect(obs.data.accepted).toEqual(['TLSv1', 'TLSv1.1']);
    expect(obs.data.versions).toMatchObject({ 'TLSv1.2': 'rejected', 'TLSv1.3': 'rejected' });
  });

  it('scan mode lists which protocol versions the server accepts', async () => {
    const port = await serve({
      cert: certs.get('good').cert,
      key: certs.get('good').key,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    });
    const obs = await run({ host: '127.0.0.1', port, scan: true });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.versions).toEqual({
      TLSv1: 'rejected',
      'TLSv1.1': 'rejected',
      'TLSv1.2': 'accepted',
      'TLSv1.3': 'rejected',
    });
  });
});
