// FAQ 2.3, 2.5 and 2.7 on real hosts: the reference load balancer in the lb
// namespace runs `checker_nodes` checker nodes, each checking be1 on the pool's
// interval on its own schedule, and be1 runs a real nginx that logs every
// request in nginx's default combined format. What the member's log then holds
// is measured by the health-check-noise playbook (health-check-log probe).
//
// All checker nodes of the reference load balancer send from the lb host's one
// address, so be1 sees them as one source checking `checker_nodes` times per
// interval; the playbook reports the sources it saw against the checks per
// interval, and the configured checker_nodes, rather than pretending to see
// three addresses.
//
// The log lives in the lab's directory, not /var/log/nginx (members share the
// machine's filesystem): each scenario's runArgs add
// `--input backend_log=<that file>`.
import { request } from 'node:http';
import { join } from 'node:path';
import { LbdError } from '../../errors.js';
import { defineHostScenario, type HostBuildContext, type HostScenarioBuild, LB_HOST } from './define-host.js';
import type { LabListener, Scenario } from './types.js';

const MEMBER = 'be1';
const POOL = 'web-pool';
/** Checker nodes of the reference load balancer in these scenarios. */
export const NOISE_CHECKER_NODES = 3;

/** The member's access log of each lab that is up, by its lb host's namespace (set by build, read by start). */
const backendLogs = new Map<string, string>();

/** Real nginx on be1:80 with access logging on (combined), /health answering 200; returns the log's path. */
async function loggingNginx(ctx: HostBuildContext): Promise<string> {
  const log = join(ctx.lab.dir, `${MEMBER}-access.log`);
  await ctx.nginx(MEMBER, {
    locations: [
      `access_log ${log};`,
      `add_header X-Backend ${MEMBER} always;`,
      'location = /health { return 200 "ok\\n"; }',
      `location / { return 200 "${MEMBER}\\n"; }`,
    ].join('\n      '),
  });
  backendLogs.set(ctx.lb.ns, log);
  return log;
}

/** The "web" HTTP listener on port 80 of the lb host, to be1's nginx, checked with GET /health every `delay` s. */
function webPool(ctx: HostBuildContext, delay: number): HostScenarioBuild['inventory'] {
  return {
    listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool_id: POOL }],
    pools: [
      {
        id: POOL,
        protocol: 'HTTP',
        healthmonitor: { type: 'HTTP', delay, timeout: 1, max_retries: 1, url_path: '/health' },
        members: [ctx.member(MEMBER, 80)],
      },
    ],
    reference: { checker_nodes: NOISE_CHECKER_NODES },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(3000) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Client traffic through the listener: `perSecond` requests a second for `seconds` seconds, all answered 200. */
async function clientTraffic(listeners: readonly LabListener[], perSecond: number, seconds: number) {
  const web = listeners.find((l) => l.name === 'web');
  if (!web) throw new LbdError('LBD_ERR_INTERNAL', 'lab scenario: no "web" listener');
  const paths = ['/', '/products?page=2', '/cart', '/static/app.js'];
  for (let s = 0; s < seconds; s++) {
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: perSecond }, (_, i) => get(`${web.url}${paths[i % paths.length]}`)),
    );
    const bad = statuses.filter((c) => c !== 200);
    if (bad.length) {
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `lab scenario: client traffic got ${bad.length} non-200 answer(s)`,
      );
    }
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
}

/**
 * The scenario, with `--input backend_log=<be1's log>` added to its runArgs.
 * (`prepare` alone starts no load balancer and needs no runArgs: its entry
 * stays in backendLogs, a path per call.)
 */
function withBackendLog(scenario: Scenario): Scenario {
  return {
    ...scenario,
    start: async (options) => {
      const running = await scenario.start(options);
      const ns = running.hosts?.find((h) => h.name === LB_HOST)?.ns;
      const log = ns ? backendLogs.get(ns) : undefined;
      if (ns) backendLogs.delete(ns);
      if (!log) {
        await running.close();
        throw new LbdError('LBD_ERR_INTERNAL', `lab scenario ${scenario.id}: be1's access log is not known`);
      }
      return { ...running, runArgs: [...(running.runArgs ?? []), '--input', `backend_log=${log}`] };
    },
  };
}

export const healthCheckNoisy = withBackendLog(
  defineHostScenario({
    id: 'health-check-noisy',
    title: `An idle member whose access log is all health checks: ${NOISE_CHECKER_NODES} checker nodes, every 1 s`,
    faq: '2.7',
    playbook: 'health-check-noise',
    conclusion: 'check-log-share-high',
    symptom: {
      listener: 'web',
      path: '/',
      expect: `be1 answers; its access log gains about ${NOISE_CHECKER_NODES} GET /health lines a second and nothing else`,
    },
    members: [MEMBER],
    tools: ['nginx'],
    async build(ctx) {
      await loggingNginx(ctx);
      return {
        inventory: webPool(ctx, 1),
        settle: { [POOL]: 'healthy' },
        // Nothing but the checks reaches be1: let a few seconds of them pile up.
        warmUp: () => sleep(4000),
      };
    },
  }),
);

export const healthCheckIntervalShort = withBackendLog(
  defineHostScenario({
    id: 'health-check-interval-short',
    title: `A busy member checked every 1 s by ${NOISE_CHECKER_NODES} checker nodes: the checks are not most of the log, but many`,
    faq: '2.5',
    playbook: 'health-check-noise',
    conclusion: 'interval-short',
    symptom: {
      listener: 'web',
      path: '/',
      expect: `be1 answers; about ${NOISE_CHECKER_NODES} of its requests a second are health checks`,
    },
    members: [MEMBER],
    tools: ['nginx'],
    async build(ctx) {
      await loggingNginx(ctx);
      return {
        inventory: webPool(ctx, 1),
        settle: { [POOL]: 'healthy' },
        warmUp: (listeners) => clientTraffic(listeners, 40, 4),
      };
    },
  }),
);

export const healthCheckQuiet = withBackendLog(
  defineHostScenario({
    id: 'health-check-quiet',
    title: `A busy member checked every 5 s by ${NOISE_CHECKER_NODES} checker nodes: real traffic dominates its log`,
    faq: '2.3',
    playbook: 'health-check-noise',
    conclusion: 'checks-from-several-nodes',
    symptom: {
      listener: 'web',
      path: '/',
      expect: `be1 answers; its log holds client requests and a health check about every ${5 / NOISE_CHECKER_NODES} s`,
    },
    members: [MEMBER],
    tools: ['nginx'],
    async build(ctx) {
      await loggingNginx(ctx);
      return {
        inventory: webPool(ctx, 5),
        settle: { [POOL]: 'healthy' },
        // Client traffic for a whole interval, so every checker node has checked at least once more meanwhile.
        warmUp: (listeners) => clientTraffic(listeners, 20, 6),
      };
    },
  }),
);
