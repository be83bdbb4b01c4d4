// Frontend/backend protocol pairs (FAQ 5.7 Tables 5-3/5-4, 3.6) and
// forwarding policies (5.9).
import { describe, expect, it } from 'vitest';
import { PROTOCOL_PAIRS } from '../../../src/lint/faq-tables.js';
import type { ListenerProtocol } from '../../../src/model/inventory.js';
import { allowedBackendProtocols } from '../../../src/reference/config.js';
import { lint, lintAt, yaml } from './helpers.js';

const pair = (type: string, listener: string, pool: string, monitor = 'TCP') => yaml`
  loadbalancer: {name: lb, type: ${type}, vip_address: 10.0.0.10}
  listeners:
    - name: front
      protocol: ${listener}
      protocol_port: 443
      default_pool_id: back${listener === 'HTTPS' ? '\n      default_tls_container_ref: cert' : ''}
  pools:
    - id: back
      protocol: ${pool}
      healthmonitor: {type: ${monitor}}
      members:
        - {name: be1, address: 10.0.1.1, protocol_port: 8443}
  certificates:
    - {id: cert, certificate: cert.pem, private_key: key.pem}
`;

describe('lint/protocol-pair', () => {
  it('shared: an HTTPS listener cannot forward to an HTTPS pool (Table 5-4, 3.6)', () => {
    expect(lintAt(pair('shared', 'HTTPS', 'HTTPS'))).toEqual([
      'lint/protocol-pair 6:22 listeners[0].default_pool_id',
    ]);
    const [f] = lint(pair('shared', 'HTTPS', 'HTTPS'));
    expect(f?.cause).toContain('dedicated');
    expect(f?.faq).toEqual(['5.7', '3.6']);
  });

  it('dedicated: HTTPS to HTTPS is allowed (Table 5-3)', () => {
    expect(lint(pair('dedicated', 'HTTPS', 'HTTPS'))).toEqual([]);
  });

  it('shared HTTPS to HTTP is allowed', () => {
    expect(lint(pair('shared', 'HTTPS', 'HTTP'))).toEqual([]);
  });

  it('a TCP listener cannot forward to an HTTP pool', () => {
    expect(lintAt(pair('dedicated', 'TCP', 'HTTP'))).toEqual([
      'lint/protocol-pair 6:22 listeners[0].default_pool_id',
    ]);
  });

  it('dedicated UDP to QUIC is allowed; shared UDP to QUIC is not', () => {
    expect(lint(pair('dedicated', 'UDP', 'QUIC', 'UDP_CONNECT'))).toEqual([]);
    expect(lintAt(pair('shared', 'UDP', 'QUIC', 'UDP_CONNECT'))).toEqual([
      'lint/protocol-pair 6:22 listeners[0].default_pool_id',
    ]);
  });

  it('a shared load balancer has no QUIC listener', () => {
    expect(lintAt(pair('shared', 'QUIC', 'UDP', 'UDP_CONNECT'))).toEqual([
      'lint/protocol-pair 4:15 listeners[0].protocol',
    ]);
  });

  it("checks a forwarding policy's pool too, at its redirect_pool_id", () => {
    const text = yaml`
      loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
      listeners:
        - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
      pools:
        - id: web
          protocol: HTTP
          healthmonitor: {type: HTTP}
          members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
        - id: raw
          protocol: TCP
          healthmonitor: {type: TCP}
          members: [{name: be2, address: 10.0.1.2, protocol_port: 9000}]
      l7policies:
        - listener: web
          redirect_pool_id: raw
          rules: [{type: PATH, compare_type: STARTS_WITH, value: /raw}]
    `;
    expect(lintAt(text)).toEqual(['lint/protocol-pair 15:23 l7policies[0].redirect_pool_id']);
    expect(
      lint(text.replace('protocol: TCP\n', 'protocol: HTTP\n').replace('{type: TCP}', '{type: HTTP}')),
    ).toEqual([]);
  });

  it("agrees with the reference load balancer's copy of the 5.7 table", () => {
    for (const type of ['dedicated', 'shared'] as const) {
      for (const l of ['TCP', 'UDP', 'HTTP', 'HTTPS', 'QUIC'] as ListenerProtocol[]) {
        expect([...(PROTOCOL_PAIRS[type][l] ?? [])], `${type} ${l}`).toEqual([
          ...allowedBackendProtocols(type, l),
        ]);
      }
    }
  });
});

const policies = (second: string) => yaml`
  loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
  listeners:
    - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
  pools:
    - id: web
      protocol: HTTP
      healthmonitor: {type: HTTP}
      members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
  l7policies:
    - name: first
      listener: web
      redirect_pool_id: web
      rules:
        - {type: HOST_NAME, compare_type: EQUAL_TO, value: shop.example.com}
        - {type: PATH, compare_type: STARTS_WITH, value: /api}
    - name: second
      listener: web
      redirect_pool_id: web
      rules:
        ${second}
`;

describe('lint/duplicate-policy', () => {
  it('flags the later of two policies with the same rules (any order, host case ignored)', () => {
    const dup = policies(
      '- {type: PATH, compare_type: STARTS_WITH, value: /api}\n        - {type: HOST_NAME, compare_type: EQUAL_TO, value: Shop.Example.com}',
    );
    expect(lintAt(dup)).toEqual(['lint/duplicate-policy 20:7 l7policies[1].rules']);
    expect(lint(dup)[0]?.title).toContain('"second" repeats "first"');
  });

  it('clean when the rules differ', () => {
    expect(lint(policies('- {type: PATH, compare_type: STARTS_WITH, value: /admin}'))).toEqual([]);
  });

  it('the same rules on two listeners are no duplicate', () => {
    const text = yaml`
      loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
      listeners:
        - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
        - {name: alt, protocol: HTTP, protocol_port: 81, default_pool_id: web}
      pools:
        - id: web
          protocol: HTTP
          healthmonitor: {type: HTTP}
          members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
      l7policies:
        - {listener: web, redirect_pool_id: web, rules: [{type: PATH, compare_type: EQUAL_TO, value: /a}]}
        - {listener: alt, redirect_pool_id: web, rules: [{type: PATH, compare_type: EQUAL_TO, value: /a}]}
    `;
    expect(lint(text)).toEqual([]);
  });
});

describe('lint/policy-on-layer4-listener', () => {
  const text = (protocol: string, pool: string, monitor: string) => yaml`
    loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
    listeners:
      - {name: front, protocol: ${protocol}, protocol_port: 80, default_pool_id: back}
    pools:
      - id: back
        protocol: ${pool}
        healthmonitor: {type: ${monitor}}
        members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
    l7policies:
      - listener: front
        redirect_pool_id: back
        rules: [{type: PATH, compare_type: STARTS_WITH, value: /}]
  `;

  it('flags a policy on a TCP listener, at its listener field', () => {
    expect(lintAt(text('TCP', 'TCP', 'TCP'))).toEqual([
      'lint/policy-on-layer4-listener 10:15 l7policies[0].listener',
    ]);
  });

  it('clean on an HTTP listener', () => {
    expect(lint(text('HTTP', 'HTTP', 'HTTP'))).toEqual([]);
  });
});
