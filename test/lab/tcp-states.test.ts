// The tcp probe's states against a real host whose firewall drops, rejects
// with ICMP host-unreachable, or resets: the causes FAQ 2.1/2.2 separate
// (security group or host firewall dropping vs nothing listening). The rules
// live only inside a namespace this test creates. Needs root, ip netns, iptables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDialer } from '../../src/transport/dialers/local.js';
import { httpProbe } from '../../src/probes/http.js';
import { tcpProbe } from '../../src/probes/tcp.js';
import type { ProbeContext } from '../../src/probes/types.js';
import { createVethNamespace, type VethNamespace, vethSupport } from '../helpers/veth-ns.js';

const why = await vethSupport([['iptables', '--version']]);
if (why) console.warn(`skipping tcp states lab test: ${why}`);

const DROPPED = 8081;
const UNREACHABLE = 8082;
const RESET = 8083;

describe.skipIf(why !== undefined)('tcp probe against a firewalled namespace', () => {
  let host: VethNamespace | undefined;
  const controller = new AbortController();
  const ctx = (timeoutMs: number): ProbeContext => ({
    signal: controller.signal,
    timeoutMs,
    dialer: localDialer,
  });

  beforeAll(async () => {
    host = await createVethNamespace('tcp');
    for (const rule of [
      ['-p', 'tcp', '--dport', String(DROPPED), '-j', 'DROP'],
      ['-p', 'tcp', '--dport', String(UNREACHABLE), '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable'],
      ['-p', 'tcp', '--dport', String(RESET), '-j', 'REJECT', '--reject-with', 'tcp-reset'],
    ]) {
      const r = await host.exec(['iptables', '-A', 'INPUT', ...rule]);
      if (r.exitCode !== 0) throw new Error(`iptables in ${host.ns}: ${r.stderr}`);
    }
  }, 30_000);
  afterAll(async () => {
    controller.abort();
    await host?.remove();
  }, 30_000);

  it('times out (state timeout, fail) when the SYN is dropped', async () => {
    const obs = await tcpProbe.run({ host: host!.nsAddress, port: DROPPED }, ctx(800));
    expect(obs.outcome).toBe('fail');
    expect(obs.data.state).toBe('timeout');
  }, 10_000);

  it('is unreachable (state unreachable, error) on ICMP host unreachable', async () => {
    const obs = await tcpProbe.run({ host: host!.nsAddress, port: UNREACHABLE }, ctx(3000));
    expect(obs.data.state).toBe('unreachable');
    expect(obs.data.code).toBe('EHOSTUNREACH');
    expect(obs.outcome).toBe('error');
  }, 10_000);

  it('is refused (RST) when the firewall resets, like a closed port', async () => {
    const reset = await tcpProbe.run({ host: host!.nsAddress, port: RESET }, ctx(3000));
    expect(reset.data.state).toBe('refused');
    const closed = await tcpProbe.run({ host: host!.nsAddress, port: 8084 }, ctx(3000));
    expect(closed.data.state).toBe('refused');
  }, 10_000);

  it('tells http a connect timeout from a refused connection', async () => {
    const dropped = await httpProbe.run(
      httpProbe.params.parse({ host: host!.nsAddress, port: DROPPED }),
      ctx(800),
    );
    expect((dropped.data.error as { kind: string }).kind).toBe('connect-timeout');
    const refused = await httpProbe.run(
      httpProbe.params.parse({ host: host!.nsAddress, port: RESET }),
      ctx(3000),
    );
    expect((refused.data.error as { kind: string }).kind).toBe('connect-refused');
  }, 10_000);
});
