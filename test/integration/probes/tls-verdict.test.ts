// One TLS verdict everywhere: the tls, http and websocket probes, pointed at
// the same server, say the same thing about its certificate. Before the
// shared handshake (src/probes/tls-handshake.ts), an expired certificate read
// FAIL in `probe tls`, ERROR "could not check" in `probe http`, and daysLeft
// said -2 for a certificate that expired one day ago.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { httpProbe as rawHttp } from '../../../src/probes/http.js';
import { tlsProbe as rawTls } from '../../../src/probes/tls.js';
import { websocketProbe as rawWs } from '../../../src/probes/websocket.js';
import { type Certificates, makeCertificates } from '../../helpers/certs.js';
import { checked } from '../../helpers/contracts.js';
import { localContext } from '../../helpers/net-servers.js';

const tls = checked(rawTls);
const http = checked(rawHttp);
const ws = checked(rawWs);
const HOST = 'www.verdict.example';

let dir: string;
let certs: Certificates;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-tls-verdict-'));
  certs = await makeCertificates(dir, [
    { name: 'good', sans: [HOST], keyType: 'ec' },
    { name: 'expired', sans: [HOST], keyType: 'ec', expired: true },
    { name: 'other-host', sans: ['api.verdict.example'], keyType: 'ec' },
    { name: 'wildcard', sans: ['*.example'], keyType: 'ec' },
  ]);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A TLS server that answers any request with 200 (and any upgrade with a 400: the TLS verdict comes first). */
async function serve(
  name: string,
  options: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; minVersion?: 'TLSv1.3' } = {},
): Promise<number> {
  const c = certs.get(name);
  const server = createServer({ cert: c.cert, key: c.key, ...options }, (socket) => {
    socket.on('error', () => {});
    socket.once('data', () =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'),
    );
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

async function allThree(port: number, extra: { maxVersion?: 'TLSv1.2' } = {}) {
  const ca = certs.ca.cert;
  const t = await tls.run(
    tls.params.parse({ host: '127.0.0.1', port, servername: HOST, ca, ...extra }),
    localContext(),
  );
  const h = await http.run(
    http.params.parse({ url: `https://${HOST}:${port}/`, connectTo: `127.0.0.1:${port}`, ca }),
    localContext(),
  );
  const w = await ws.run(
    ws.params.parse({ host: '127.0.0.1', port, scheme: 'wss', hostHeader: HOST, ca }),
    localContext(),
  );
  return { t, h, w };
}

describe('one TLS verdict in the tls, http and websocket probes', () => {
  it('an expired certificate: all three fail on the chain layer, and daysLeft is -1 a day after expiry', async () => {
    const { t, h, w } = await allThree(await serve('expired'));
    expect([t.outcome, h.outcome, w.outcome]).toEqual(['fail', 'fail', 'fail']);
    expect(t.data.layer).toBe('chain');
    expect((t.data.verdict as { chain: string }).chain).toBe('expired');
    for (const o of [h, w]) {
      expect(o.data.tls).toMatchObject({ layer: 'chain', chain: 'expired', daysLeft: -1 });
      expect((o.data.error as { kind: string }).kind).toBe('tls');
    }
    expect(t.data.daysLeft).toBe(-1);
    expect(h.summary).toContain('expired');
  });

  it('a certificate for another host: all three fail on the hostname layer', async () => {
    const { t, h, w } = await allThree(await serve('other-host'));
    expect([t.outcome, h.outcome, w.outcome]).toEqual(['fail', 'fail', 'fail']);
    expect(t.data.layer).toBe('hostname');
    expect(h.data.tls).toMatchObject({ layer: 'hostname', hostname: 'mismatch' });
    expect(w.data.tls).toMatchObject({ layer: 'hostname', hostname: 'mismatch' });
  });

  it('a wildcard one level too shallow is named as such by all three', async () => {
    const { t, h } = await allThree(await serve('wildcard'));
    expect(t.outcome).toBe('fail');
    expect((t.data.verdict as { hostnameDetail: string }).hostnameDetail).toContain('wildcard level');
    expect((h.data.tls as { hostnameDetail: string }).hostnameDetail).toContain('wildcard level');
  });

  it('a handshake the server refuses (protocol): all three fail on the handshake layer', async () => {
    const port = await serve('good', { minVersion: 'TLSv1.3' });
    const { t, h, w } = await allThree(port, { maxVersion: 'TLSv1.2' });
    expect(t.outcome).toBe('fail');
    expect(t.data.layer).toBe('handshake');
    // http and websocket offer every version, so they get through: same server, same verdict, ok.
    expect(h.data.tls).toMatchObject({ layer: 'ok' });
    expect(w.data.tls).toMatchObject({ layer: 'ok' });
  });

  it('a good certificate: all three pass with the same verdict', async () => {
    const { t, h, w } = await allThree(await serve('good'));
    expect(t.outcome).toBe('pass');
    expect(h.outcome).toBe('pass');
    expect(h.data.tls).toMatchObject({ layer: 'ok', chain: 'ok', hostname: 'ok', daysLeft: 1 });
    // The websocket server here answers 200, not 101: the upgrade fails, the TLS verdict is ok.
    expect(w.data.tls).toMatchObject({ layer: 'ok' });
    expect(w.data.error).toBeUndefined();
  });
});
