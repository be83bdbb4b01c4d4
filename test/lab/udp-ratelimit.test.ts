// ICMP port-unreachable rate limiting, as FAQ 2.4 describes it, seen by the
// udp probe's burst mode across a veth pair (loopback is never rate limited).
// Needs root and `ip netns`; CI runs it as root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDialer } from '../../src/transport/dialers/local.js';
import { udpProbe } from '../../src/probes/udp.js';
import { createVethNamespace, type VethNamespace, vethSupport } from '../helpers/veth-ns.js';

const why = await vethSupport();
if (why) console.warn(`skipping udp rate-limit lab test: ${why}`);

describe.skipIf(why !== undefined)('udp burst against a closed port in a namespace', () => {
  let host: VethNamespace | undefined;
  beforeAll(async () => {
    host = await createVethNamespace('udp');
  }, 30_000);
  afterAll(async () => {
    await host?.remove();
  }, 30_000);

  async function burstWithRatemask(mask: number) {
    const set = await host!.exec(['sysctl', '-w', `net.ipv4.icmp_ratemask=${mask}`]);
    expect(set.exitCode, set.stderr).toBe(0);
    const controller = new AbortController();
    try {
      return await udpProbe.run(
        udpProbe.params.parse({
          host: host!.nsAddress,
          port: 33_999,
          burst: 200,
          intervalMs: 5,
          waitMs: 300,
        }),
        { signal: controller.signal, timeoutMs: 5000, dialer: localDialer },
      );
    } finally {
      controller.abort();
    }
  }

  it('gets few unreachables with the default ratemask 6168: rate limited', async () => {
    const obs = await burstWithRatemask(6168);
    expect(obs.data.state).toBe('closed');
    expect(obs.data.sent).toBe(200);
    expect(obs.data.unreachable as number).toBeGreaterThan(0);
    expect(obs.data.unreachable as number).toBeLessThan(100);
    expect(obs.data.rateLimited).toBe(true);
    expect(obs.outcome).toBe('fail');
  }, 30_000);

  it('gets one unreachable per datagram with ratemask 6160 (FAQ 2.4 fix)', async () => {
    const obs = await burstWithRatemask(6160);
    expect(obs.data.state).toBe('closed');
    expect(obs.data.unreachable).toBe(obs.data.sent);
    expect(obs.data.rateLimited).toBe(false);
    expect(obs.outcome).toBe('pass');
  }, 30_000);
});
