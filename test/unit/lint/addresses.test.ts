// Load balancer addresses (FAQ 2.1/2.2, 3.4, 3.7, 4.3).
import { describe, expect, it } from 'vitest';
import { lint, lintAt, yaml } from './helpers.js';

const lb = (loadbalancer: string, protocol = 'HTTP', member = '10.0.1.1') => {
  const monitor = protocol === 'TCP' ? 'TCP' : 'HTTP';
  return yaml`
    loadbalancer:
      ${loadbalancer}
    listeners:
      - {name: front, protocol: ${protocol}, protocol_port: 80, default_pool_id: back}
    pools:
      - id: back
        protocol: ${protocol}
        healthmonitor: {type: ${monitor}}
        members:
          - {name: be1, address: "${member}", protocol_port: 8080}
  `;
};

describe('lint/layer4-listener-without-address', () => {
  it('a TCP listener on a load balancer whose vip_address and eip are null is flagged, at vip_address', () => {
    expect(
      lintAt(lb('name: x\n      type: dedicated\n      vip_address: null\n      eip: null', 'TCP')),
    ).toEqual(['lint/layer4-listener-without-address 4:16 loadbalancer.vip_address']);
  });

  it('clean when the addresses are left out (unknown), when one is set, or at Layer 7', () => {
    expect(lint(lb('name: x\n      type: dedicated', 'TCP'))).toEqual([]);
    expect(
      lint(lb('name: x\n      type: dedicated\n      vip_address: null\n      eip: 203.0.113.7', 'TCP')),
    ).toEqual([]);
    expect(
      lint(lb('name: x\n      type: dedicated\n      vip_address: null\n      eip: null', 'HTTP')),
    ).toEqual([]);
  });
});

describe('lint/ip-backend-on-shared', () => {
  it('IP as a Backend on a shared load balancer is flagged', () => {
    expect(lintAt(lb('name: x\n      type: shared\n      ip_target_enable: true'))).toEqual([
      'lint/ip-backend-on-shared 4:21 loadbalancer.ip_target_enable',
    ]);
  });

  it('clean on a dedicated one', () => {
    expect(lint(lb('name: x\n      type: dedicated\n      ip_target_enable: true'))).toEqual([]);
  });
});

describe('lint/ipv6-on-shared', () => {
  it('an IPv6 VIP and an IPv6 member on a shared load balancer are flagged', () => {
    expect(
      lintAt(lb('name: x\n      type: shared\n      vip_address: "2001:db8::10"', 'TCP', '2001:db8::1')),
    ).toEqual([
      'lint/ipv6-on-shared 4:16 loadbalancer.vip_address',
      'lint/ipv6-on-shared 12:30 pools[0].members[0].address',
    ]);
  });

  it('an IPv6 frontend subnet too', () => {
    expect(lintAt(lb('name: x\n      type: shared\n      vip_subnet_cidr: "2001:db8::/64"'))).toEqual([
      'lint/ipv6-on-shared 4:20 loadbalancer.vip_subnet_cidr',
    ]);
  });

  it('clean on a dedicated load balancer', () => {
    expect(
      lint(lb('name: x\n      type: dedicated\n      vip_address: "2001:db8::10"', 'TCP', '2001:db8::1')),
    ).toEqual([]);
  });
});

describe('lint/ipv6-backend-family', () => {
  it('dedicated: an IPv6 member in an HTTP pool is flagged (Layer 7 reaches backends over IPv4)', () => {
    expect(lintAt(lb('name: x\n      type: dedicated', 'HTTP', '2001:db8::1'))).toEqual([
      'lint/ipv6-backend-family 11:30 pools[0].members[0].address',
    ]);
  });

  it('dedicated, IPv6-only VIP: an IPv4 member behind a TCP listener is flagged', () => {
    expect(
      lintAt(lb('name: x\n      type: dedicated\n      vip_address: "2001:db8::10"', 'TCP', '10.0.1.1')),
    ).toEqual(['lint/ipv6-backend-family 12:30 pools[0].members[0].address']);
  });

  it('clean: IPv4 at Layer 7, IPv6 behind an IPv6 TCP VIP, IPv4 behind an IPv6 VIP with an IPv4 EIP', () => {
    expect(
      lint(lb('name: x\n      type: dedicated\n      vip_address: "2001:db8::10"', 'HTTP', '10.0.1.1')),
    ).toEqual([]);
    expect(
      lint(lb('name: x\n      type: dedicated\n      vip_address: "2001:db8::10"', 'TCP', '2001:db8::1')),
    ).toEqual([]);
    expect(
      lint(
        lb(
          'name: x\n      type: dedicated\n      vip_address: "2001:db8::10"\n      eip: 203.0.113.7',
          'TCP',
          '10.0.1.1',
        ),
      ),
    ).toEqual([]);
  });
});

describe('lint/vip-outside-subnet', () => {
  it('a VIP outside its frontend subnet is flagged, at vip_address', () => {
    expect(
      lintAt(
        lb(
          'name: x\n      type: dedicated\n      vip_address: 10.0.1.10\n      vip_subnet_cidr: 10.0.0.0/24',
        ),
      ),
    ).toEqual(['lint/vip-outside-subnet 4:16 loadbalancer.vip_address']);
  });

  it('clean inside it', () => {
    expect(
      lint(
        lb(
          'name: x\n      type: dedicated\n      vip_address: 10.0.0.10\n      vip_subnet_cidr: 10.0.0.0/24',
        ),
      ),
    ).toEqual([]);
  });
});
