// Health checks (FAQ 2.1, 2.2, 2.4, 2.8) and the members' recorded status.
import { describe, expect, it } from 'vitest';
import { lint, lintAt, yaml } from './helpers.js';

const checked = (
  protocol: string,
  monitor: string,
  member = '{name: be1, address: 10.0.1.1, protocol_port: 8080}',
) => {
  const listener = protocol === 'QUIC' ? 'UDP' : protocol;
  return yaml`
    loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
    listeners:
      - {name: front, protocol: ${listener}, protocol_port: 80, default_pool_id: back}
    pools:
      - id: back
        protocol: ${protocol}
        healthmonitor:
          ${monitor}
        members:
          - ${member}
  `;
};

describe('lint/health-check-off', () => {
  it('a pool with members and no health monitor is flagged, at the pool', () => {
    expect(
      lintAt(yaml`
        loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
        listeners:
          - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
        pools:
          - id: web
            protocol: HTTP
            members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
      `),
    ).toEqual(['lint/health-check-off 5:5 pools[0].healthmonitor']);
  });

  it('a disabled health monitor is flagged, at admin_state_up', () => {
    expect(lintAt(checked('HTTP', 'type: HTTP\n          admin_state_up: false'))).toEqual([
      'lint/health-check-off 9:23 pools[0].healthmonitor.admin_state_up',
    ]);
  });

  it('clean when enabled', () => {
    expect(lint(checked('HTTP', 'type: HTTP\n          admin_state_up: true'))).toEqual([]);
  });
});

describe('lint/health-check-timeout-over-interval', () => {
  it('timeout longer than delay is flagged, at timeout', () => {
    expect(lintAt(checked('HTTP', 'type: HTTP\n          delay: 2\n          timeout: 5'))).toEqual([
      'lint/health-check-timeout-over-interval 10:16 pools[0].healthmonitor.timeout',
    ]);
  });

  it('clean when equal', () => {
    expect(lint(checked('HTTP', 'type: HTTP\n          delay: 5\n          timeout: 5'))).toEqual([]);
  });
});

describe('lint/health-check-port', () => {
  it("a monitor port that is no member's port is flagged", () => {
    expect(lintAt(checked('HTTP', 'type: HTTP\n          monitor_port: 9090'))).toEqual([
      'lint/health-check-port 9:21 pools[0].healthmonitor.monitor_port',
    ]);
  });

  it("clean when it is a member's port", () => {
    expect(lint(checked('HTTP', 'type: HTTP\n          monitor_port: 8080'))).toEqual([]);
  });
});

describe('lint/health-check-http-field-ignored', () => {
  it('domain_name and expected_codes on a TCP check are flagged, at the first one set', () => {
    const found = lint(
      checked('TCP', 'type: TCP\n          domain_name: shop.example.com\n          expected_codes: "200"'),
    );
    expect(
      found.map((f) => `${f.code} ${f.location?.line}:${f.location?.column} ${f.location?.field}`),
    ).toEqual(['lint/health-check-http-field-ignored 9:20 pools[0].healthmonitor.domain_name']);
    expect(found[0]?.title).toContain('domain_name, expected_codes');
  });

  it('a url_path other than "/" on a TCP check is flagged', () => {
    expect(lintAt(checked('TCP', 'type: TCP\n          url_path: /health'))).toEqual([
      'lint/health-check-http-field-ignored 9:17 pools[0].healthmonitor.url_path',
    ]);
  });

  it('clean on an HTTP check', () => {
    expect(
      lint(
        checked('HTTP', 'type: HTTP\n          domain_name: shop.example.com\n          url_path: /health'),
      ),
    ).toEqual([]);
  });
});

