// A local stand-in for the ELB v3 API, for `--from elb-api` tests: HTTPS with
// a certificate from the lab's CA (trusted through NODE_EXTRA_CA_CERTS, as a
// user would add a CA), answering with the saved responses of a fixture
// folder in their documented shapes, lists one item per page (so the client
// must follow next_marker), and checking every request: GET only, and signed
// as the API requires. The signature is verified by the documented
// SDK-HMAC-SHA256 steps, independently of the SDK signer lbdoctor uses.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificates } from '../../src/lab/certificates.js';

export const FAKE_AK = 'HPUATESTACCESSKEY01';
export const FAKE_SK = 'testSecretKey0123456789abcdefghijklmnopq';
export const FAKE_PROJECT = '99a3fff0d03c428eac3678da6a7d0f24';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The documented signature check: undefined when it holds, else why not. */
function verifySignature(req: IncomingMessage, url: URL): string | undefined {
  const auth = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization ?? ''),
  );
  if (!auth) return 'no SDK-HMAC-SHA256 Authorization header';
  const [, access, signedHeaders, signature] = auth as unknown as [string, string, string, string];
  if (access !== FAKE_AK) return `signed with access key ${access}`;
  const names = signedHeaders.split(';');
  for (const must of ['host', 'x-sdk-date', 'x-project-id'])
    if (!names.includes(must)) return `${must} is not signed`;
  const date = String(req.headers['x-sdk-date'] ?? '');
  const when = Date.parse(date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(Math.abs(Date.now() - when) < 15 * 60_000)) return `X-Sdk-Date ${date} is not within 15 minutes`;
  const path = `${url.pathname.split('/').map(encode).join('/')}${url.pathname.endsWith('/') ? '' : '/'}`;
  const query = [...url.searchParams.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const canonical = ['GET', path, query, headers, signedHeaders, sha256('')].join('\n');
  const expected = createHmac('sha256', FAKE_SK)
    .update(`SDK-HMAC-SHA256\n${date}\n${sha256(canonical)}`)
    .digest('hex');
  return expected === signature ? undefined : 'the signature does not match the request';
}

export interface SeenRequest {
  method: string;
  path: string;
  /** Why the request was refused (not read-only, not signed right). */
  problem?: string;
}

/** One page of a list: one item, and next_marker while more remain. */
function page(key: string, items: unknown[], url: URL): unknown {
  const marker = url.searchParams.get('marker');
  const start = marker ? items.findIndex((i) => (i as { id: string }).id === marker) + 1 : 0;
  const slice = items.slice(start, start + 1);
  const next = start + 1 < items.length ? { next_marker: (slice[0] as { id: string }).id } : {};
  return { [key]: slice, page_info: { current_count: slice.length, ...next }, request_id: 'r' };
}

export interface FakeElbApi {
  /** The environment a client needs: credentials, LBDOCTOR_ELB_ENDPOINT, NODE_EXTRA_CA_CERTS. */
  env(): Record<string, string>;
  seen: SeenRequest[];
  /** Paths (after /v3/PROJECT/elb/) answered with an error status `times` times. */
  failures: Map<string, { status: number; body: unknown; times: number }>;
  close(): Promise<void>;
}

/**
 * Serves the load balancer `lbId` from `fixtureDir` (the files of
 * test/fixtures/import/elb-json/shop: loadbalancer, listeners, pool, members,
 * healthmonitor, l7policies, l7rules).
 */
export async function startFakeElbApi(fixtureDir: string, lbId: string): Promise<FakeElbApi> {
  const saved = (f: string) =>
    JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as Record<string, unknown>;
  const seen: SeenRequest[] = [];
  const failures: FakeElbApi['failures'] = new Map();
  const pool = saved('pool.json').pool as { healthmonitor_id: string };

  function respond(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `https://${req.headers.host}`);
    const problem = req.method !== 'GET' ? `${req.method} is not read-only` : verifySignature(req, url);
    seen.push({ method: String(req.method), path: url.pathname, ...(problem ? { problem } : {}) });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 429 ? { 'retry-after': '1' } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (problem) {
      send(401, { error_msg: problem, error_code: 'APIGW.0301', request_id: 'r' });
      return;
    }
    const prefix = `/v3/${FAKE_PROJECT}/elb/`;
    const rest = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    const fail = failures.get(rest);
    if (fail && fail.times > 0) {
      fail.times--;
      send(fail.status, fail.body);
      return;
    }
    const ofThisLb = url.searchParams.get('loadbalancer_id') === lbId;
    const routes: Record<string, () => unknown> = {
      [`loadbalancers/${lbId}`]: () => saved('loadbalancer.json'),
      listeners: () =>
        page('listeners', ofThisLb ? (saved('listeners.json').listeners as unknown[]) : [], url),
      pools: () => page('pools', ofThisLb ? [pool] : [], url),
      [`healthmonitors/${pool.healthmonitor_id}`]: () => saved('healthmonitor.json'),
      l7policies: () => page('l7policies', saved('l7policies.json').l7policies as unknown[], url),
      '/members': () => page('members', saved('members.json').members as unknown[], url),
      '/rules': () => page('rules', saved('l7rules.json').rules as unknown[], url),
    };
    const route =
      routes[rest] ?? Object.entries(routes).find(([k]) => k.startsWith('/') && rest.endsWith(k))?.[1];
    if (!route) {
      send(404, { error_msg: `no ${rest}`, error_code: 'ELB.8902', request_id: 'r' });
      return;
    }
    send(200, route());
  }

  const dir = await mkdtemp(join(tmpdir(), 'lbd-elb-api-'));
  const certs = await makeCertificates(dir, [{ name: 'api', sans: ['IP:127.0.0.1'] }]);
  const server = createServer({ cert: certs.get('api').cert, key: certs.get('api').key }, respond);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    env: () => ({
      HUAWEICLOUD_SDK_AK: FAKE_AK,
      HUAWEICLOUD_SDK_SK: FAKE_SK,
      HUAWEICLOUD_SDK_PROJECT_ID: FAKE_PROJECT,
      LBDOCTOR_ELB_ENDPOINT: `https://127.0.0.1:${port}`,
      NODE_EXTRA_CA_CERTS: certs.ca.certPath,
    }),
    seen,
    failures,
    close: async () => {
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
