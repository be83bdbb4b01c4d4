// http-timing on real sockets: one URL several times, and a pool's members
// (each dialled with the listener's Host) told apart by their median time:
// fast, slow, silent, refusing; the transfer phase of a throttled download.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpTimingProbe as unchecked } from '../../../src/probes/http-timing.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, localContext } from '../../helpers/net-servers.js';

const probe = checked(unchecked);
// biome-ignore lint/suspicious/noExplicitAny: test reads nested data
const dataOf = (o: { data: Record<string, unknown> }) => o.data as any;

async function listenHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

const after =
  (ms: number, body = 'ok') =>
  (_req: IncomingMessage, res: ServerResponse) => {
    setTimeout(() => res.end(body), ms);
  };

const run = (params: Record<string, unknown>) => probe.run(probe.params.parse(params), localContext(3000));

describe('http-timing probe', () => {
  it('one URL, three requests: medians of each phase, pass when under slowMs', async () => {
    const hosts: string[] = [];
    const port = await listenHttp((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('ok');
    });
    const obs = await run({ url: `http://127.0.0.1:${port}/x`, slowMs: 500 });
    expect(obs.outcome).toBe('pass');
    const d = dataOf(obs);
    expect(d.counts).toEqual({ fast: 1, slow: 0, noAnswer: 0, total: 1 });
    expect(d.targets[0]).toMatchObject({
      name: `127.0.0.1:${port}`,
      requests: 3,
      answered: 3,
      statuses: [200, 200, 200],
      verdict: 'fast',
    });
    expect(d.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(d.timings.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(d.timings.totalMs).toBeLessThan(500);
    expect(hosts).toHaveLength(3);
    expect(obs.summary).toMatch(
      /×3 .*: 127\.0\.0\.1:\d+: 200, total [\d.]+ ms \(connect [\d.]+, first byte [\d.]+, transfer [\d.]+ ms; 3\/3 answered/,
    );
  });

  it('members told apart: fast, slow, silent, refusing; Host kept; fail names them', async () => {
    const hosts: string[] = [];
    const fast = await listenHttp((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('fast');
    });
    const slow = await listenHttp(after(400));
    const silent = await listenHttp(() => {});
    const refused = await closedPort();
    const member = (name: string, port: number) => ({
      name,
      address: '127.0.0.1',
      protocol_port: port,
      weight: 1,
    });
    const started = Date.now();
    const obs = await run({
      url: 'http://shop.example.com:8080/cart',
      targets: [member('be1', fast), member('be2', slow), member('be3', silent), member('be4', refused)],
      requests: 2,
      slowMs: 300,
      requestTimeoutMs: 600,
    });
    // Each target on its own; the silent one is asked once and not again.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(obs.outcome).toBe('fail');
    const d = dataOf(obs);
    expect(d.counts).toEqual({ fast: 1, slow: 1, noAnswer: 2, total: 4 });
    expect(d.verdict).toBe('slow');
    expect(hosts).toEqual(['shop.example.com:8080', 'shop.example.com:8080']);
    const by = Object.fromEntries(d.targets.map((t: { name: string }) => [t.name, t]));
    expect(by.be1).toMatchObject({ verdict: 'fast', answered: 2, dialed: `127.0.0.1:${fast}` });
    expect(by.be2).toMatchObject({ verdict: 'slow', answered: 2, slowRequests: 2 });
    expect(by.be2.timings.firstByteMs).toBeGreaterThanOrEqual(390);
    expect(by.be3).toMatchObject({
      verdict: 'no-answer',
      requests: 1,
      answered: 0,
      error: { kind: 'response-timeout' },
    });
    expect(by.be4).toMatchObject({ verdict: 'no-answer', requests: 1, error: { kind: 'connect-refused' } });
    expect(d.slowNames).toMatch(/^be2 \(4\d\d(\.\d)? ms\)$/);
    expect(d.fastNames).toMatch(/^be1 \(/);
    expect(d.noAnswerNames).toBe('be3 (response-timeout), be4 (connect-refused)');
    expect(d.slowest.name).toBe('be2');
    expect(d.fastest.name).toBe('be1');
    expect(obs.actual).toMatch(/slow: be2 .*; no answer: be3/);
  });

  it('a throttled download shows in transfer, not in first byte', async () => {
    const port = await listenHttp((_req, res) => {
      res.writeHead(200, { 'content-length': String(4 * 16384) });
      res.flushHeaders();
      let sent = 0;
      const tick = setInterval(() => {
        res.write(Buffer.alloc(16384, 97));
        if (++sent === 4) {
          clearInterval(tick);
          res.end();
        }
      }, 100);
    });
    const d = dataOf(await run({ url: `http://127.0.0.1:${port}/big`, requests: 1, slowMs: 300 }));
    expect(d.verdict).toBe('slow');
    expect(d.timings.firstByteMs).toBeLessThan(100);
    expect(d.timings.transferMs).toBeGreaterThanOrEqual(300);
  });

  it('error when nothing answers', async () => {
    const obs = await run({ url: `http://127.0.0.1:${await closedPort()}/` });
    expect(obs.outcome).toBe('error');
    expect(dataOf(obs).verdict).toBe('no-answer');
    expect(obs.reason).toMatch(/connect-refused/);
  });

  it('asks for the requests on top of the probe timeout', () => {
    expect(
      unchecked.extraTimeMs?.(probe.params.parse({ url: 'http://x/', requests: 4, requestTimeoutMs: 2000 })),
    ).toBe(8000);
  });
});
