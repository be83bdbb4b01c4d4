// FAQ 1.5 504 "the load balancer failed to connect to the backend server before
// the connection timed out" and FAQ 1.9: a member that does not answer the SYN
// is given up after the connect timeout and another member is tried.
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseElbAccessLogLine } from '../../../src/accesslog/parse.js';
import { LB_PAGE_MARK } from '../../../src/reference/http/lb-responses.js';
import { backend, blackholePort, get, poolConfig, startHarness } from './http-harness.js';

const timeouts = { keepaliveSeconds: 60, clientSeconds: 60, memberSeconds: 60, connectMs: 300 };

describe('connect timeout', () => {
  it('answers 504 when the only member never accepts', async () => {
    const hole = await blackholePort();
    onTestFinished(hole.close);
    const h = await startHarness({ pools: [poolConfig('p1', [hole.port])], listener: { timeouts } });
    onTestFinished(h.close);
    const r = await get(h.port, '/');
    expect(r.status).toBe(504);
    expect(r.body).toContain(LB_PAGE_MARK);
    const line = parseElbAccessLogLine(h.log[0] ?? '');
    expect(line.upstream).toEqual([
      {
        status: null,
        connectTime: null,
        headerTime: null,
        responseTime: null,
        addr: `127.0.0.1:${hole.port}`,
      },
    ]);
  });

  it('tries the next member after a connect timeout', async () => {
    const hole = await blackholePort();
    onTestFinished(hole.close);
    const be = await backend((_req, res) => res.end('second'));
    onTestFinished(be.close);
    const h = await startHarness({ pools: [poolConfig('p1', [hole.port, be.port])], listener: { timeouts } });
    onTestFinished(h.close);
    const r = await get(h.port, '/');
    expect([r.status, r.body]).toEqual([200, 'second']);
    expect(
      h.metrics.get('lbdoctor_backend_attempts_total', {
        pool: 'p1',
        member: 'm0',
        outcome: 'connect-timeout',
      }),
    ).toBe(1);
  });
});
