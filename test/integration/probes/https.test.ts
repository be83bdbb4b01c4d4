import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { httpProbe as unchecked } from '../../../src/probes/http.js';
import { type Certificates, makeCertificates } from '../../helpers/certs.js';
import { checked } from '../../helpers/contracts.js';
import { localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the http contract (src/probes/contracts/http.ts). */
const httpProbe = checked(unchecked);

let dir: string;
let certs: Certificates;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-https-'));
  certs = await makeCertificates(dir, [{ name: 'www', sans: ['www.example.com'] }]);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function serveHttps(): Promise<number> {
  const server = createServer({ cert: certs.get('www').cert, key: certs.get('www').key }, (req, res) => {
    res.end(JSON.stringify({ host: req.headers.host, sni: (req.socket as TLSSocket).servername }));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

describe('http probe over TLS', () => {
  it('pins to 127.0.0.1 while sending the URL host as Host and SNI, and times the TLS phase', async () => {
    const port = await serveHttps();
    const obs = await httpProbe.run(
      httpProbe.params.parse({
        url: `https://www.example.com:${port}/`,
        connectTo: '127.0.0.1',
        ca: certs.ca.cert,
      }),
      localContext(),
    );
    expect(obs.outcome).toBe('pass');
    expect(JSON.parse(String(obs.data.body))).toEqual({
      host: `www.example.com:${port}`,
      sni: 'www.example.com',
    });
    expect(obs.data.servername).toBe('www.example.com');
    expect(typeof (obs.data.timings as { tlsMs?: number }).tlsMs).toBe('number');
    expect(obs.data.tlsProtocol).toBe('TLSv1.3');
  });

  it('fails with kind tls (the tls probe verdict) when the certificate is not trusted, unless insecure', async () => {
    const port = await serveHttps();
    const params = { url: `https://www.example.com:${port}/`, connectTo: `127.0.0.1:${port}` };
    const obs = await httpProbe.run(httpProbe.params.parse(params), localContext());
    // Not trusted is an answer the server gave, as the tls probe says: fail, not "could not check".
    expect(obs.outcome).toBe('fail');
    expect((obs.data.error as { kind: string }).kind).toBe('tls');
    expect(obs.data.tls).toMatchObject({ layer: 'chain', chain: 'incomplete-chain' });
    const insecure = await httpProbe.run(
      httpProbe.params.parse({ ...params, insecure: true }),
      localContext(),
    );
    expect(insecure.outcome).toBe('pass');
    expect(insecure.data.tls).toMatchObject({ layer: 'chain', chain: 'incomplete-chain' });
    expect(insecure.summary).toContain('certificate ignored');
  });
});
