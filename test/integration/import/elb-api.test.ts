// `--from elb-api` against a local HTTPS server (a certificate from the lab's
// CA, trusted through NODE_EXTRA_CA_CERTS as a user would) that serves the
// documented response shapes, pages one item at a time, and checks every
// request: GET only, and signed as the API requires. The signature is
// verified here by the documented SDK-HMAC-SHA256 steps, independently of
// the SDK signer lbdoctor uses.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importInventory } from '../../../src/import/index.js';
import { makeCertificates } from '../../../src/lab/certificates.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { lbdoctor } from '../../helpers/cli.js';

const AK = 'HPUATESTACCESSKEY01';
const SK = 'testSecretKey0123456789abcdefghijklmnopq';
const PROJECT = '99a3fff0d03c428eac3678da6a7d0f24';
const LB = '2b0b9b5c-5a48-4e1f-8c4b-6a1d3c2e9f10';
const shop = resolve(import.meta.dirname, '../../fixtures/import/elb-json/shop');
const saved = (f: string) => JSON.parse(readFileSync(join(shop, f), 'utf8')) as Record<string, unknown>;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The documented signature check: the verdict, or why it fails. */
function verifySignature(req: IncomingMessage, url: URL): string | undefined {
  const auth = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization ?? ''),
  );
  if (!auth) return 'no SDK-HMAC-SHA256 Authorization header';
  const [, access, signedHeaders, signature] = auth as unknown as [string, string, string, string];
  if (access !== AK) return `signed with access key ${access}`;
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
  const expected = createHmac('sha256', SK)
    .update(`SDK-HMAC-SHA256\n${date}\n${sha256(canonical)}`)
    .digest('hex');
  return expected === signature ? undefined : 'the signature does not match the request';
}

interface Seen {
  method: string;
  path: string;
  problem?: string;
}

/** Lists answer one item per page, so the client must follow next_marker. */
function page(key: string, items: unknown[], url: URL): unknown {
  const marker = url.searchParams.get('marker');
  const start = marker ? items.findIndex((i) => (i as { id: string }).id === marker) + 1 : 0;
  const slice = items.slice(start, start + 1);
  const next = start + 1 < items.length ? { next_marker: (slice[0] as { id: string }).id } : {};
  return { [key]: slice, page_info: { current_count: slice.length, ...next }, request_id: 'r' };
}

let server: ReturnType<typeof createServer>;
let port = 0;
let dir: string;
let caPath: string;
const seen: Seen[] = [];
/** Paths answered with an error status instead, for the error tests. */
const failures = new Map<string, { status: number; body: unknown; times: number }>();

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
  const prefix = `/v3/${PROJECT}/elb/`;
  const rest = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
  const fail = failures.get(rest);
  if (fail && fail.times > 0) {
    fail.times--;
    send(fail.status, fail.body);
    return;
  }
  const listeners = (saved('listeners.json').listeners as unknown[]) ?? [];
  const routes: Record<string, () => unknown> = {
    [`loadbalancers/${LB}`]: () => saved('loadbalancer.json'),
    listeners: () =>
      url.searchParams.get('loadbalancer_id') === LB
        ? page('listeners', listeners, url)
        : page('listeners', [], url),
    pools: () => page('pools', [saved('pool.json').pool], url),
    '/members': () => page('members', saved('members.json').members as unknown[], url),
    'healthmonitors/c2b210b2-60c4-449d-91e2-9e9ea1dd7441': () => saved('healthmonitor.json'),
    l7policies: () => page('l7policies', saved('l7policies.json').l7policies as unknown[], url),
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

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-elb-api-'));
  const certs = await makeCertificates(dir, [{ name: 'api', sans: ['IP:127.0.0.1'] }]);
  caPath = certs.ca.certPath;
  server = createServer({ cert: certs.get('api').cert, key: certs.get('api').key }, respond);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
  HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
  LBDOCTOR_ELB_ENDPOINT: `https://127.0.0.1:${port}`,
  NODE_EXTRA_CA_CERTS: caPath,
});

describe('--from elb-api', { timeout: 30_000 }, () => {
  it('reads the load balancer through signed GETs, every page, into the same inventory as the saved responses', async () => {
    seen.length = 0;
    const r = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`, '-q'], {
      env: env(),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(seen.filter((s) => s.problem)).toEqual([]);
    expect(new Set(seen.map((s) => s.method))).toEqual(new Set(['GET']));
    // Two members, one per page: the second came from following next_marker.
    expect(seen.filter((s) => s.path.endsWith('/members'))).toHaveLength(2);
    const fromApi = parseInventory(r.stdout);
    const fromFiles = parseInventory((await importInventory('elb-json', [shop])).yaml);
    expect(fromApi.loadbalancers).toEqual(fromFiles.loadbalancers);
  });

  it('says so when the credentials are refused (401), exit 3', async () => {
    const r = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`], {
      env: { ...env(), HUAWEICLOUD_SDK_SK: 'not-the-secret' },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the ELB API refused the credentials \[LBD_ERR_CLOUD_AUTH\]/);
    expect(r.stderr).toMatch(/HTTP 401 \(APIGW\.0301: the signature does not match/);
    expect(r.stderr).not.toContain('not-the-secret');
  });

  it('a load balancer that is not there: exit 2 naming the request', async () => {
    const r = await lbdoctor(['inventory', 'import', '--from', 'elb-api', 'cn-north-4/no-such-lb'], {
      env: env(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GET loadbalancers\/no-such-lb: HTTP 404 \(ELB\.8902/);
  });

  it('missing credentials or a malformed target: exit 2 before any request', async () => {
    seen.length = 0;
    const noKeys = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`], {
      env: { LBDOCTOR_ELB_ENDPOINT: `https://127.0.0.1:${port}` },
    });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/needs HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID/);
    const bad = await lbdoctor(['inventory', 'import', '--from', 'elb-api', LB], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not REGION\/LOADBALANCER_ID/);
    expect(seen).toEqual([]);
  });

  it('waits out throttling (429) as Retry-After says, and gives up after three retries', async () => {
    const throttle = (times: number) =>
      failures.set('pools', {
        status: 429,
        body: { error_msg: 'slow down', error_code: 'APIGW.0308' },
        times,
      });
    throttle(2);
    seen.length = 0;
    const ok = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`, '-q'], {
      env: env(),
    });
    expect(ok.code).toBe(0);
    expect(seen.filter((s) => s.path.endsWith('/elb/pools'))).toHaveLength(3);
    throttle(4);
    const gaveUp = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`], {
      env: env(),
    });
    expect(gaveUp.code).toBe(3);
    expect(gaveUp.stderr).toMatch(/kept throttling the requests \[LBD_ERR_CLOUD_API\]/);
    failures.clear();
  });
});
