// FAQ 2.4 on real hosts: a UDP_CONNECT health check pings the member, then
// sends a datagram and fails only on an ICMP port unreachable. So a member
// that ignores echo requests is unhealthy though its service answers, and a
// member that rate limits port unreachables (icmp_ratemask 6168, the Linux
// default) looks healthy under a burst of checks though nothing listens
// (and, while its service runs, would hide the service stopping).
import { defineHostScenario, type HostBuildContext, type HostScenarioBuild } from './define-host.js';
import { addInputRule } from './host-firewall.js';

const udpListener = { name: 'dns', protocol: 'UDP', protocol_port: 53, default_pool_id: 'udp-pool' } as const;

/** The "dns" listener to be1:53, checked every second with a 1 s timeout, one try. */
function quickUdpPool(ctx: HostBuildContext): HostScenarioBuild['inventory'] {
  return {
    listeners: [udpListener],
    pools: [
      {
        id: 'udp-pool',
        protocol: 'UDP',
        healthmonitor: { type: 'UDP_CONNECT', delay: 1, timeout: 1, max_retries: 1 },
        members: [ctx.member('be1', 53)],
      },
    ],
  };
}

export const udpEchoIgnored = defineHostScenario({
  id: 'udp-echo-ignored',
  title: 'UDP member whose service answers but whose host ignores ICMP echo (icmp_echo_ignore_all=1)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'icmp-echo-disabled',
  symptom: {
    listener: 'dns',
    path: '',
    expect: 'datagrams to the listener get no answer: be1 is unhealthy, though it echoes the operator',
  },
  members: ['be1'],
  tools: ['ping', 'sysctl'],
  async build(ctx) {
    await ctx.udpEcho('be1', 53);
    // The one fault: echo ignored. Port unreachables are not rate limited (FAQ 2.4's ratemask).
    await ctx.sysctl('be1', { 'net.ipv4.icmp_echo_ignore_all': 1, 'net.ipv4.icmp_ratemask': 6160 });
    return {
      inventory: quickUdpPool(ctx),
      settle: { 'udp-pool': 'unhealthy' },
      recordMemberStatus: true,
    };
  },
});

/** Checker nodes probing be1 at once: the "burst" that outruns the ICMP rate limit. */
export const RATELIMITED_CHECKER_NODES = 8;

export const udpRatelimited = defineHostScenario({
  id: 'udp-ratelimited',
  title:
    'UDP member with nothing on its port and the default icmp_ratemask 6168: a burst of checks looks healthy',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'port-unreachable-rate-limited',
  symptom: {
    listener: 'dns',
    path: '',
    expect: 'datagrams to the listener get no answer, yet the load balancer reports be1 healthy',
  },
  members: ['be1'],
  tools: ['ping', 'sysctl'],
  async build(ctx) {
    // No UDP socket on be1:53. The kernel answers each datagram with a port
    // unreachable, but at most about one per second per peer (burst 6) while
    // ICMP type 3 is in icmp_ratemask: 8 checker nodes from the lb host's
    // address mostly hear silence, which a UDP check counts as healthy.
    await ctx.sysctl('be1', { 'net.ipv4.icmp_ratemask': 6168, 'net.ipv4.icmp_ratelimit': 1000 });
    return {
      inventory: {
        listeners: [udpListener],
        pools: [
          {
            id: 'udp-pool',
            protocol: 'UDP',
            healthmonitor: { type: 'UDP_CONNECT', delay: 1, timeout: 1, max_retries: 2 },
            members: [ctx.member('be1', 53)],
          },
        ],
        reference: { checker_nodes: RATELIMITED_CHECKER_NODES },
      },
      settle: { 'udp-pool': 'healthy' },
      recordMemberStatus: true,
    };
  },
});

export const udpFlapping = defineHostScenario({
  id: 'udp-flapping',
  title: 'every other ping to be1 gets no reply in time (iptables drops every second echo request)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'timeout-too-short',
  symptom: {
    listener: 'dns',
    path: '',
    expect: 'be1 flips between healthy and unhealthy at the load balancer',
  },
  members: ['be1'],
  tools: ['ping', 'sysctl', 'iptables'],
  async build(ctx) {
    await ctx.udpEcho('be1', 53);
    await ctx.sysctl('be1', { 'net.ipv4.icmp_ratemask': 6160 });
    // No netem in this kernel: an echo reply that never comes stands for one that comes after the
    // check's timeout. Every second echo request from the operator's machine is dropped (the
    // counter sees only those, so the UDP checks run from there, one ping each, alternate between
    // pass and fail, deterministically); the load balancer's own checks are left alone.
    await addInputRule(ctx, 'be1', {
      from: ctx.operator.address,
      to: 'icmp-echo',
      match: ['-m', 'statistic', '--mode', 'nth', '--every', '2', '--packet', '0'],
    });
    return {
      inventory: quickUdpPool(ctx),
    };
  },
});

export const udpEchoFiltered = defineHostScenario({
  id: 'udp-echo-filtered',
  title: 'UDP member whose firewall drops ICMP echo requests (icmp_echo_ignore_all stays 0)',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'icmp-blocked',
  symptom: {
    listener: 'dns',
    path: '',
    expect: 'datagrams to the listener get no answer: be1 is unhealthy, though it echoes the operator',
  },
  members: ['be1'],
  tools: ['ping', 'sysctl', 'iptables'],
  async build(ctx) {
    await ctx.udpEcho('be1', 53);
    // The kernel would answer ping; a firewall rule (as a security group or
    // network ACL without ICMP would) drops every echo request first.
    await ctx.sysctl('be1', { 'net.ipv4.icmp_echo_ignore_all': 0, 'net.ipv4.icmp_ratemask': 6160 });
    await addInputRule(ctx, 'be1', { to: 'icmp-echo' });
    return {
      inventory: quickUdpPool(ctx),
      settle: { 'udp-pool': 'unhealthy' },
      recordMemberStatus: true,
    };
  },
});

export const udpRatemaskDefault = defineHostScenario({
  id: 'udp-ratemask-default',
  title: 'healthy UDP member on the default icmp_ratemask 6168: a stopped service could stay healthy',
  faq: '2.4',
  playbook: 'udp-health-check',
  conclusion: 'ratemask-default',
  symptom: {
    listener: 'dns',
    path: '',
    expect: 'datagrams are echoed back; be1 is healthy (the risk shows only once its service stops)',
  },
  members: ['be1'],
  tools: ['ping', 'sysctl'],
  async build(ctx) {
    await ctx.udpEcho('be1', 53);
    // The Linux defaults, set explicitly: port unreachables (bit 3) are rate limited.
    await ctx.sysctl('be1', { 'net.ipv4.icmp_ratemask': 6168, 'net.ipv4.icmp_ratelimit': 1000 });
    return {
      inventory: quickUdpPool(ctx),
      settle: { 'udp-pool': 'healthy' },
      recordMemberStatus: true,
    };
  },
});
