// Members and client addresses (FAQ 1.3, 1.8, 2.1/2.2, 3.5, 3.9, 4.3, 6.13).
import { describe, expect, it } from 'vitest';
import { lint, lintAt, yaml } from './helpers.js';

const members = (lines: string, lb = '{name: lb, type: dedicated, vip_address: 10.0.0.10}') => yaml`
  loadbalancer: ${lb}
  listeners:
    - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
  pools:
    - id: web
      protocol: HTTP
      healthmonitor: {type: HTTP}
      members:
        ${lines}
`;

describe('lint/pool-all-weight-zero', () => {
  it('every member at weight 0 is flagged, at the first weight', () => {
    expect(
      lintAt(
        members(
          '- name: be1\n          address: 10.0.1.1\n          protocol_port: 8080\n          weight: 0\n        - {name: be2, address: 10.0.1.2, protocol_port: 8080, weight: 0}',
        ),
      ),
    ).toEqual(['lint/pool-all-weight-zero 12:17 pools[0].members[0].weight']);
  });

  it('clean when one member still has a weight', () => {
    expect(
      lint(
        members(
          '- {name: be1, address: 10.0.1.1, protocol_port: 8080, weight: 0}\n        - {name: be2, address: 10.0.1.2, protocol_port: 8080, weight: 1}',
        ),
      ),
    ).toEqual([]);
  });
});

describe('lint/member-is-load-balancer', () => {
  it("a member at the load balancer's VIP is flagged, at its address", () => {
    expect(lintAt(members('- {name: be1, address: 10.0.0.10, protocol_port: 8080}'))).toEqual([
      'lint/member-is-load-balancer 9:30 pools[0].members[0].address',
    ]);
  });

  it('and at its EIP', () => {
    const lb = '{name: lb, type: dedicated, vip_address: 10.0.0.10, eip: 203.0.113.7}';
    expect(lintAt(members('- {name: be1, address: 203.0.113.7, protocol_port: 8080}', lb))).toEqual([
      'lint/member-is-load-balancer 9:30 pools[0].members[0].address',
    ]);
  });

  it('loopback (a local reference-LB setup) is flagged only when the member port is a listener port', () => {
    const lb = '{name: lb, type: dedicated, vip_address: 127.0.0.1}';
    expect(lint(members('- {name: be1, address: 127.0.0.1, protocol_port: 8080}', lb))).toEqual([]);
    const [loop] = lint(members('- {name: be1, address: 127.0.0.1, protocol_port: 80}', lb));
    expect(loop?.code).toBe('lint/member-is-load-balancer');
    expect(loop?.cause).toContain('a loop');
  });

  it('clean: a member in another address', () => {
    expect(lint(members('- {name: be1, address: 10.0.1.1, protocol_port: 8080}'))).toEqual([]);
  });
});

const layer4 = (type: string, opts: { transparent?: boolean; ipTarget?: boolean; client: string }) => yaml`
  loadbalancer: {name: lb, type: ${type}, vip_address: 10.0.0.10, ip_target_enable: ${opts.ipTarget ?? false}}
  listeners:
    - {name: tcp, protocol: TCP, protocol_port: 80, default_pool_id: back, transparent_client_ip_enable: ${opts.transparent ?? false}}
  pools:
    - id: back
      protocol: TCP
      healthmonitor: {type: TCP}
      members:
        - {name: be1, address: 10.0.1.1, protocol_port: 8080}
  client: {address: ${opts.client}}
`;

describe('lint/client-is-member', () => {
  it('dedicated TCP listener (client IP always transferred): a member as client is flagged', () => {
    expect(lintAt(layer4('dedicated', { client: '10.0.1.1' }))).toEqual([
      'lint/client-is-member 9:30 pools[0].members[0].address',
    ]);
  });

  it('shared: only when Transfer Client IP Address is on', () => {
    expect(lintAt(layer4('shared', { transparent: true, client: '10.0.1.1' }))).toEqual([
      'lint/client-is-member 9:30 pools[0].members[0].address',
    ]);
    expect(lint(layer4('shared', { transparent: false, client: '10.0.1.1' }))).toEqual([]);
  });

  it('clean: IP as a Backend (fullNAT), or a client that is not a member', () => {
    expect(lint(layer4('dedicated', { ipTarget: true, client: '10.0.1.1' }))).toEqual([]);
    expect(lint(layer4('dedicated', { client: '10.0.9.9' }))).toEqual([]);
  });
});

