import { describe, expect, it } from 'vitest';
import { localDialer } from '../../../src/transport/dialers/local.js';
import { tcpProbe as unchecked } from '../../../src/probes/tcp.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the tcp contract (src/probes/contracts/tcp.ts). */
const tcpProbe = checked(unchecked);

describe('tcp probe on the local dialer', () => {
  it('passes with state open and a connect time when something listens', async () => {
    const { port } = await listenTcp(() => {});
    const obs = await tcpProbe.run(tcpProbe.params.parse({ host: '127.0.0.1', port }), localContext());
    expect(obs.outcome).toBe('pass');
    expect(obs.data.state).toBe('open');
    expect(obs.data.address).toBe('127.0.0.1');
    expect(typeof obs.data.connectMs).toBe('number');
    expect(obs.summary).toContain(`127.0.0.1:${port}`);
  });

  it('fails with state refused (RST) when nothing listens', async () => {
    const port = await closedPort();
    const obs = await tcpProbe.run({ host: '127.0.0.1', port }, localContext());
    expect(obs.outcome).toBe('fail');
    expect(obs.data.state).toBe('refused');
    expect(obs.data.code).toBe('ECONNREFUSED');
    expect(obs.summary).toMatch(/RST/);
  });

  it('counts a listener that resets after accepting as open: the handshake completed', async () => {
    const { port } = await listenTcp((socket) => setTimeout(() => socket.resetAndDestroy(), 200));
    const obs = await tcpProbe.run({ host: '127.0.0.1', port }, localContext());
    expect(obs.outcome).toBe('pass');
    expect(obs.data.state).toBe('open');
  });

  it('resolves names and reports the DNS time', async () => {
    const { port } = await listenTcp(() => {});
    const obs = await tcpProbe.run({ host: 'localhost', port }, localContext());
    // localhost may resolve to ::1 first where the server only listens on 127.0.0.1.
    expect(['open', 'refused']).toContain(obs.data.state);
    if (obs.data.state === 'open') expect(typeof obs.data.dnsMs).toBe('number');
  });

  it('is an error with state dns-error when the name does not resolve', async () => {
    const obs = await tcpProbe.run({ host: 'no-such-host.invalid', port: 80 }, localContext());
    expect(obs.outcome).toBe('error');
    expect(obs.data.state).toBe('dns-error');
    expect(obs.reason).toMatch(/resolve/);
  });

  it('is an error with state aborted when the run is cancelled', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    controller.abort();
    const obs = await tcpProbe.run(
      { host: '127.0.0.1', port },
      { signal: controller.signal, timeoutMs: 1000, dialer: localDialer },
    );
    expect(obs.outcome).toBe('error');
    expect(obs.data.state).toBe('aborted');
  });

  it('rejects bad parameters through its schema', () => {
    expect(tcpProbe.params.safeParse({ host: '127.0.0.1', port: 70000 }).success).toBe(false);
    expect(tcpProbe.params.safeParse({ host: 'http://x', port: 80 }).success).toBe(false);
    expect(tcpProbe.params.safeParse({ host: '127.0.0.1' }).success).toBe(false);
  });
});
