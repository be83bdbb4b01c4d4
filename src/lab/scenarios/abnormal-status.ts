// FAQ 1.5, 1.7 and 7.8: error statuses, some the backend's (403, 404 passed
// on by the load balancer), some the load balancer's own (a URL too long, a
// Transfer-Encoding it does not understand, plain HTTP on an HTTPS port, a body
// over its limit), and a 404 a forwarding policy causes by sending the request
// to the wrong pool. Where the failing request is not a plain GET of /, the
// scenario names the `--input`s a user gives to reproduce it (runArgs), as
// `lbdoctor lab up` prints them.
import { makeCertificates } from '../certificates.js';
import {
  defineScenario,
  healthyWebPool,
  httpsListener,
  quickHttpCheck,
  webListener,
  webPool,
} from './define.js';
import { twoMembers } from './two-members.js';
import type { Scenario } from './types.js';

/** A scenario whose failing request needs these `lbdoctor run` arguments. */
function withRunArgs(scenario: Scenario, runArgs: readonly string[]): Scenario {
  return {
    ...scenario,
    start: async (options) => ({ ...(await scenario.start(options)), runArgs }),
  };
}

export const backendNotFound = defineScenario({
  id: 'backend-404',
  title: 'the application does not have the path: the backend answers 404 and the load balancer passes it on',
  faq: '1.5, 7.8',
  playbook: 'abnormal-status',
  conclusion: 'backend-not-found',
  symptom: {
    listener: 'web',
    path: '/',
    expect: '404 from the backend (x-backend header, no x-router-code)',
  },
  async build(ctx) {
    const app = await ctx.http({
      name: 'app1',
      healthPath: '/health',
      default: { status: 404, body: 'no such page\n' },
    });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});

export const backendForbidden = defineScenario({
  id: 'backend-403',
  title: 'the backend intercepts the request and answers 403, which the load balancer passes on',
  faq: '1.5, 7.8',
  playbook: 'abnormal-status',
  conclusion: 'backend-forbidden',
  symptom: { listener: 'web', path: '/', expect: '403 from the backend (x-backend header)' },
  async build(ctx) {
    return twoMembers(ctx, { both: { default: { status: 403, body: 'forbidden\n' } } });
  },
});

/** Longer than the reference LB's 32 KiB request-target limit, shorter than its 64 KB header limit. */
const LONG_PATH = `/search?q=${'x'.repeat(33 * 1024)}`;

export const uriTooLong = withRunArgs(
  defineScenario({
    id: 'lb-414-uri-too-long',
    title: 'clients send a 33 KiB query string: the load balancer answers 414 itself',
    faq: '1.5, 1.7',
    playbook: 'abnormal-status',
    conclusion: 'uri-too-long',
    symptom: { listener: 'web', path: LONG_PATH, expect: "414 with the load balancer's own page" },
    async build(ctx) {
      const app = await ctx.http({ name: 'app1', healthPath: '/health' });
      return healthyWebPool(ctx, [ctx.member(app)]);
    },
  }),
  ['--input', `path=${LONG_PATH}`],
);

export const transferEncoding501 = withRunArgs(
  defineScenario({
    id: 'lb-501-transfer-encoding',
    title: 'clients send Transfer-Encoding: gzip: the load balancer answers 501 itself',
    faq: '1.5',
    playbook: 'abnormal-status',
    conclusion: 'unsupported-transfer-encoding',
    symptom: {
      listener: 'web',
      path: '/',
      expect:
        "501 with the load balancer's own page to a request with Transfer-Encoding: gzip (curl -H 'Transfer-Encoding: gzip')",
    },
    async build(ctx) {
      const app = await ctx.http({ name: 'app1', healthPath: '/health' });
      return healthyWebPool(ctx, [ctx.member(app)]);
    },
  }),
  ['--input', 'transfer_encoding=gzip'],
);

export const httpToHttpsPort = withRunArgs(
  defineScenario({
    id: 'http-to-https-port',
    title: 'clients report 400: they send plain HTTP to the HTTPS listener port',
    faq: '1.5',
    playbook: 'abnormal-status',
    conclusion: 'http-to-https-port',
    symptom: {
      listener: 'https',
      path: '/',
      expect: "https:// answers 200; http:// to the same port gets the load balancer's 400 (curl http://…)",
    },
    async build(ctx) {
      const app = await ctx.http({ name: 'app1', healthPath: '/health' });
      const made = await makeCertificates(ctx.workDir, [
        { name: 'listener', sans: ['www.lab.example'], keyType: 'ec' },
      ]);
      const cert = made.get('listener');
      return {
        inventory: {
          listeners: [await httpsListener(ctx)],
          pools: [webPool([ctx.member(app)])],
          certificates: [
            { id: 'listener-cert', type: 'server', certificate: cert.certPath, private_key: cert.keyPath },
          ],
        },
        settle: { 'web-pool': 'healthy' },
      };
    },
  }),
  ['--input', 'status=400'],
);

export const bodyTooLarge = withRunArgs(
  defineScenario({
    id: 'lb-413-body-too-large',
    title: 'the listener takes bodies up to 64 bytes (client_body_limit); clients POST 100',
    faq: '1.5, 5.3',
    playbook: 'abnormal-status',
    conclusion: 'lb-body-too-large',
    symptom: {
      listener: 'web',
      path: '/upload',
      expect: "413 with the load balancer's own page to a POST of 100 bytes",
    },
    async build(ctx) {
      const app = await ctx.http({ name: 'app1', healthPath: '/health' });
      return {
        inventory: {
          listeners: [{ ...(await webListener(ctx)), client_body_limit: 64 }],
          pools: [webPool([ctx.member(app)])],
        },
        settle: { 'web-pool': 'healthy' },
      };
    },
  }),
  ['--input', 'method=POST', '--input', 'path=/upload', '--input', `body=${'b'.repeat(100)}`],
);

export const forwardingPolicy404 = withRunArgs(
  defineScenario({
    id: 'forwarding-policy-404',
    title: 'a forwarding policy for /api sends /api/orders to a pool of static servers, which answer 404',
    faq: '1.5',
    playbook: 'abnormal-status',
    conclusion: 'forwarding-policy-404',
    symptom: {
      listener: 'web',
      path: '/api/orders',
      expect: '404 from the static pool; the default pool serves /api/orders',
    },
    async build(ctx) {
      const app = await ctx.http({ name: 'app1', healthPath: '/health' });
      const files = await ctx.http({
        name: 'static1',
        healthPath: '/health',
        default: { status: 404, body: 'not a file\n' },
      });
      return {
        inventory: {
          listeners: [await webListener(ctx)],
          pools: [
            webPool([ctx.member(app)]),
            {
              id: 'static-pool',
              protocol: 'HTTP',
              healthmonitor: quickHttpCheck,
              members: [ctx.member(files)],
            },
          ],
          l7policies: [
            {
              name: 'static',
              listener: 'web',
              action: 'REDIRECT_TO_POOL',
              redirect_pool_id: 'static-pool',
              // Meant for /assets, written as /a: it catches /api too.
              rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/a' }],
            },
          ],
        },
        settle: { 'web-pool': 'healthy', 'static-pool': 'healthy' },
      };
    },
  }),
  ['--input', 'path=/api/orders'],
);

export const abnormalStatusHealthy = defineScenario({
  id: 'abnormal-status-healthy',
  title: 'nothing wrong: the backend answers 200 (control)',
  faq: '1.5',
  playbook: 'abnormal-status',
  conclusion: 'answer-ok',
  symptom: { listener: 'web', path: '/', expect: '200 from the backend' },
  async build(ctx) {
    const app = await ctx.http({ name: 'app1', healthPath: '/health' });
    return healthyWebPool(ctx, [ctx.member(app)]);
  },
});
