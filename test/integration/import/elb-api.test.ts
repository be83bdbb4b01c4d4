// `--from elb-api` against a local HTTPS stand-in for the ELB v3 API
// (test/helpers/fake-elb-api.ts) that serves the documented response shapes
// one item per page and checks every request: GET only, signed as the API
// requires (verified by the documented steps, not by the SDK's signer).
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importInventory } from '../../../src/import/index.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { lbdoctor } from '../../helpers/cli.js';
import { type FakeElbApi, startFakeElbApi } from '../../helpers/fake-elb-api.js';

const LB = '2b0b9b5c-5a48-4e1f-8c4b-6a1d3c2e9f10';
const shop = resolve(import.meta.dirname, '../../fixtures/import/elb-json/shop');
let api: FakeElbApi;
beforeAll(async () => {
  api = await startFakeElbApi(shop, LB);
});
afterAll(() => api.close());
const env = () => api.env();
const seen = () => api.seen;

describe('--from elb-api', { timeout: 30_000 }, () => {
  it('reads the load balancer through signed GETs, every page, into the same inventory as the saved responses', async () => {
    api.seen.length = 0;
    const r = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`, '-q'], {
      env: env(),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(seen().filter((s) => s.problem)).toEqual([]);
    expect(new Set(seen().map((s) => s.method))).toEqual(new Set(['GET']));
    // Two members, one per page: the second came from following next_marker.
    expect(seen().filter((s) => s.path.endsWith('/members'))).toHaveLength(2);
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
    api.seen.length = 0;
    const noKeys = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`], {
      env: { LBDOCTOR_ELB_ENDPOINT: env().LBDOCTOR_ELB_ENDPOINT as string },
    });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/needs HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID/);
    const bad = await lbdoctor(['inventory', 'import', '--from', 'elb-api', LB], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not REGION\/LOADBALANCER_ID/);
    expect(seen()).toEqual([]);
  });

  it('waits out throttling (429) as Retry-After says, and gives up after three retries', async () => {
    const throttle = (times: number) =>
      api.failures.set('pools', {
        status: 429,
        body: { error_msg: 'slow down', error_code: 'APIGW.0308' },
        times,
      });
    throttle(2);
    api.seen.length = 0;
    const ok = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`, '-q'], {
      env: env(),
    });
    expect(ok.code).toBe(0);
    expect(seen().filter((s) => s.path.endsWith('/elb/pools'))).toHaveLength(3);
    throttle(4);
    const gaveUp = await lbdoctor(['inventory', 'import', '--from', 'elb-api', `cn-north-4/${LB}`], {
      env: env(),
    });
    expect(gaveUp.code).toBe(3);
    expect(gaveUp.stderr).toMatch(/kept throttling the requests \[LBD_ERR_CLOUD_API\]/);
    api.failures.clear();
  });
});