describe('lint/udp-check-on-non-udp-pool', () => {
  it('UDP_CONNECT on a TCP pool is flagged, at the type', () => {
    expect(lintAt(checked('TCP', 'type: UDP_CONNECT'))).toEqual([
      'lint/udp-check-on-non-udp-pool 8:13 pools[0].healthmonitor.type',
    ]);
  });

  it('clean on a UDP and a QUIC pool', () => {
    expect(lint(checked('UDP', 'type: UDP_CONNECT'))).toEqual([]);
    expect(lint(checked('QUIC', 'type: UDP_CONNECT'))).toEqual([]);
  });
});

describe('lint/udp-pool-without-udp-check', () => {
  it('a TCP check on a UDP pool is flagged', () => {
    expect(lintAt(checked('UDP', 'type: TCP'))).toEqual([
      'lint/udp-pool-without-udp-check 8:13 pools[0].healthmonitor.type',
    ]);
  });

  it('clean with UDP_CONNECT', () => {
    expect(lint(checked('UDP', 'type: UDP_CONNECT'))).toEqual([]);
  });
});

describe('lint/udp-check-timeout-short', () => {
  it('a UDP check timing out under 3 s is flagged (FAQ 2.4: flapping)', () => {
    expect(lintAt(checked('UDP', 'type: UDP_CONNECT\n          timeout: 1'))).toEqual([
      'lint/udp-check-timeout-short 9:16 pools[0].healthmonitor.timeout',
    ]);
  });

  it('clean at the default', () => {
    expect(lint(checked('UDP', 'type: UDP_CONNECT\n          timeout: 3'))).toEqual([]);
  });
});

describe('lint/member-status-contradiction', () => {
  const shared = (weight: number) => yaml`
    loadbalancer: {name: lb, type: shared, vip_address: 10.0.0.10}
    listeners:
      - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
    pools:
      - id: web
        protocol: HTTP
        healthmonitor: {type: HTTP}
        members:
          - {name: be1, address: 10.0.1.1, protocol_port: 8080, weight: 1}
          - {name: be2, address: 10.0.1.2, protocol_port: 8080, weight: ${weight}, operating_status: ONLINE}
  `;

  it('shared: an ONLINE member with weight 0 is flagged, at operating_status', () => {
    expect(lintAt(shared(0))).toEqual([
      'lint/member-status-contradiction 10:90 pools[0].members[1].operating_status',
    ]);
  });

  it('clean with a weight', () => {
    expect(lint(shared(1))).toEqual([]);
  });

  it('dedicated: weight 0 and ONLINE agree (healthy, no traffic)', () => {
    expect(lint(shared(0).replace('type: shared', 'type: dedicated'))).toEqual([]);
  });

  it('an ONLINE member of a pool no listener uses is flagged, beside pool-unused', () => {
    const text = shared(1)
      .replace('default_pool_id: web}', 'default_pool_id: other}')
      .concat(
        '  - {id: other, protocol: HTTP, healthmonitor: {type: HTTP}, members: [{address: 10.0.2.1, protocol_port: 80}]}\n',
      );
    expect(lintAt(text)).toEqual([
      'lint/pool-unused 5:9 pools[0].id',
      'lint/member-status-contradiction 10:90 pools[0].members[1].operating_status',
    ]);
  });

  it('an ONLINE member behind a TCP listener of a load balancer with no VIP and no EIP', () => {
    const text = yaml`
      loadbalancer: {name: lb, type: dedicated, vip_address: null, eip: null}
      listeners:
        - {name: tcp, protocol: TCP, protocol_port: 80, default_pool_id: back}
      pools:
        - id: back
          protocol: TCP
          healthmonitor: {type: TCP}
          members: [{name: be1, address: 10.0.1.1, protocol_port: 8080, operating_status: ONLINE}]
    `;
    expect(lintAt(text)).toEqual([
      'lint/layer4-listener-without-address 1:56 loadbalancer.vip_address',
      'lint/member-status-contradiction 8:85 pools[0].members[0].operating_status',
    ]);
    const reasons = lint(text)[1]?.cause;
    expect(reasons).toContain('neither a private IP nor an EIP');
  });
});
