// Listeners and pools wired together (FAQ 3.1, 1.6, 2.1/2.2).
import { describe, expect, it } from 'vitest';
import { CLEAN, lint, lintAt, yaml } from './helpers.js';

describe('the clean base inventory', () => {
  it('raises nothing', () => {
    expect(lint(CLEAN)).toEqual([]);
  });
});

describe('lint/listener-without-pool', () => {
  it('flags a listener with no default pool and no policy, at the listener', () => {
    expect(
      lintAt(yaml`
        loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
        listeners:
          - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
          - name: admin
            protocol: HTTP
            protocol_port: 81
        pools:
          - id: web
            protocol: HTTP
            healthmonitor: {type: HTTP}
            members:
              - {name: be1, address: 10.0.1.1, protocol_port: 8080}
      `),
    ).toEqual(['lint/listener-without-pool 4:5 listeners[1].default_pool_id']);
  });

  it('a listener whose forwarding policy sends to a pool is not flagged by it', () => {
    const found = lintAt(yaml`
      loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
      listeners:
        - {name: web, protocol: HTTP, protocol_port: 80}
      pools:
        - id: web
          protocol: HTTP
          healthmonitor: {type: HTTP}
          members:
            - {name: be1, address: 10.0.1.1, protocol_port: 8080}
      l7policies:
        - {name: api, listener: web, redirect_pool_id: web, rules: [{type: PATH, compare_type: STARTS_WITH, value: /api}]}
    `);
    expect(found.filter((f) => f.startsWith('lint/listener-without-pool '))).toEqual([]);
  });
});

describe('lint/listener-without-default-pool', () => {
  const withPolicy = (defaultPool: string) => yaml`
    loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
    listeners:
      - name: web
        protocol: HTTP
        protocol_port: 80${defaultPool}
    pools:
      - id: web
        protocol: HTTP
        healthmonitor: {type: HTTP}
        members:
          - {name: be1, address: 10.0.1.1, protocol_port: 8080}
    l7policies:
      - {name: api, listener: web, redirect_pool_id: web, rules: [{type: PATH, compare_type: STARTS_WITH, value: /api}]}
  `;

  it('flags policies without a default pool (unmatched requests get 40000)', () => {
    expect(lintAt(withPolicy(''))).toEqual([
      'lint/listener-without-default-pool 3:5 listeners[0].default_pool_id',
    ]);
  });

  it('clean with a default pool', () => {
    expect(lint(withPolicy('\n        default_pool_id: web'))).toEqual([]);
  });
});

describe('lint/pool-unused', () => {
  const inv = (listenerPool: string) => yaml`
    loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
    listeners:
      - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: ${listenerPool}}
    pools:
      - id: web
        protocol: HTTP
        healthmonitor: {type: HTTP}
        members:
          - {name: be1, address: 10.0.1.1, protocol_port: 8080}
      - id: spare
        protocol: HTTP
        healthmonitor: {type: HTTP}
        members:
          - {name: be2, address: 10.0.1.2, protocol_port: 8080}
  `;

  it('flags a pool no listener or policy uses, at its id', () => {
    expect(lintAt(inv('web'))).toEqual(['lint/pool-unused 10:9 pools[1].id']);
  });

  it('a pool used only through a forwarding policy counts as used', () => {
    const text = `${inv('web')}l7policies:\n  - {listener: web, redirect_pool_id: spare, rules: [{type: HOST_NAME, compare_type: EQUAL_TO, value: a.example.com}]}\n`;
    expect(lint(text)).toEqual([]);
  });
});

describe('lint/pool-without-members', () => {
  it('flags an empty pool a listener sends to, at its members', () => {
    expect(
      lintAt(yaml`
        loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
        listeners:
          - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
        pools:
          - id: web
            protocol: HTTP
            healthmonitor: {type: HTTP}
            members: []
      `),
    ).toEqual(['lint/pool-without-members 8:14 pools[0].members']);
  });

  it('a pool with no members field at all points at the pool', () => {
    expect(
      lintAt(yaml`
        loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
        listeners:
          - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
        pools:
          - id: web
            protocol: HTTP
      `),
    ).toEqual(['lint/pool-without-members 5:5 pools[0].members']);
  });

  it('an empty pool nobody uses is only pool-unused', () => {
    const text = `${CLEAN}  - {id: later, protocol: HTTP}\n`;
    expect(lintAt(text)).toEqual(['lint/pool-unused 10:10 pools[1].id']);
  });
});
