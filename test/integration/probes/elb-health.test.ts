// The elb-health probe against real sockets: the reference LB's checker run
// once through the probe, every observation checked against its contract.
import { createServer } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { elbHealthProbe as unchecked } from '../../../src/probes/elb-health.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the elb-health contract (src/probes/contracts/elb-health.ts). */
const elbHealthProbe = checked(unchecked);

const run = (params: Record<string, unknown>) =>
  elbHealthProbe.run(elbHealthProbe.params.parse(params), localContext(5000));

async function listenHttp(status: number): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(status);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return address.port;
}

describe('elb-health probe', () => {
  it('passes a listening member on a TCP check, fails a closed port', async () => {
    const { port } = await listenTcp(() => {});
    const ok = await run({ address: '127.0.0.1', port, monitor: { type: 'TCP', timeout: 1 } });
    expect(ok.outcome).toBe('pass');
    expect(ok.data).toMatchObject({ healthy: true, target: { address: '127.0.0.1', port, type: 'TCP' } });
    expect((ok.data.checks as { phase: string }[])[0]?.phase).toBe('connect');
    const down = await run({
      address: '127.0.0.1',
      port: await closedPort(),
      monitor: { type: 'TCP', timeout: 1 },
    });
    expect(down.outcome).toBe('fail');
    expect(down.data.healthy).toBe(false);
  });

  it('reports the HTTP status the member answered', async () => {
    const port = await listenHttp(500);
    const obs = await run({ address: '127.0.0.1', port, monitor: { type: 'HTTP', timeout: 2 } });
    expect(obs.outcome).toBe('fail');
    expect((obs.data.checks as { statusCode?: number }[])[0]?.statusCode).toBe(500);
  });

  it('passes with no checks when the monitor is disabled, fails weight 0 on a shared LB', async () => {
    const disabled = await run({ address: '127.0.0.1', port: 80, monitor: null });
    expect(disabled.outcome).toBe('pass');
    expect(disabled.data).toMatchObject({ checks: [], target: { type: null } });
    const weight0 = await run({ address: '127.0.0.1', port: 80, monitor: { type: 'TCP' }, weight: 0 });
    expect(weight0.outcome).toBe('fail');
    expect(weight0.data.checks).toEqual([]);
  });

  it('runs a UDP_CONNECT check (ICMP echo first): an answer whatever ping does here', async () => {
    const obs = await run({
      address: '127.0.0.1',
      port: await closedPort(),
      monitor: { type: 'UDP_CONNECT', timeout: 1 },
    });
    expect(['pass', 'fail', 'error']).toContain(obs.outcome);
    expect(['icmp-echo', 'udp']).toContain((obs.data.checks as { phase: string }[])[0]?.phase);
  });

  it('is skipped from a vantage that is not this machine', async () => {
    const obs = await elbHealthProbe.run(elbHealthProbe.params.parse({ address: '10.0.0.5', port: 80 }), {
      ...localContext(),
      dialer: { vantage: 'ssh://root@10.0.0.1:22', connect: () => Promise.reject(new Error('unused')) },
    });
    expect(obs.outcome).toBe('skip');
    expect(obs.data).toEqual({});
  });
});
