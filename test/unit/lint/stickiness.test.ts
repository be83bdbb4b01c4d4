// Load balancing algorithm × sticky-session type (FAQ 6.1 Tables 6-1, 6-2).
import { describe, expect, it } from 'vitest';
import { lint, lintAt, yaml } from './helpers.js';

const pool = (type: string, protocol: string, algorithm: string, sticky: string) => {
  const monitor =
    protocol === 'UDP' || protocol === 'QUIC' ? 'UDP_CONNECT' : protocol === 'TCP' ? 'TCP' : 'HTTP';
  const listener = protocol === 'QUIC' ? 'UDP' : protocol;
  return yaml`
    loadbalancer: {name: lb, type: ${type}, vip_address: 10.0.0.10}
    listeners:
      - {name: front, protocol: ${listener}, protocol_port: 80, default_pool_id: back${listener === 'HTTPS' ? ', default_tls_container_ref: c' : ''}}
    pools:
      - id: back
        protocol: ${protocol}
        lb_algorithm: ${algorithm}
        session_persistence:
          type: ${sticky}
          cookie_name: SESSIONID
        healthmonitor: {type: ${monitor}}
        members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
    certificates: [{id: c, certificate: c.pem}]
  `;
};

describe('lint/stickiness-with-source-ip-hash', () => {
  it.each([
    ['dedicated', 'TCP', 'SOURCE_IP'],
    ['shared', 'UDP', 'SOURCE_IP'],
    ['dedicated', 'HTTP', 'HTTP_COOKIE'],
    ['shared', 'HTTP', 'APP_COOKIE'],
  ])(
    '%s %s pool: source IP hash with %s stickiness, at session_persistence.type',
    (type, protocol, sticky) => {
      expect(lintAt(pool(type, protocol, 'SOURCE_IP', sticky))).toEqual([
        'lint/stickiness-with-source-ip-hash 9:13 pools[0].session_persistence.type',
      ]);
    },
  );

  it('clean without stickiness', () => {
    const text = pool('dedicated', 'HTTP', 'SOURCE_IP', 'HTTP_COOKIE').replace(
      / +session_persistence:\n.*\n.*\n/,
      '',
    );
    expect(text).not.toContain('session_persistence');
    expect(lint(text)).toEqual([]);
  });
});

describe('lint/stickiness-type', () => {
  it.each([
    ['dedicated', 'TCP', 'HTTP_COOKIE'],
    ['dedicated', 'UDP', 'APP_COOKIE'],
    ['dedicated', 'QUIC', 'HTTP_COOKIE'],
    ['dedicated', 'HTTP', 'SOURCE_IP'],
    ['dedicated', 'HTTPS', 'SOURCE_IP'],
    ['shared', 'TCP', 'APP_COOKIE'],
    ['shared', 'HTTP', 'SOURCE_IP'],
  ])('%s %s pool with %s stickiness is flagged', (type, protocol, sticky) => {
    expect(lintAt(pool(type, protocol, 'ROUND_ROBIN', sticky))).toEqual([
      'lint/stickiness-type 9:13 pools[0].session_persistence.type',
    ]);
  });

  it.each([
    ['dedicated', 'TCP', 'LEAST_CONNECTIONS', 'SOURCE_IP'],
    ['dedicated', 'QUIC', 'ROUND_ROBIN', 'SOURCE_IP'],
    ['dedicated', 'HTTPS', 'ROUND_ROBIN', 'APP_COOKIE'],
    ['shared', 'UDP', 'ROUND_ROBIN', 'SOURCE_IP'],
    ['shared', 'HTTP', 'LEAST_CONNECTIONS', 'HTTP_COOKIE'],
  ])('%s %s pool with %s and %s stickiness is clean', (type, protocol, algorithm, sticky) => {
    expect(lint(pool(type, protocol, algorithm, sticky))).toEqual([]);
  });
});
