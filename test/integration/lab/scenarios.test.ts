// Each scenario, started for real (reference LB + faulty backends), shows its
// fault to a plain HTTP client: the code, the x-router-code header, or which
// member answered.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseElbAccessLog } from '../../../src/accesslog/parse.js';
import { findScenario, type RunningScenario } from '../../../src/lab/scenarios/index.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false, signal: AbortSignal.timeout(20_000) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function up(id: string): Promise<{ running: RunningScenario; url: string }> {
  const scenario = findScenario(id);
  const running = await scenario.start();
  onTestFinished(() => running.close());
  const listener = running.listeners.find((l) => l.name === scenario.symptom.listener);
  if (!listener) throw new Error(`${id}: no listener ${scenario.symptom.listener}`);
  return { running, url: `${listener.url}${scenario.symptom.path}` };
}

async function backendsSeen(url: string, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) seen.push(String((await get(url, headers)).headers['x-backend']));
  return seen;
}

describe('lab scenarios through the reference LB', { timeout: 30_000 }, () => {
  it.each([
    ['empty-pool', '40000'],
    ['policy-pool-empty', '40001'],
    ['all-members-down', '50000'],
    ['health-path-404', '50000'],
    ['health-check-needs-host', '50000'],
    ['port-not-listening', '50000'],
    ['health-check-times-out', '50000'],
  ])('%s: the load balancer answers with x-router-code %s', async (id, code) => {
    const { url } = await up(id);
    const res = await get(url);
    expect(res.headers['x-router-code']).toBe(code);
    expect(res.headers['x-backend']).toBeUndefined();
  });

  it('healthy: the backend answers, no x-router-code', async () => {
    const { url, running } = await up('healthy');
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers['x-backend']).toBe('app1');
    expect(res.headers['x-router-code']).toBeUndefined();
    expect(running.inventoryYaml).toContain('router-code');
  });

  it.each([
    ['wrong-backend-port', 502],
    ['backend-reset', 502],
    ['malformed-response', 502],
    ['invalid-response-header', 502],
    ['backend-slow', 504],
  ])('%s: the load balancer answers %i itself', async (id, status) => {
    const { url } = await up(id);
    const res = await get(url);
    expect(res.status).toBe(status);
    expect(res.headers['x-backend']).toBeUndefined();
  });

  it('backend-reset-mid-response: the client never gets a whole answer', async () => {
    const { url } = await up('backend-reset-mid-response');
    const outcome = await get(url).then(
      (r) => (r.status === 502 ? '502' : `status ${r.status} with ${r.body.length} bytes`),
      (err: NodeJS.ErrnoException) => `error ${err.code ?? err.message}`,
    );
    // Either the LB saw the RST before forwarding the head (502) or the stream breaks.
    expect(outcome).toMatch(/^(502|error )/);
  });

  it('weight-zero: no member takes the request', async () => {
    const { url } = await up('weight-zero');
    const res = await get(url);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers['x-backend']).toBeUndefined();
  });

  it('uneven-weights: be1 (weight 3) answers more than be2 (weight 1)', async () => {
    const { url } = await up('uneven-weights');
    const seen = await backendsSeen(url, 8);
    const be1 = seen.filter((b) => b === 'be1').length;
    const be2 = seen.filter((b) => b === 'be2').length;
    expect(be1 + be2).toBe(8);
    expect(be1).toBeGreaterThan(be2);
  });

  it('source-ip-hash: one client address, one member', async () => {
    const { url } = await up('source-ip-hash');
    expect(new Set(await backendsSeen(url, 6)).size).toBe(1);
  });

  it('stickiness-off and app-cookie-missing: requests alternate between members', async () => {
    for (const id of ['stickiness-off', 'app-cookie-missing']) {
      const { url } = await up(id);
      expect(new Set(await backendsSeen(url, 4)), id).toEqual(new Set(['be1', 'be2']));
    }
  });

  it('sticky-cookie: a client that returns the cookie stays on one member', async () => {
    const { url } = await up('sticky-cookie');
    const first = await get(url);
    const setCookie = first.headers['set-cookie'];
    expect(setCookie).toBeDefined();
    const cookie = String(setCookie?.[0]).split(';')[0] ?? '';
    expect(new Set(await backendsSeen(url, 6, { cookie }))).toEqual(
      new Set([String(first.headers['x-backend'])]),
    );
  });

  it('slow-upstream-499: the access log the inventory names holds 499 lines', async () => {
    const { running } = await up('slow-upstream-499');
    const file = running.inventory.reference?.access_log;
    expect(file).toBeTruthy();
    const { records } = parseElbAccessLog(readFileSync(String(file), 'utf8'));
    const gaveUp = records.filter((r) => r.status === 499);
    expect(gaveUp.length).toBeGreaterThanOrEqual(4);
    expect(records.some((r) => r.status === 200)).toBe(true);
  });

  it('tcp-idle-reset: the TCP listener echoes, then resets the connection once it has been idle', async () => {
    const { running } = await up('tcp-idle-reset');
    const listener = running.listeners[0];
    expect(listener?.protocol).toBe('TCP');
    const seen = await new Promise<{ data: string; ending: string }>((resolve) => {
      const socket = connect(listener?.port ?? 0, listener?.address);
      let data = '';
      // The idle timeout is 10 s; give up well after it.
      const timer = setTimeout(() => done('still open'), 25_000);
      const done = (ending: string) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ data, ending });
      };
      socket.on('connect', () => socket.write('ping'));
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.on('end', () => done('end'));
      socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
    expect(seen).toEqual({ data: 'ping', ending: 'ECONNRESET' });
  });

  it.each([
    ['tls-expired-certificate', 'CERT_HAS_EXPIRED'],
    ['tls-hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ])(
    '%s: a client trusting the lab CA fails with %s; one that checks nothing reaches the backend',
    async (id, code) => {
      const { running } = await up(id);
      const listener = running.listeners[0];
      const caFile = running.inventory.certificates.find((c) => c.id === 'lab-ca')?.certificate;
      expect(listener?.protocol).toBe('HTTPS');
      const ca = readFileSync(String(caFile));
      const tlsGet = (verify: boolean) =>
        new Promise<string>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: listener?.address,
              port: listener?.port,
              path: '/',
              servername: 'www.lab.example',
              headers: { host: 'www.lab.example' },
              ca,
              rejectUnauthorized: verify,
              agent: false,
              signal: AbortSignal.timeout(10_000),
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(String(res.headers['x-backend'])));
            },
          );
          req.on('error', reject);
          req.end();
        });
      await expect(tlsGet(true)).rejects.toMatchObject({ code });
      expect(await tlsGet(false)).toBe('app1');
    },
  );

  it('udp-port-closed: the member is unhealthy and datagrams get no answer', async () => {
    const { running } = await up('udp-port-closed');
    const listener = running.listeners[0];
    expect(listener?.protocol).toBe('UDP');
    const reply = await new Promise<string>((resolve) => {
      const socket = createSocket('udp4');
      const timer = setTimeout(() => done('silence'), 1000);
      const done = (what: string) => {
        clearTimeout(timer);
        socket.close();
        resolve(what);
      };
      socket.on('message', (m) => done(m.toString()));
      socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      socket.send('ping', listener?.port ?? 0, listener?.address);
    });
    expect(reply).toBe('silence');
  });
});
