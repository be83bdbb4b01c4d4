// FAQ 7.9 / 3.8: 499 in the access log — the client gave up before the load
// balancer had an answer. Each scenario runs the reference load balancer with
// an access log in the lab's directory, sends the traffic that leaves the
// fault's trace in it during warm-up (clients that give up, clients that
// wait), and adds `--input access_log=<that file>` to its runArgs: the
// client-499 playbook reads the log, never the network.
//
// The reference load balancer writes tcpinfo_rtt as "-", so the network-rtt
// conclusion is proven on real nginx (test/integration/playbooks/client-499.test.ts),
// which logs $tcpinfo_rtt.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseElbAccessLog } from '../../accesslog/parse.js';
import { LbdError } from '../../errors.js';
import { type BuildContext, defineScenario, type ScenarioBuild, webListener, webPool } from './define.js';
import type { LabListener, Scenario } from './types.js';

/** A GET the client abandons after `giveUpMs` (what a browser or SDK timeout does); resolves with the status or 0. */
export function impatientGet(url: string, giveUpMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(giveUpMs) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** The scenario, with `--input access_log=<its log>` (and `extra`) added to its runArgs. */
function withAccessLog(scenario: Scenario, extra: readonly string[] = []): Scenario {
  return {
    ...scenario,
    start: async (options) => {
      const running = await scenario.start(options);
      const log = running.inventory.reference?.access_log;
      if (!log) {
        await running.close();
        throw new LbdError(
          'LBD_ERR_INTERNAL',
          `lab scenario ${scenario.id}: the inventory names no access log`,
        );
      }
      return { ...running, runArgs: [...(running.runArgs ?? []), '--input', `access_log=${log}`, ...extra] };
    },
  };
}

/** Waits until the log holds `lines` lines, `of499` of them 499 (the LB writes a 499 when it notices the client left). */
async function waitForLog(id: string, file: string, lines: number, of499: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const records = parseElbAccessLog(text, file).records;
    const count = records.filter((r) => r.status === 499).length;
    if (records.length >= lines && count >= of499) return;
    if (Date.now() > deadline) {
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `lab scenario ${id}: ${records.length} lines (${count} of them 499) in ${file}, expected ${lines} (${of499})`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function web(listeners: readonly LabListener[]): LabListener {
  const found = listeners.find((l) => l.name === 'web');
  if (!found) throw new LbdError('LBD_ERR_INTERNAL', 'lab scenario: no "web" listener');
  return found;
}

/**
 * app1 behind the "web" listener, answering `/` after `delayMs` (and /fast at
 * once), with the listener's access log in the lab directory. `clients` are
 * the waiting times of the clients sent to `/` during warm-up (Infinity: one
 * that waits for the answer); one more asks /fast.
 */
async function loggedApp(
  id: string,
  ctx: BuildContext,
  delayMs: number,
  clients: readonly number[],
): Promise<ScenarioBuild> {
  const app = await ctx.http({
    name: 'app1',
    healthPath: '/health',
    rules: [{ path: '/fast', answer: {} }],
    default: { delayMs },
  });
  const accessLog = join(ctx.workDir, 'access.log');
  return {
    inventory: {
      listeners: [await webListener(ctx)],
      pools: [webPool([ctx.member(app)])],
      reference: { access_log: accessLog },
    },
    settle: { 'web-pool': 'healthy' },
    async warmUp(listeners) {
      const url = web(listeners).url;
      await Promise.all([
        ...clients.map((wait) => impatientGet(`${url}/`, Number.isFinite(wait) ? wait : delayMs + 5000)),
        impatientGet(`${url}/fast`, 5000),
      ]);
      const gaveUp = clients.filter((wait) => wait < delayMs).length;
      await waitForLog(id, accessLog, clients.length + 1, gaveUp);
    },
  };
}

export const slowUpstream499 = withAccessLog(
  defineScenario({
    id: 'slow-upstream-499',
    title: 'the backend takes 3 s; most clients give up after 0.5 s and the access log records 499',
    faq: '7.9, 3.8',
    playbook: 'client-499',
    conclusion: 'slow-upstream',
    symptom: {
      listener: 'web',
      path: '/',
      expect:
        'requests answered after 3 s; the access log has 499 lines, and the answered ones show 3 s upstream',
    },
    // Four clients give up at 0.5 s; two wait, and their lines show the backend's 3 s.
    build: (ctx) => loggedApp('slow-upstream-499', ctx, 3000, [500, 500, 500, 500, Infinity, Infinity]),
  }),
);

export const clientTimeout499 = withAccessLog(
  defineScenario({
    id: 'client-timeout-499',
    title: 'clients give up after 200 ms against a backend that needs 1 s: 499s at one request_time',
    faq: '7.9',
    playbook: 'client-499',
    conclusion: 'client-timeout-short',
    symptom: {
      listener: 'web',
      path: '/',
      expect: 'answered after 1 s; clients with a 200 ms timeout leave 499 lines at request_time ≈ 0.2 s',
    },
    build: (ctx) => loggedApp('client-timeout-499', ctx, 1000, [200, 200, 200, 200, 200, 200]),
  }),
);

export const clientsAbortEarly499 = withAccessLog(
  defineScenario({
    id: 'clients-abort-early-499',
    title: 'clients close at scattered moments before a 0.4 s backend answers; others wait and are answered',
    faq: '7.9',
    playbook: 'client-499',
    conclusion: 'clients-abort-early',
    symptom: {
      listener: 'web',
      path: '/',
      expect: 'answered after 0.4 s; 499 lines with request_time from 0.03 to 0.3 s',
    },
    build: (ctx) =>
      loggedApp('clients-abort-early-499', ctx, 400, [30, 60, 100, 160, 230, 300, Infinity, Infinity]),
  }),
);

export const eipBandwidth499 = withAccessLog(
  defineScenario({
    id: 'eip-bandwidth-499',
    title:
      'clients give up after 200 ms against a 1 s backend, and the operator says the EIP bandwidth is saturated',
    faq: '7.9, 1.9',
    playbook: 'client-499',
    conclusion: 'bandwidth-saturated',
    symptom: {
      listener: 'web',
      path: '/',
      expect:
        'answered after 1 s; 499 lines at request_time ≈ 0.2 s (the bandwidth is a console fact: --set)',
    },
    build: (ctx) => loggedApp('eip-bandwidth-499', ctx, 1000, [200, 200, 200, 200]),
  }),
  ['--set', 'eip_bandwidth_saturated=true'],
);

export const client499Healthy = withAccessLog(
  defineScenario({
    id: 'client-499-healthy',
    title: 'every client waits for a 0.2 s backend: the access log has no 499',
    faq: '7.9',
    playbook: 'client-499',
    conclusion: 'no-499-storm',
    symptom: { listener: 'web', path: '/', expect: 'answered after 0.2 s; no 499 in the access log' },
    build: (ctx) =>
      loggedApp('client-499-healthy', ctx, 200, [Infinity, Infinity, Infinity, Infinity, Infinity]),
  }),
);
