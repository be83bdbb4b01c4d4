// ICMP echo ignored on the target (icmp_echo_ignore_all=1): the first thing
// ELB's UDP health check sends (FAQ 2.4). Needs root, ip netns and ping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDialer } from '../../src/transport/dialers/local.js';
import { pingProbe } from '../../src/probes/ping.js';
import { createVethNamespace, type VethNamespace, vethSupport } from '../helpers/veth-ns.js';

const why = await vethSupport([['ping', '-V']]);
if (why) console.warn(`skipping ping lab test: ${why}`);

describe.skipIf(why !== undefined)('ping probe against a namespace', () => {
  let host: VethNamespace | undefined;
  const controller = new AbortController();
  beforeAll(async () => {
    host = await createVethNamespace('png');
  }, 30_000);
  afterAll(async () => {
    controller.abort();
    await host?.remove();
  }, 30_000);

  const ping = () =>
    pingProbe.run(pingProbe.params.parse({ host: host!.nsAddress, count: 2, waitSeconds: 1 }), {
      signal: controller.signal,
      timeoutMs: 5000,
      dialer: localDialer,
    });

  it('passes while the namespace answers echo, fails once it ignores it', async () => {
    expect((await host!.exec(['sysctl', '-w', 'net.ipv4.icmp_echo_ignore_all=0'])).exitCode).toBe(0);
    const answering = await ping();
    expect(answering.outcome).toBe('pass');
    expect(answering.data.received).toBe(2);
    expect((await host!.exec(['sysctl', '-w', 'net.ipv4.icmp_echo_ignore_all=1'])).exitCode).toBe(0);
    const silent = await ping();
    expect(silent.outcome).toBe('fail');
    expect(silent.data).toMatchObject({ verdict: 'no-reply', lossPercent: 100 });
  }, 30_000);
});
