// Listener timeouts (FAQ 5.6 Table 5-2).
import { describe, expect, it } from 'vitest';
import { lint, lintAt, yaml } from './helpers.js';

const listener = (type: string, protocol: string, timeouts: string) => {
  const pool = protocol === 'UDP' ? 'UDP' : protocol;
  const monitor = protocol === 'UDP' ? 'UDP_CONNECT' : protocol === 'TCP' ? 'TCP' : 'HTTP';
  return yaml`
    loadbalancer: {name: lb, type: ${type}, vip_address: 10.0.0.10}
    listeners:
      - name: front
        protocol: ${protocol}
        protocol_port: 80
        default_pool_id: back
        ${timeouts}
    pools:
      - id: back
        protocol: ${pool}
        healthmonitor: {type: ${monitor}}
        members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
  `;
};

describe('lint/idle-timeout-range', () => {
  it('a TCP listener idle timeout below 10 s is flagged, at keepalive_timeout', () => {
    expect(lintAt(listener('dedicated', 'TCP', 'keepalive_timeout: 5'))).toEqual([
      'lint/idle-timeout-range 7:24 listeners[0].keepalive_timeout',
    ]);
  });

  it('clean at 10 s for TCP, and 0 s is allowed for HTTP', () => {
    expect(lint(listener('dedicated', 'TCP', 'keepalive_timeout: 10'))).toEqual([]);
    expect(lint(listener('dedicated', 'HTTP', 'keepalive_timeout: 0'))).toEqual([]);
  });
});

describe('lint/timeout-not-applicable', () => {
  it('request and response timeouts on a TCP listener are flagged, each at its field', () => {
    expect(lintAt(listener('dedicated', 'TCP', 'client_timeout: 30\n        member_timeout: 30'))).toEqual([
      'lint/timeout-not-applicable 7:21 listeners[0].client_timeout',
      'lint/timeout-not-applicable 8:21 listeners[0].member_timeout',
    ]);
  });

  it('an idle timeout on a shared UDP listener is flagged', () => {
    expect(lintAt(listener('shared', 'UDP', 'keepalive_timeout: 60'))).toEqual([
      'lint/timeout-not-applicable 7:24 listeners[0].keepalive_timeout',
    ]);
  });

  it('clean: the same timeouts where Table 5-2 offers them', () => {
    expect(lint(listener('dedicated', 'HTTP', 'client_timeout: 30\n        member_timeout: 30'))).toEqual([]);
    expect(lint(listener('dedicated', 'UDP', 'keepalive_timeout: 60'))).toEqual([]);
    expect(lint(listener('shared', 'TCP', 'keepalive_timeout: 60'))).toEqual([]);
  });
});
