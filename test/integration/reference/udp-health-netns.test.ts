// FAQ 2.4 on a real second host: a network namespace the test creates (root
// and `ip netns` needed; skipped with the reason otherwise). The member's own
// sysctl decides what the UDP health check sees, which loopback cannot show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab, labSupport } from '../../../src/lab/netns.js';
import { explainMemberHealth } from '../../../src/reference/health/explain.js';
import { icmpEcho } from '../../../src/reference/health/icmp-echo.js';

const support = await labSupport();
if (!support.ok) console.warn(`skipping UDP health check namespace tests: ${support.reason}`);

describe.skipIf(!support.ok)('UDP_CONNECT health check against a namespace host (FAQ 2.4)', () => {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await createLab({ hosts: ['udpbe'] });
    // The health check sends one ping: make sure the new host already answers one (on a loaded
    // machine the first echo after the namespace came up was once lost), so that only the
    // member's settings decide what each test sees.
    const ready = Date.now() + 10_000;
    for (;;) {
      const echo = await icmpEcho(host().address, 1);
      if (echo.replied) break;
      if (Date.now() > ready) throw new Error(`lab host ${host().address} never answered a ping`);
    }
  }, 60_000);
  afterAll(async () => {
    await lab?.teardown();
  }, 60_000);

  const host = () => {
    const h = lab?.hosts.udpbe;
    if (!h) throw new Error('lab host missing');
    return h;
  };
  const check = (port: number) =>
    explainMemberHealth({
      member: { address: host().address, port },
      monitor: { type: 'UDP_CONNECT', timeout: 2 },
      lbType: 'dedicated',
    });

  it('a closed UDP port on the member answers ICMP port unreachable: unhealthy', async () => {
    const r = await check(40999);
    expect(r).toMatchObject({ healthy: false, outcome: 'fail' });
    expect(r.checks[0]?.phase).toBe('udp');
    expect(r.reason).toContain('ICMP port unreachable');
  });

  it('with icmp_echo_ignore_all=1 the member is unhealthy before any UDP is sent', async () => {
    const set = await host().exec(['sysctl', '-w', 'net.ipv4.icmp_echo_ignore_all=1']);
    expect(set.exitCode).toBe(0);
    try {
      const r = await check(40999);
      expect(r).toMatchObject({ healthy: false, outcome: 'fail' });
      expect(r.checks[0]?.phase).toBe('icmp-echo');
      expect(r.reason).toContain('no ICMP echo reply');
    } finally {
      await host().exec(['sysctl', '-w', 'net.ipv4.icmp_echo_ignore_all=0']);
    }
  }, 15_000);
});
