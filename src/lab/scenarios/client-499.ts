// FAQ 7.9 / 3.8: 499 in the access log — the client gave up before the load
// balancer had an answer. Here the upstream is slow (3 s) and the clients the
// warm-up sends wait 0.5 s, so the access log the inventory names already
// holds 499 lines whose upstream_response_time shows the slow backend.
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseElbAccessLog } from '../../accesslog/parse.js';
import { LbdError } from '../../errors.js';
import { defineScenario, quickHttpCheck, webListener } from './define.js';

const IMPATIENT_CLIENTS = 4;

/** A GET the client abandons after `giveUpMs` (what a browser or SDK timeout does). */
function impatientGet(url: string, giveUpMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(giveUpMs) }, (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

export const slowUpstream499 = defineScenario({
  id: 'slow-upstream-499',
  title: 'the backend takes 3 s; clients give up after 0.5 s and the access log records 499',
  faq: '7.9, 3.8',
  playbook: 'client-499',
  conclusion: 'slow-upstream',
  symptom: {
    listener: 'web',
    path: '/',
    expect: 'requests answered after 3 s; the access log has 499 lines with a long upstream_response_time',
  },
  async build(ctx) {
    const app = await ctx.http({
      name: 'app1',
      healthPath: '/health',
      rules: [{ path: '/fast', answer: {} }],
      default: { delayMs: 3000 },
    });
    const accessLog = join(ctx.workDir, 'access.log');
    return {
      inventory: {
        listeners: [await webListener(ctx)],
        pools: [
          { id: 'web-pool', protocol: 'HTTP', healthmonitor: quickHttpCheck, members: [ctx.member(app)] },
        ],
        reference: { access_log: accessLog },
      },
      settle: { 'web-pool': 'healthy' },
      async warmUp(listeners) {
        const web = listeners.find((l) => l.name === 'web');
        if (!web) return;
        await Promise.all([
          ...Array.from({ length: IMPATIENT_CLIENTS }, () => impatientGet(`${web.url}/`, 500)),
          impatientGet(`${web.url}/fast`, 5000),
        ]);
        // The LB writes a 499 line when it notices the client left; wait until they are all there.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const text = await readFile(accessLog, 'utf8').catch(() => '');
          const count = parseElbAccessLog(text, accessLog).records.filter((r) => r.status === 499).length;
          if (count >= IMPATIENT_CLIENTS) return;
          if (Date.now() > deadline) {
            throw new LbdError(
              'LBD_ERR_INTERNAL',
              `lab scenario slow-upstream-499: ${count} of ${IMPATIENT_CLIENTS} 499 lines in ${accessLog}`,
            );
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    };
  },
});
