// tcp-idle against real sockets that reset, close or keep a silent connection;
// access-control against the reference LB's own decision. Observations are
// checked against their contracts.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { accessControlProbe as rawAccess } from '../../../src/probes/access-control.js';
import { tcpIdleProbe as rawIdle } from '../../../src/probes/tcp-idle.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, localContext } from '../../helpers/net-servers.js';

const tcpIdle = checked(rawIdle);
const access = checked(rawAccess);
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(onSocket: (s: import('node:net').Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as import('node:net').AddressInfo).port;
}

describe('tcp-idle', () => {
  it('an RST after 1 s of silence is a reset, timed', async () => {
    const port = await serve((s) => setTimeout(() => s.resetAndDestroy(), 1000));
    const obs = await tcpIdle.run({ host: '127.0.0.1', port, idleTimeout: 1 }, localContext(10_000));
    expect(obs).toMatchObject({ outcome: 'fail', data: { ended: 'reset' } });
    expect(obs.data.afterMs).toBeGreaterThanOrEqual(900);
    expect(obs.data.afterMs).toBeLessThan(3000);
  });

  it('a FIN is a close; a connection left alone past the hold is open', async () => {
    const closing = await serve((s) => setTimeout(() => s.end(), 300));
    expect(
      (await tcpIdle.run({ host: '127.0.0.1', port: closing, idleTimeout: 1 }, localContext(10_000))).data,
    ).toMatchObject({ ended: 'closed' });
    const quiet = await serve(() => {});
    const open = await tcpIdle.run({ host: '127.0.0.1', port: quiet, idleTimeout: 1 }, localContext(10_000));
    expect(open).toMatchObject({ outcome: 'pass', data: { ended: 'open' } });
    expect(tcpIdle.extraTimeMs?.({ host: 'h', port: 1, idleTimeout: 300 })).toBe(303_000);
  }, 15_000);

  it('nothing listening: the hold could not start (error, not fail)', async () => {
    const obs = await tcpIdle.run(
      { host: '127.0.0.1', port: await closedPort(), idleTimeout: 1 },
      localContext(),
    );
    expect(obs).toMatchObject({ outcome: 'error', data: { state: 'refused' } });
  });
});

describe('access-control', () => {
  const run = (client: string, ipgroup: unknown) =>
    access.run({ client, ipgroup } as Parameters<typeof access.run>[0], localContext());
  it('whitelist and blacklist, with the entries that matched', async () => {
    expect(await run('10.1.2.3', { type: 'white', ip_list: ['10.0.0.0/8'], enable: true })).toMatchObject({
      outcome: 'pass',
      data: { allowed: true, matched: ['10.0.0.0/8'] },
    });
    const refused = await run('203.0.113.7', { type: 'white', ip_list: ['10.0.0.0/8'], enable: true });
    expect(refused).toMatchObject({ outcome: 'fail', data: { allowed: false, matched: [] } });
    expect(refused.summary).toContain("not in the listener's whitelist");
    expect(await run('192.0.2.9', { type: 'black', ip_list: ['192.0.2.0/24'], enable: true })).toMatchObject({
      outcome: 'fail',
      data: { matched: ['192.0.2.0/24'] },
    });
  });
  it('no ip group, or a disabled one, admits everyone', async () => {
    expect((await run('192.0.2.9', null)).data).toEqual({
      client: '192.0.2.9',
      enabled: false,
      allowed: true,
    });
    expect((await run('192.0.2.9', { type: 'white', ip_list: [], enable: false })).outcome).toBe('pass');
  });
});