describe('lint/client-ip-ignored', () => {
  it('Transfer Client IP Address on an HTTP listener is flagged', () => {
    const text = yaml`
      loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
      listeners:
        - name: web
          protocol: HTTP
          protocol_port: 80
          default_pool_id: web
          transparent_client_ip_enable: true
      pools:
        - id: web
          protocol: HTTP
          healthmonitor: {type: HTTP}
          members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
    `;
    expect(lintAt(text)).toEqual(['lint/client-ip-ignored 7:35 listeners[0].transparent_client_ip_enable']);
    expect(
      lint(text.replace('transparent_client_ip_enable: true', 'transparent_client_ip_enable: false')),
    ).toEqual([]);
  });

  it('and on a TCP listener of a load balancer with IP as a Backend', () => {
    expect(lintAt(layer4('dedicated', { ipTarget: true, transparent: true, client: '10.0.9.9' }))).toEqual([
      'lint/client-ip-ignored 3:104 listeners[0].transparent_client_ip_enable',
    ]);
    expect(lint(layer4('shared', { transparent: true, client: '10.0.9.9' }))).toEqual([]);
  });
});

describe('lint/client-ip-shared-member', () => {
  const two = (secondPort: number, transparent = true) => yaml`
    loadbalancers:
      - loadbalancer: {name: lb-a, type: shared, vip_address: 10.0.0.10}
        listeners:
          - {name: a, protocol: TCP, protocol_port: 80, default_pool_id: pa, transparent_client_ip_enable: true}
        pools:
          - id: pa
            protocol: TCP
            healthmonitor: {type: TCP}
            members: [{name: be1, address: 10.0.1.1, protocol_port: 90}]
      - loadbalancer: {name: lb-b, type: shared, vip_address: 10.0.0.11}
        listeners:
          - {name: b, protocol: TCP, protocol_port: 80, default_pool_id: pb, transparent_client_ip_enable: ${transparent}}
        pools:
          - id: pb
            protocol: TCP
            healthmonitor: {type: TCP}
            members: [{name: be1b, address: 10.0.1.1, protocol_port: ${secondPort}}]
  `;

  it('two load balancers passing the client IP to one member ip:port (FAQ 1.3) are flagged, at the second', () => {
    expect(lintAt(two(90))).toEqual([
      'lint/client-ip-shared-member 17:41 loadbalancers[1].pools[0].members[0].address',
    ]);
    expect(lint(two(90))[0]?.title).toContain('listener "a" of load balancer "lb-a"');
  });

  it('clean: other backend port, or one listener not passing the client IP', () => {
    expect(lint(two(91))).toEqual([]);
    expect(lint(two(90, false))).toEqual([]);
  });
});

describe('lint/member-is-load-balancer: the loop needs the same transport', () => {
  it('a UDP member on a TCP listener port of a loopback VIP is no loop', () => {
    const text = yaml`
      loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1}
      listeners:
        - {name: web, protocol: TCP, protocol_port: 53, default_pool_id: tcp}
        - {name: dns, protocol: UDP, protocol_port: 5353, default_pool_id: udp}
      pools:
        - id: tcp
          protocol: TCP
          healthmonitor: {type: TCP}
          members: [{name: t1, address: 10.0.1.1, protocol_port: 53}]
        - id: udp
          protocol: UDP
          healthmonitor: {type: UDP_CONNECT}
          members: [{name: u1, address: 127.0.0.1, protocol_port: 53}]
    `;
    expect(lint(text)).toEqual([]);
    expect(
      lintAt(
        text
          .replace('protocol: TCP, protocol_port: 53', 'protocol: UDP, protocol_port: 53')
          .replace(
            /id: tcp\n(\s+)protocol: TCP\n(\s+)healthmonitor: \{type: TCP\}/,
            'id: tcp\n$1protocol: UDP\n$2healthmonitor: {type: UDP_CONNECT}',
          ),
      ),
    ).toEqual(['lint/member-is-load-balancer 13:35 pools[1].members[0].address']);
  });
});
